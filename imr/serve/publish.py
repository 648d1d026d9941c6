"""`imr publish --postgres` (and `imr refresh --postgres`): the marts copied into a PostgreSQL
schema for BI tools that speak PostgreSQL, with a read-only role.

The publisher touches only what it created, and records what that is in schema `imr_publish`
(table `tables`: every table it made, by OID; table `publications`: which build of the served file
each schema holds). It refuses a schema holding anything else. A publication replaces the rows of
its tables in place, in one transaction (delete, then copy): the tables keep their OIDs, so views
that analysts built on them in other schemas keep working and the grants other roles were given
stay; readers see the old rows until the commit and the new ones after, never a mix, and are never
blocked by it. Only a change of a mart's columns (or a mart gone) takes a lock that waits for
readers' open transactions, and it waits `lock_timeout` seconds at most; then nothing has changed,
and the next publish tries again.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from imr.quoting import sql_name
from imr.serve.warehouse import MARTS_SCHEMA, MartColumn, build_id, mart_columns, mart_tables, served, table_description

if TYPE_CHECKING:
    import psycopg

BOOKKEEPING_SCHEMA = "imr_publish"
LOCK_TIMEOUT_SECONDS = 10.0  # how long a publish waits for a lock before it gives up
CONNECT_TIMEOUT_SECONDS = 10
_BATCH_ROWS = 10_000

_BOOKKEEPING = f"""
create table if not exists {BOOKKEEPING_SCHEMA}.tables (
    schema_name text not null,
    table_name text not null,
    table_oid oid not null,
    created_at timestamptz not null default now(),
    primary key (schema_name, table_name)
);
comment on table {BOOKKEEPING_SCHEMA}.tables is 'Every table imr publish created, by OID: the only ones it changes or drops.';
create table if not exists {BOOKKEEPING_SCHEMA}.publications (
    schema_name text not null,
    build_id text,
    published_at timestamptz not null default now(),
    rows jsonb not null
);
comment on table {BOOKKEEPING_SCHEMA}.publications
    is 'Each publication: the schema, the build of the served DuckDB file it copied (its imr_build), rows per mart.';
"""

# pg_class.relkind, for messages.
_KINDS = {"r": "table", "v": "view", "m": "materialized view", "S": "sequence", "f": "foreign table", "p": "table", "c": "type"}


class PublishError(RuntimeError):
    """The marts could not be published; PostgreSQL holds the previous publication, whole."""


def publish_postgres(
    home: Path, url: str, schema: str = MARTS_SCHEMA, reader_role: str = "imr_reader", lock_timeout: float = LOCK_TIMEOUT_SECONDS
) -> dict[str, int]:
    """Copy every mart of the served file into `schema` of the PostgreSQL database at `url`, in one
    transaction, and grant `reader_role` (created NOLOGIN when missing) USAGE on the schema and
    SELECT on the marts. Returns rows copied per mart; PublishError when it cannot."""
    import psycopg

    if schema == BOOKKEEPING_SCHEMA:
        raise PublishError(f"schema {schema} holds the publisher's own records; publish the marts into another")
    try:
        with (
            duckdb.connect(str(served(home)), read_only=True) as marts,
            _connect(url) as target,
            target.transaction(),
            target.cursor() as cursor,
        ):
            marts.execute("set enable_progress_bar = false")
            cursor.execute(f"set local lock_timeout = '{int(lock_timeout * 1000)}ms'")
            return _publish(marts, cursor, schema, reader_role)
    except psycopg.errors.LockNotAvailable:
        raise PublishError(
            f"gave up after {lock_timeout:g} s waiting for a lock in PostgreSQL schema {schema}"
            f"{_lock_holders(url, schema)}; nothing was changed, and the next publish tries again"
        ) from None
    except psycopg.errors.DependentObjectsStillExist as error:
        detail = error.diag.message_detail or ""
        raise PublishError(
            f"a mart's columns changed or a mart is gone, but other objects use the old ones ({detail.replace(chr(10), '; ')}): "
            f"change or drop them, then publish again; nothing was changed"
        ) from None
    except psycopg.Error as error:
        raise PublishError(f"PostgreSQL: {str(error).strip()}") from None


def published_build(url: str, schema: str = MARTS_SCHEMA) -> str | None:
    """The build of the served file that `schema` holds (None: never published there)."""
    with _connect(url) as con:
        if not con.execute("select to_regclass(%s) is not null", [f"{BOOKKEEPING_SCHEMA}.publications"]).fetchall()[0][0]:
            return None
        rows = con.execute(
            f"select build_id from {BOOKKEEPING_SCHEMA}.publications where schema_name = %s order by published_at desc limit 1", [schema]
        ).fetchall()
    return rows[0][0] if rows else None


def publish_if_behind(home: Path, url: str) -> dict[str, int] | None:
    """publish_postgres when schema marts holds another build than the served file's (or none);
    None when it already holds this one. PublishError when it cannot."""
    import psycopg

    try:
        current = published_build(url)
    except psycopg.Error as error:
        raise PublishError(f"PostgreSQL: {str(error).strip()}") from None
    with duckdb.connect(str(served(home)), read_only=True) as marts:
        if current is not None and current == build_id(marts):
            return None
    return publish_postgres(home, url)


def _connect(url: str) -> psycopg.Connection[Any]:
    import psycopg

    return psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_SECONDS)


def _publish(marts: duckdb.DuckDBPyConnection, cursor: psycopg.Cursor[Any], schema: str, reader_role: str) -> dict[str, int]:
    from psycopg import sql
    from psycopg.types.json import Jsonb

    # One publisher at a time, on the whole database: the bookkeeping is shared.
    cursor.execute("select pg_advisory_xact_lock(hashtext(%s))", [BOOKKEEPING_SCHEMA])
    _create_schema(cursor, BOOKKEEPING_SCHEMA)
    cursor.execute(_BOOKKEEPING)
    ours = _our_tables(cursor, schema)
    foreign = _foreign_objects(cursor, schema, list(ours.values()))
    if foreign:
        raise PublishError(
            f"PostgreSQL schema {schema} holds objects imr publish did not create ({', '.join(foreign)}); "
            f"it publishes only into a schema of its own: move them, or publish into another schema (--schema)"
        )
    _create_schema(cursor, schema)
    _ensure_reader(cursor, reader_role)
    cursor.execute(sql.SQL("grant usage on schema {} to {}").format(sql.Identifier(schema), sql.Identifier(reader_role)))
    copied: dict[str, int] = {}
    for table in mart_tables(marts):
        columns = mart_columns(marts, table)
        target = sql.Identifier(schema, table)
        if table in ours:
            _reshape(cursor, target, ours[table], columns)
            cursor.execute(sql.SQL("delete from {}").format(target))
        else:
            definition = sql.SQL(", ").join(sql.SQL("{} {}").format(sql.Identifier(c.name), sql.SQL(c.type.postgres)) for c in columns)
            cursor.execute(sql.SQL("create table {} ({})").format(target, definition))
            cursor.execute(
                f"insert into {BOOKKEEPING_SCHEMA}.tables (schema_name, table_name, table_oid) values (%s, %s, %s::regclass)",
                [schema, table, target.as_string(cursor)],
            )
        _describe(cursor, target, table_description(marts, table), columns)
        cursor.execute(sql.SQL("grant select on {} to {}").format(target, sql.Identifier(reader_role)))
        copied[table] = _copy_rows(marts, cursor, target, table, columns)
    for gone in sorted(set(ours) - set(copied)):
        cursor.execute(sql.SQL("drop table {}").format(sql.Identifier(schema, gone)))
        cursor.execute(f"delete from {BOOKKEEPING_SCHEMA}.tables where schema_name = %s and table_name = %s", [schema, gone])
    cursor.execute(
        f"insert into {BOOKKEEPING_SCHEMA}.publications (schema_name, build_id, rows) values (%s, %s, %s)",
        [schema, build_id(marts), Jsonb(copied)],
    )
    return copied


def _create_schema(cursor: psycopg.Cursor[Any], schema: str) -> None:
    """The schema, created when missing (CREATE SCHEMA IF NOT EXISTS would need the right to create
    one even when it exists)."""
    from psycopg import sql

    cursor.execute("select 1 from pg_namespace where nspname = %s", [schema])
    if cursor.fetchone() is None:
        cursor.execute(sql.SQL("create schema {}").format(sql.Identifier(schema)))


def _our_tables(cursor: psycopg.Cursor[Any], schema: str) -> dict[str, int]:
    """The tables of `schema` that a publication created and that are still those tables (same OID);
    the records of any dropped since are forgotten."""
    cursor.execute(
        f"""
        delete from {BOOKKEEPING_SCHEMA}.tables t
        where t.schema_name = %(schema)s and not exists (
            select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where c.oid = t.table_oid and c.relname = t.table_name and n.nspname = t.schema_name and c.relkind = 'r')
        """,
        {"schema": schema},
    )
    cursor.execute(f"select table_name, table_oid::bigint from {BOOKKEEPING_SCHEMA}.tables where schema_name = %s", [schema])
    return {name: oid for name, oid in cursor.fetchall()}


def _foreign_objects(cursor: psycopg.Cursor[Any], schema: str, ours: list[int]) -> list[str]:
    """What `schema` holds that no publication created: relations, functions, types (indexes on
    our tables and the row types of our tables do not count)."""
    cursor.execute(
        """
        select c.relkind::text, c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = %(schema)s and c.relkind not in ('i', 'I', 't') and not (c.oid::bigint = any(%(ours)s))
        union all
        select 'function', p.proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = %(schema)s
        union all
        select 'type', t.typname from pg_type t join pg_namespace n on n.oid = t.typnamespace
        where n.nspname = %(schema)s and t.typrelid = 0 and not exists (select 1 from pg_type e where e.oid = t.typelem and e.typrelid <> 0)
        order by 1, 2
        """,
        {"schema": schema, "ours": ours},
    )
    return [f"{_KINDS.get(kind, kind)} {schema}.{name}" for kind, name in cursor.fetchall()]


def _reshape(cursor: psycopg.Cursor[Any], target: Any, oid: int, columns: list[MartColumn]) -> None:
    """Bring an existing table's columns to the mart's: columns gone or of another type are dropped
    (never with CASCADE: an object that uses one stops the publish), new ones added."""
    from psycopg import sql

    cursor.execute(
        "select attname, format_type(atttypid, atttypmod) from pg_attribute where attrelid = %s and attnum > 0 and not attisdropped",
        [oid],
    )
    existing = dict(cursor.fetchall())
    wanted = {column.name: column.type.postgres for column in columns}
    for name, kind in existing.items():
        if wanted.get(name) != kind:
            cursor.execute(sql.SQL("alter table {} drop column {}").format(target, sql.Identifier(name)))
    for name, kind in wanted.items():
        if existing.get(name) != kind:
            cursor.execute(sql.SQL("alter table {} add column {} {}").format(target, sql.Identifier(name), sql.SQL(kind)))


def _describe(cursor: psycopg.Cursor[Any], target: Any, description: str, columns: list[MartColumn]) -> None:
    from psycopg import sql

    cursor.execute(sql.SQL("comment on table {} is {}").format(target, sql.Literal(description or None)))
    for column in columns:
        cursor.execute(
            sql.SQL("comment on column {}.{} is {}").format(target, sql.Identifier(column.name), sql.Literal(column.description or None))
        )


def _copy_rows(marts: duckdb.DuckDBPyConnection, cursor: psycopg.Cursor[Any], target: Any, table: str, columns: list[MartColumn]) -> int:
    from psycopg import sql

    names = sql.SQL(", ").join(sql.Identifier(column.name) for column in columns)
    count = 0
    with cursor.copy(sql.SQL("copy {} ({}) from stdin").format(target, names)) as copy:
        for batch in _batches(marts, table):
            for row in batch:
                copy.write_row(row)
            count += len(batch)
    return count


def _batches(marts: duckdb.DuckDBPyConnection, table: str) -> Iterator[list[tuple[Any, ...]]]:
    rows = marts.execute(f"select * from {sql_name(MARTS_SCHEMA, table)}")
    while batch := rows.fetchmany(_BATCH_ROWS):
        yield batch


def _ensure_reader(cursor: psycopg.Cursor[Any], role: str) -> None:
    from psycopg import sql

    cursor.execute("select 1 from pg_roles where rolname = %s", [role])
    if cursor.fetchone() is None:
        cursor.execute(sql.SQL("create role {} nologin").format(sql.Identifier(role)))


def _lock_holders(url: str, schema: str) -> str:
    """Who holds locks on the tables of `schema`, for the message of a publish that gave up."""
    import psycopg

    try:
        with _connect(url) as con:
            rows = con.execute(
                """
                select distinct a.pid, a.usename, a.state, a.xact_start, c.relname
                from pg_locks l
                join pg_class c on c.oid = l.relation
                join pg_namespace n on n.oid = c.relnamespace
                join pg_stat_activity a on a.pid = l.pid
                where n.nspname = %s and l.granted and a.pid <> pg_backend_pid()
                order by a.pid, c.relname
                """,
                [schema],
            ).fetchall()
    except psycopg.Error:
        return ""
    holders = [f"pid {pid} ({user}, {state}, in a transaction since {start:%H:%M:%S}) on {name}" for pid, user, state, start, name in rows]
    return f": held by {'; '.join(holders)}" if holders else ""
