"""Paths and names inside SQL text, quoted: the one way every module puts them there.

DuckDB binds values (`?`) but not the paths of ATTACH and COPY nor table names, so those are
written into the statement; quoted here, a path holding an apostrophe is a path, never SQL.
"""

from __future__ import annotations

import os


def sql_string(value: str | os.PathLike[str]) -> str:
    """`value` as an SQL string literal: 'it''s'."""
    return "'" + os.fspath(value).replace("'", "''") + "'"


def sql_name(*parts: str) -> str:
    """A (qualified) identifier, each part double-quoted: "raw"."letters"."""
    return ".".join('"' + part.replace('"', '""') + '"' for part in parts)
