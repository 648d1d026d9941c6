"""`imr publish --postgres`: the marts copied into a PostgreSQL schema for BI tools that speak
PostgreSQL, with a read-only role."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from imr.quoting import sql_name
from imr.serve.warehouse import MARTS_SCHEMA, mart_tables, served

if TYPE_CHECKING:
    import psycopg

# DuckDB type families to PostgreSQL types; anything else travels as text.
_PG_TYPES = {
    "VARCHAR": "text",
    "BOOLEAN": "boolean",
    "DATE": "date",
    "TIMESTAMP": "timestamp",
    "DOUBLE": "double precision",
    "FLOAT": "real",
    "INTEGER": "integer",
    "BIGINT": "bigint",
    "SMALLINT": "smallint",
    "TINYINT": "smallint",
    "HUGEINT": "numeric",
    "UBIGINT": "numeric",
    "UINTEGER": "bigint",
}


def publish_postgres(home: Path, url: str, schema: str = MARTS_SCHEMA, reader_role: str = "imr_reader") -> dict[str, int]:
    """Copy every mart into `schema` of the PostgreSQL database at `url`, in one transaction, and
    grant `reader_role` (created NOLOGIN when missing) read access to it and nothing else.

    The new marts are built in a scratch schema and renamed over the old one before commit, so a
    reader sees the old marts or the new ones, never a mix. Returns rows copied per mart.
    """
    import psycopg
    from psycopg import sql

    source = served(home)
    scratch = f"{schema}__publishing"
    copied: dict[str, int] = {}
    with (
        duckdb.connect(str(source), read_only=True) as marts,
        psycopg.connect(url) as target,
        target.transaction(),
        target.cursor() as cursor,
    ):
        _ensure_reader(cursor, reader_role)
        cursor.execute(sql.SQL("drop schema if exists {} cascade").format(sql.Identifier(scratch)))
        cursor.execute(sql.SQL("create schema {}").format(sql.Identifier(scratch)))
        for table in mart_tables(marts):
            copied[table] = _copy_table(marts, cursor, scratch, table)
        cursor.execute(sql.SQL("drop schema if exists {} cascade").format(sql.Identifier(schema)))
        cursor.execute(sql.SQL("alter schema {} rename to {}").format(sql.Identifier(scratch), sql.Identifier(schema)))
        grants = [
            "revoke all on schema {schema} from public",
            "grant usage on schema {schema} to {role}",
            "grant select on all tables in schema {schema} to {role}",
        ]
        for grant in grants:
            cursor.execute(sql.SQL(grant).format(schema=sql.Identifier(schema), role=sql.Identifier(reader_role)))
    return copied


def _ensure_reader(cursor: psycopg.Cursor[Any], role: str) -> None:
    from psycopg import sql

    cursor.execute("select 1 from pg_roles where rolname = %s", [role])
    if cursor.fetchone() is None:
        cursor.execute(sql.SQL("create role {} nologin").format(sql.Identifier(role)))


def _copy_table(source: duckdb.DuckDBPyConnection, cursor: psycopg.Cursor[Any], schema: str, table: str) -> int:
    from psycopg import sql

    columns = source.execute(
        "select column_name, data_type, comment from duckdb_columns() where schema_name = ? and table_name = ? order by column_index",
        [MARTS_SCHEMA, table],
    ).fetchall()
    definition = sql.SQL(", ").join(
        sql.SQL("{} {}").format(sql.Identifier(name), sql.SQL(_PG_TYPES.get(kind.split("(")[0], "text"))) for name, kind, _ in columns
    )
    target = sql.Identifier(schema, table)
    cursor.execute(sql.SQL("create table {} ({})").format(target, definition))
    comment = source.execute(
        "select comment from duckdb_tables() where schema_name = ? and table_name = ?", [MARTS_SCHEMA, table]
    ).fetchall()[0][0]
    if comment:
        cursor.execute(sql.SQL("comment on table {} is {}").format(target, sql.Literal(comment.strip())))
    for name, _, column_comment in columns:
        if column_comment:
            cursor.execute(
                sql.SQL("comment on column {}.{} is {}").format(target, sql.Identifier(name), sql.Literal(column_comment.strip()))
            )
    names = sql.SQL(", ").join(sql.Identifier(name) for name, _, _ in columns)
    rows = source.execute(f"select * from {sql_name(MARTS_SCHEMA, table)}")
    count = 0
    with cursor.copy(sql.SQL("copy {} ({}) from stdin").format(target, names)) as copy:
        while batch := rows.fetchmany(10_000):
            for row in batch:
                copy.write_row(row)
            count += len(batch)
    return count
