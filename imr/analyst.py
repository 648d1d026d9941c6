"""The analyst's tools: read-only SQL on the served warehouse, and the documentation sites.

Everything here reads the served file read-only or works on a copy, so an analyst never blocks a
refresh.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import duckdb

from imr.build import WAREHOUSE_FILE, BuildError, dbt

DOCS_DIR = "docs"


def served(home: Path) -> Path:
    path = home / WAREHOUSE_FILE
    if not path.exists():
        raise FileNotFoundError(f"{path}: no served warehouse yet (run `imr refresh` or `imr build`)")
    return path


def query(home: Path, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Column names and rows of `sql` run read-only on the served warehouse."""
    with duckdb.connect(str(served(home)), read_only=True) as con:
        result = con.execute(sql)
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
    lines = ["  ".join(name.ljust(width) for name, width in zip(columns, widths)),
             "  ".join("-" * width for width in widths)]
    lines += ["  ".join(value.rjust(width) if _numeric(value) else value.ljust(width)
                        for value, width in zip(row, widths)) for row in cells]
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


def generate_docs(home: Path) -> Path:
    """The dbt docs site as one static HTML file (models, columns, lineage), generated from a copy
    of the served warehouse so the served file is never opened for writing. Returns its path."""
    source = served(home)
    out = home / DOCS_DIR
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=home) as scratch:
        copy = Path(scratch, WAREHOUSE_FILE)
        shutil.copyfile(source, copy)
        result = dbt(home, "docs", "generate", "--static", database=copy, quiet=True)
        if result.returncode != 0:
            raise BuildError(f"dbt docs generate failed:\n{result.stdout[-2000:]}")
    site = out / "dbt-docs.html"
    shutil.copyfile(home / "build" / "dbt" / "static_index.html", site)
    return site
