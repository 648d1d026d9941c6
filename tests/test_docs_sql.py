"""Every SQL example of README.md and docs/ runs unchanged, with the same answer, on the served
DuckDB file and on the PostgreSQL copy read by a login of the reader role: the ```sql blocks, the
inline `select ...` spans, and the queries the prose passes to `psql` or `imr sql` in double quotes."""

from __future__ import annotations

import math
import re
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
import pytest

from imr.serve.publish import publish_postgres
from imr.serve.sql import query
from tests.test_docs import PROSE, REFERENCE

_FENCED = re.compile(r"^```sql\n(.*?)^```", re.MULTILINE | re.DOTALL)
_INLINE = re.compile(r"`([^`\n]+)`")
_QUOTED = re.compile(r'"((?:select|with) [^"]+)"', re.IGNORECASE)


def examples() -> list[tuple[str, str]]:
    """(where, statement) of every SQL example in the prose."""
    found = []
    for path in PROSE:
        if path == REFERENCE:
            continue
        text = path.read_text(encoding="utf-8")
        found += [(path.name, block.strip().rstrip(";")) for block in _FENCED.findall(text)]
        for span in _INLINE.findall(text):
            if re.match(r"(select|with) ", span, re.IGNORECASE):
                found.append((path.name, span.rstrip(";")))
            if span.startswith(("psql ", "imr sql ")):
                found += [(path.name, quoted.rstrip(";")) for quoted in _QUOTED.findall(span)]
    return found


def test_the_docs_have_sql_examples() -> None:
    where = {name for name, _ in examples()}
    assert {"README.md", "refresh.md"} <= where


@pytest.fixture(scope="module")
def home(synthetic_warehouse: tuple[Path, list[dict]]) -> Path:
    return synthetic_warehouse[0]


@pytest.fixture
def reader(home: Path, postgres: str) -> psycopg.Connection[Any]:
    """The marts published, and a session of a login in the reader role, as Metabase has."""
    login = f"imr_test_{uuid.uuid4().hex[:8]}"
    publish_postgres(home, postgres)
    with psycopg.connect(postgres, autocommit=True) as admin:
        admin.execute(f"create role {login} login in role imr_reader")
    con = psycopg.connect(postgres, autocommit=True)
    con.execute(f"set session authorization {login}")
    yield con
    con.close()
    with psycopg.connect(postgres, autocommit=True) as admin:
        admin.execute(f"drop role {login}")


def test_every_sql_example_runs_on_duckdb_and_postgresql_alike(home: Path, reader: psycopg.Connection[Any]) -> None:
    for where, statement in examples():
        _, on_duckdb = query(home, statement)
        try:
            on_postgres = reader.execute(statement).fetchall()
        except psycopg.Error as error:
            pytest.fail(f"{where}: {statement}\nfails on PostgreSQL: {error}")
        assert _comparable(on_duckdb) == _comparable(on_postgres), f"{where}: {statement}"


def _comparable(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Rows sorted, numbers as floats to 9 places (a decimal on one side can be a double on the other)."""

    def value(cell: Any) -> Any:
        if isinstance(cell, bool) or cell is None:
            return cell
        if isinstance(cell, int | float | Decimal):
            return round(float(cell), 9) if math.isfinite(float(cell)) else float(cell)
        return cell

    return sorted((tuple(value(cell) for cell in row) for row in rows), key=repr)
