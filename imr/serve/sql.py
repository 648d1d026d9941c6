"""`imr sql`: read-only SQL on the served warehouse, rendered as a table, CSV or JSON lines.

Read-only means more than the file opened read-only (which refuses table writes): the connection
touches no other file (no COPY TO, EXPORT, ATTACH, INSTALL or LOAD, no reading files either) and
its configuration is locked (no SET, RESET or setting PRAGMA), so a statement can neither
overwrite a warehouse file nor loosen the rules for the next one.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import duckdb

from imr.serve.warehouse import served

# Set when the connection opens: no file but the served one, and no setting changed after.
LOCKED_DOWN: dict[str, str | bool | int | float | list[str]] = {"enable_external_access": False, "lock_configuration": True}


class Refused(duckdb.Error):
    """A statement that would write a file or change a setting."""


def query(home: Path, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Column names and rows of `sql` run read-only on the served warehouse; Refused when `sql`
    would touch a file or a setting."""
    with duckdb.connect(str(served(home)), read_only=True, config=LOCKED_DOWN) as con:
        try:
            result = con.execute(sql)
        except duckdb.PermissionException as error:
            raise Refused(f"refused: imr sql reads the served marts and touches no other file ({error})") from None
        except duckdb.InvalidInputException as error:
            if "configuration has been locked" not in str(error):
                raise
            raise Refused(f"refused: imr sql changes no setting ({error})") from None
        columns = [d[0] for d in result.description or []]
        return columns, result.fetchall()


def render(columns: list[str], rows: list[tuple[Any, ...]], fmt: str = "table") -> str:
    """Rows as an aligned text table, CSV or JSON lines."""
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
        return buffer.getvalue().rstrip("\n")
    if fmt == "json":
        return "\n".join(json.dumps(dict(zip(columns, row)), default=str) for row in rows)
    cells = [[_cell(value) for value in row] for row in rows]
    widths = [max([len(name), *(len(row[i]) for row in cells)]) for i, name in enumerate(columns)]
    lines = ["  ".join(name.ljust(width) for name, width in zip(columns, widths)), "  ".join("-" * width for width in widths)]
    lines += [
        "  ".join(value.rjust(width) if _numeric(value) else value.ljust(width) for value, width in zip(row, widths)) for row in cells
    ]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)


def _cell(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def _numeric(text: str) -> bool:
    return text.replace(".", "", 1).replace("-", "", 1).isdigit()
