"""The served warehouse as every serving path reads it: the file, opened read-only, schema marts.

Readers never block a refresh (it replaces the file by a rename) and a refresh never blocks them.
A built file is made ready for them first (`prepare_for_readers`): it then holds only relations
that answer when the file is opened alone, and the id of the build that wrote it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from imr.home import STORAGE_VERSION, Home
from ingest.clock import utc_now

MARTS_SCHEMA = "marts"
# One row: which build wrote the file (dbt's invocation id) and when, so a copy of the marts
# elsewhere (PostgreSQL) can tell whether it holds this build.
BUILD_TABLE = "main.imr_build"
_BUILD_COMMENTS = {
    f"table {BUILD_TABLE}": "The build that wrote this file.",
    f"column {BUILD_TABLE}.build_id": "The dbt invocation id of the build (in its artifacts: run_results.json).",
    f"column {BUILD_TABLE}.built_at": "When the build finished (UTC).",
}


@dataclass(frozen=True)
class ServedType:
    """One column type of the marts as each output holds it."""

    postgres: str  # as PostgreSQL's format_type() names it
    parquet: str  # the Arrow type of the Parquet column, as pyarrow names it (pyarrow.type_for_alias)


# The marts' column types, one set for every output (docs/refresh.md, "Reaching the marts"): counts are bigints,
# days, ordinals and ages integers, rates and statistics doubles, months and dates dates. A mart
# column of any other type stops a publish or an export (cast it in its model).
SERVED_TYPES: dict[str, ServedType] = {
    "BIGINT": ServedType("bigint", "int64"),
    "INTEGER": ServedType("integer", "int32"),
    "DOUBLE": ServedType("double precision", "double"),
    "DATE": ServedType("date", "date32[day]"),
    "BOOLEAN": ServedType("boolean", "bool"),
    "VARCHAR": ServedType("text", "string"),
}


@dataclass(frozen=True)
class MartColumn:
    """A column of a mart: its name, its type in every output, its description."""

    name: str
    type: ServedType
    description: str


def served(home: Path) -> Path:
    """The served file of `home`; FileNotFoundError when nothing was published yet."""
    path = Home(home).served
    if not path.exists():
        raise FileNotFoundError(f"{path}: no served warehouse yet (run `imr refresh` or `imr build`)")
    return path


def mart_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The marts' table names, sorted."""
    rows = con.execute("select table_name from duckdb_tables() where schema_name = ? order by table_name", [MARTS_SCHEMA]).fetchall()
    return [name for (name,) in rows]


def table_description(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """A mart's description (dbt's, kept as the table's comment)."""
    rows = con.execute("select comment from duckdb_tables() where schema_name = ? and table_name = ?", [MARTS_SCHEMA, table]).fetchall()
    return (rows[0][0] or "").strip()


def mart_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[MartColumn]:
    """A mart's columns in order; TypeError naming the column when its type is not in SERVED_TYPES."""
    rows = con.execute(
        "select column_name, data_type, comment from duckdb_columns() where schema_name = ? and table_name = ? order by column_index",
        [MARTS_SCHEMA, table],
    ).fetchall()
    unmapped = [f"{MARTS_SCHEMA}.{table}.{name} ({kind})" for name, kind, _ in rows if kind not in SERVED_TYPES]
    if unmapped:
        raise TypeError(f"{', '.join(unmapped)}: no served type for it (imr.serve.warehouse.SERVED_TYPES); cast it in its model")
    return [MartColumn(name, SERVED_TYPES[kind], (comment or "").strip()) for name, kind, comment in rows]


def prepare_for_readers(database: Path, build_id: str) -> None:
    """Drop from a built file the views that do not answer when it is opened alone, and the
    schemas they leave empty; record `build_id` in BUILD_TABLE.

    The staging views (and int_citations_normalized, a view on DuckDB) read the raw tables through
    the catalog the build attached; a reader has no such catalog, and every reader that lists
    tables would show views that fail. dbt has run its tests on them by now; the tables built from
    them stay."""
    with duckdb.connect(str(database), config={"storage_compatibility_version": STORAGE_VERSION}) as con:
        views = con.execute("select schema_name, view_name from duckdb_views() where not internal").fetchall()
        for schema, view in views:
            name = f'"{schema}"."{view}"'
            try:
                con.execute(f"select * from {name} limit 0")
            except (duckdb.CatalogException, duckdb.BinderException):
                con.execute(f"drop view {name}")
        con.execute(f"create or replace table {BUILD_TABLE} (build_id varchar not null, built_at timestamp not null)")
        con.execute(f"insert into {BUILD_TABLE} values (?, ?)", [build_id, utc_now()])
        for target, text in _BUILD_COMMENTS.items():
            con.execute(f"comment on {target} is '{text}'")
        empty = con.execute(
            "select schema_name from duckdb_schemas() where not internal and database_name = current_database() "
            "and schema_name not in (select schema_name from duckdb_tables() union all select schema_name from duckdb_views())"
        ).fetchall()
        for (schema,) in empty:
            con.execute(f'drop schema "{schema}"')


def build_id(con: duckdb.DuckDBPyConnection) -> str | None:
    """The id of the build that wrote the open file (None for a file written before builds had one)."""
    try:
        rows = con.execute(f"select build_id from {BUILD_TABLE}").fetchall()
    except duckdb.CatalogException:
        return None
    return rows[0][0] if rows else None
