"""Reaching the marts: Parquet export, SQLAlchemy (duckdb-engine, as Superset connects), and a
PostgreSQL schema with a read-only role (needs IMR_TEST_POSTGRES_URL: a server the tests may
create databases and roles on; .ci/run starts one). Every output holds the same column types."""

from __future__ import annotations

import threading
import uuid
from pathlib import Path

import duckdb
import psycopg
import pyarrow.parquet as pq
import pytest
import sqlalchemy
from click.testing import CliRunner

from imr.cli import main
from imr.home import Home
from imr.orchestrate.build import build
from imr.serve.export import export_parquet
from imr.serve.publish import PublishError, publish_postgres, published_build
from imr.serve.warehouse import SERVED_TYPES, build_id
from ingest.load import ingest
from ingest.synth import write
from tests.helpers import copy_warehouse, row_counts


@pytest.fixture(scope="module")
def home(synthetic_warehouse: tuple[Path, list[dict]]) -> Path:
    return synthetic_warehouse[0]


def _marts(home: Path) -> dict[str, int]:
    with duckdb.connect(str(Home(home).served), read_only=True) as con:
        names = [n for (n,) in con.execute("select table_name from duckdb_tables() where schema_name = 'marts'").fetchall()]
        return {n: con.execute(f"select count(*) from marts.{n}").fetchall()[0][0] for n in names}


def _duckdb_columns(home: Path) -> dict[tuple[str, str], tuple[str, str]]:
    """(mart, column) -> (DuckDB type, description) of the served file (its text: YAML's folded
    descriptions end in a newline that no output carries)."""
    with duckdb.connect(str(Home(home).served), read_only=True) as con:
        rows = con.execute("select table_name, column_name, data_type, comment from duckdb_columns() where schema_name = 'marts'")
        return {(table, column): (kind, (comment or "").strip()) for table, column, kind, comment in rows.fetchall()}


def test_export_parquet_writes_every_mart_with_its_descriptions(home: Path, tmp_path: Path) -> None:
    written = export_parquet(home, tmp_path / "parquet")
    assert {p.stem: pq.read_metadata(p).num_rows for p in written} == _marts(home)
    schemas = {path.stem: pq.read_schema(path) for path in written}
    described = {
        (table, field.name): (field.metadata or {}).get(b"description", b"").decode()
        for table, schema in schemas.items()
        for field in schema
    }
    assert described == {key: description for key, (_, description) in _duckdb_columns(home).items()}
    assert all(described.values())
    assert b"One row per decided item" in schemas["fct_imr_decisions"].metadata[b"description"]


def test_every_output_holds_the_same_column_types(home: Path, tmp_path: Path, postgres: str) -> None:
    duckdb_types = {key: kind for key, (kind, _) in _duckdb_columns(home).items()}
    parquet_types = {
        (path.stem, field.name): str(field.type) for path in export_parquet(home, tmp_path / "parquet") for field in pq.read_schema(path)
    }
    publish_postgres(home, postgres)
    with psycopg.connect(postgres) as con:
        rows = con.execute(
            "select c.relname, a.attname, format_type(a.atttypid, a.atttypmod) from pg_attribute a "
            "join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace "
            "where n.nspname = 'marts' and c.relkind = 'r' and a.attnum > 0 and not a.attisdropped"
        ).fetchall()
    postgres_types = {(table, column): kind for table, column, kind in rows}
    assert set(duckdb_types) == set(parquet_types) == set(postgres_types)
    for key, kind in duckdb_types.items():
        assert (postgres_types[key], parquet_types[key]) == (SERVED_TYPES[kind].postgres, SERVED_TYPES[kind].parquet), key
    # One kind of value, one type: counts are bigints, rates doubles, months dates.
    by_name: dict[str, set[str]] = {}
    for (_, column), kind in duckdb_types.items():
        by_name.setdefault(column, set()).add(kind)
    expected = {
        **dict.fromkeys(["decisions", "overturned", "letters", "reviewer_citation_count", "ca_citation_count"], {"BIGINT"}),
        **dict.fromkeys(["overturn_rate", "ci_low", "ci_high", "share_of_decisions", "mean_days", "median_days"], {"DOUBLE"}),
        **dict.fromkeys(["decision_month", "decision_date"], {"DATE"}),
        **dict.fromkeys(["days_application_to_decision", "max_days", "item_ordinal", "patient_age"], {"INTEGER"}),
    }
    assert {name: by_name[name] for name in expected} == expected


def test_sqlalchemy_duckdb_engine_reads_the_served_file(home: Path) -> None:
    engine = sqlalchemy.create_engine(f"duckdb:///{Home(home).served}", connect_args={"read_only": True})
    try:  # duckdb-engine opens the file with a configuration of its own: closed whatever happens
        with engine.connect() as connection:
            inspector = sqlalchemy.inspect(connection)
            tables = inspector.get_table_names(schema="marts")
            schemas = inspector.get_schema_names()
            listed = {schema: inspector.get_table_names(schema) + inspector.get_view_names(schema) for schema in schemas}
            failing = []
            for schema, names in listed.items():  # as Superset reflects: every relation it lists answers
                for name in names:
                    try:
                        connection.execute(sqlalchemy.text(f"select count(*) from {schema}.{name}")).scalar()
                    except sqlalchemy.exc.DBAPIError:
                        failing.append(f"{schema}.{name}")
            count = connection.execute(sqlalchemy.text("select count(*) from marts.fct_imr_decisions")).scalar()
    finally:
        engine.dispose()
    assert failing == []
    assert "fct_imr_decisions" in tables and "overturn_rates_by_service_category" in tables
    assert not [schema for schema in listed if schema.endswith("staging")]
    assert count == _marts(home)["fct_imr_decisions"]


def test_publish_twice_is_idempotent(home: Path, postgres: str) -> None:
    first = publish_postgres(home, postgres)
    second = publish_postgres(home, postgres)
    assert first == second == _marts(home)
    with psycopg.connect(postgres) as con:
        schemas = {s for (s,) in con.execute("select nspname from pg_namespace where nspname like 'marts%'")}
        count = con.execute("select count(*) from marts.fct_imr_decisions").fetchone()[0]
        comment = con.execute("select obj_description('marts.fct_imr_decisions'::regclass)").fetchone()[0]
    assert schemas == {"marts"}
    assert count == _marts(home)["fct_imr_decisions"]
    assert comment and "One row per decided item" in comment
    with duckdb.connect(str(Home(home).served), read_only=True) as con:
        assert published_build(postgres) == build_id(con) is not None


@pytest.fixture(scope="module")
def grown(home: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the warehouse, built again with 40 more letters: the next publication."""
    copy = copy_warehouse(home, tmp_path_factory.mktemp("grown"))
    more = tmp_path_factory.mktemp("more")
    write(more, 40, seed=72)
    ingest([more], copy)
    build(copy, quiet=True)
    return copy


def test_reader_sees_old_or_new_marts_never_a_mix(home: Path, grown: Path, postgres: str) -> None:
    publish_postgres(home, postgres)
    old, new = _marts(home)["fct_imr_decisions"], _marts(grown)["fct_imr_decisions"]

    reader = psycopg.connect(postgres)
    reader.execute("begin isolation level repeatable read")
    assert reader.execute("select count(*) from marts.fct_imr_decisions").fetchone()[0] == old
    publisher = threading.Thread(target=publish_postgres, args=(grown, postgres))
    publisher.start()
    publisher.join(timeout=60)
    assert not publisher.is_alive()  # a reader's open transaction does not hold the publication up
    # ... and that transaction still sees the old marts, whole.
    assert reader.execute("select sum(decisions) from marts.overturn_rates_by_service_category").fetchone()[0] == old
    assert reader.execute("select count(*) from marts.fct_imr_decisions").fetchone()[0] == old
    reader.commit()
    assert reader.execute("select count(*) from marts.fct_imr_decisions").fetchone()[0] == new
    assert reader.execute("select sum(decisions) from marts.overturn_rates_by_service_category").fetchone()[0] == new
    reader.close()


def test_publish_keeps_what_others_built_on_the_marts(home: Path, grown: Path, postgres: str) -> None:
    analyst = f"imr_test_{uuid.uuid4().hex[:8]}"  # roles belong to the server, not to the test's database
    publish_postgres(home, postgres)
    with psycopg.connect(postgres, autocommit=True) as con:
        con.execute(f"create role {analyst} nologin")
        con.execute("create schema analyst")
        con.execute("create view analyst.overturned as select item_key from marts.fct_imr_decisions where is_overturned")
        con.execute(f"grant select on marts.overturn_rates_by_month to {analyst}")
    publish_postgres(grown, postgres)
    with psycopg.connect(postgres, autocommit=True) as con:
        overturned = con.execute("select count(*) from analyst.overturned").fetchone()[0]
        granted = con.execute(f"select has_table_privilege('{analyst}', 'marts.overturn_rates_by_month', 'select')").fetchone()[0]
        con.execute(f"revoke all on marts.overturn_rates_by_month from {analyst}")
        con.execute(f"drop role {analyst}")
    with duckdb.connect(str(Home(grown).served), read_only=True) as marts:
        assert overturned == marts.execute("select count(*) from marts.fct_imr_decisions where is_overturned").fetchall()[0][0]
    assert granted


def test_publish_refuses_a_schema_holding_what_it_did_not_create(home: Path, postgres: str) -> None:
    with psycopg.connect(postgres, autocommit=True) as con:
        con.execute("create schema other")
        con.execute("create table other.keep (x integer)")
        con.execute("insert into other.keep values (1)")
    with pytest.raises(PublishError, match=r"other holds objects imr publish did not create \(table other\.keep\)"):
        publish_postgres(home, postgres, schema="other")
    publish_postgres(home, postgres)
    with psycopg.connect(postgres, autocommit=True) as con:
        con.execute("create view marts.mine as select 1 as x")  # an analyst's view inside the publish schema
    with pytest.raises(PublishError, match=r"view marts\.mine"):
        publish_postgres(home, postgres)
    with psycopg.connect(postgres) as con:
        assert con.execute("select x from other.keep").fetchall() == [(1,)]
        assert con.execute("select tablename from pg_tables where schemaname = 'other'").fetchall() == [("keep",)]
        assert con.execute("select x from marts.mine").fetchall() == [(1,)]


def test_publish_gives_up_behind_a_readers_open_transaction_and_the_next_one_succeeds(home: Path, postgres: str) -> None:
    publish_postgres(home, postgres)
    with psycopg.connect(postgres, autocommit=True) as con:  # an older shape: the next publish must alter the table
        con.execute("alter table marts.overturn_rates_by_month drop column is_small_group")
    reader = psycopg.connect(postgres)
    reader.execute("select count(*) from marts.overturn_rates_by_month").fetchone()  # its transaction stays open
    with pytest.raises(PublishError, match=r"gave up after 0\.5 s waiting for a lock .* held by pid \d+ .* on overturn_rates_by_month"):
        publish_postgres(home, postgres, lock_timeout=0.5)
    reader.rollback()
    shape = "select count(*) from information_schema.columns where table_name = 'overturn_rates_by_month' and column_name = %s"
    assert reader.execute(shape, ["is_small_group"]).fetchone()[0] == 0  # nothing was changed
    reader.close()
    publish_postgres(home, postgres, lock_timeout=0.5)
    with psycopg.connect(postgres) as con:
        assert con.execute("select count(is_small_group) from marts.overturn_rates_by_month").fetchone()[0] > 0


def test_publish_stops_before_breaking_a_view_on_a_changed_column(home: Path, postgres: str) -> None:
    publish_postgres(home, postgres)
    with psycopg.connect(postgres, autocommit=True) as con:  # as if the mart's column had another type before
        con.execute("alter table marts.overturn_rates_by_month alter column decision_month type timestamp")
        con.execute("create schema analyst")
        con.execute("create view analyst.months as select decision_month from marts.overturn_rates_by_month")
    with pytest.raises(PublishError, match=r"view analyst\.months depends on column decision_month"):
        publish_postgres(home, postgres)
    with psycopg.connect(postgres) as con:
        assert con.execute("select count(*) from analyst.months").fetchone()[0] == _marts(home)["overturn_rates_by_month"]


@pytest.mark.parametrize(
    "statement",
    [
        "insert into marts.overturn_rates_by_month (decisions) values (1)",
        "update marts.fct_imr_decisions set treatment = 'x'",
        "delete from marts.fct_imr_decisions",
        "create table marts.mine (x int)",
        "create schema mine",
        "drop table marts.fct_imr_decisions",
        "select * from imr_publish.tables",
    ],
)
def test_reader_role_can_only_select(home: Path, postgres: str, statement: str) -> None:
    publish_postgres(home, postgres, reader_role="imr_reader")
    with psycopg.connect(postgres, autocommit=True) as con:
        con.execute("set role imr_reader")
        assert con.execute("select count(*) from marts.fct_imr_decisions").fetchone()[0] > 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            con.execute(statement)


def test_export_raw_writes_a_parquet_folder_per_raw_table(home: Path, tmp_path: Path) -> None:
    out = tmp_path / "raw"
    for _ in range(2):  # a second export replaces the first, it does not add to it
        result = CliRunner().invoke(main, ["export", "--home", str(home), "--parquet", str(out), "--raw"])
        assert result.exit_code == 0, result.output
    counts = row_counts(home)
    assert {folder.name: [p.name for p in folder.iterdir()] for folder in out.iterdir()} == {t: [f"{t}.parquet"] for t in counts}
    assert {t: pq.read_metadata(out / t / f"{t}.parquet").num_rows for t in counts} == counts
