"""Reaching the marts: Parquet export, SQLAlchemy (duckdb-engine, as Superset connects), and a
PostgreSQL schema with a read-only role (needs IMR_TEST_POSTGRES_URL: a server the tests may
create databases and roles on; .ci/run starts one)."""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
import sqlalchemy
from click.testing import CliRunner

from imr.cli import main
from imr.home import Home
from imr.orchestrate.build import build
from imr.serve.export import export_parquet
from imr.serve.publish import publish_postgres
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


def test_export_parquet_writes_every_mart(home: Path, tmp_path: Path) -> None:
    written = export_parquet(home, tmp_path / "parquet")
    assert {p.stem: pq.read_metadata(p).num_rows for p in written} == _marts(home)


def test_sqlalchemy_duckdb_engine_reads_the_served_file(home: Path) -> None:
    engine = sqlalchemy.create_engine(f"duckdb:///{Home(home).served}", connect_args={"read_only": True})
    with engine.connect() as connection:
        tables = sqlalchemy.inspect(connection).get_table_names(schema="marts")
        count = connection.execute(sqlalchemy.text("select count(*) from marts.fct_imr_decisions")).scalar()
    engine.dispose()
    assert "fct_imr_decisions" in tables and "overturn_rates_by_service_category" in tables
    assert count == _marts(home)["fct_imr_decisions"]


@pytest.fixture
def postgres() -> Iterator[str]:
    """A fresh database on the test server; yields its URL."""
    psycopg = pytest.importorskip("psycopg")
    admin = os.environ.get("IMR_TEST_POSTGRES_URL")
    if not admin:
        if os.environ.get("CI"):
            pytest.fail("IMR_TEST_POSTGRES_URL is not set in CI (.ci/run starts PostgreSQL)")
        pytest.skip("IMR_TEST_POSTGRES_URL not set: no PostgreSQL server to publish to")
    name = f"imr_test_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as con:
        con.execute(f'create database "{name}"')
    url = admin.replace("/postgres", f"/{name}", 1)
    yield url
    with psycopg.connect(admin, autocommit=True) as con:
        con.execute(f'drop database "{name}" with (force)')


def test_publish_twice_is_idempotent(home: Path, postgres: str) -> None:
    import psycopg

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


def test_reader_sees_old_or_new_marts_never_a_mix(home: Path, postgres: str, tmp_path: Path) -> None:
    import psycopg

    home = copy_warehouse(home, tmp_path / "home")
    publish_postgres(home, postgres)
    old = _marts(home)["fct_imr_decisions"]
    more = tmp_path / "more"
    write(more, 40, seed=72)
    ingest([more], home)
    build(home, quiet=True)
    new = _marts(home)["fct_imr_decisions"]

    reader = psycopg.connect(postgres)
    reader.execute("begin isolation level repeatable read")
    assert reader.execute("select count(*) from marts.fct_imr_decisions").fetchone()[0] == old
    publisher = threading.Thread(target=publish_postgres, args=(home, postgres))
    publisher.start()
    time.sleep(1.0)
    # The reader's transaction still sees the old marts, whole; the publisher waits for it.
    assert reader.execute("select sum(decisions) from marts.overturn_rates_by_service_category").fetchone()[0] == old
    assert publisher.is_alive()
    reader.commit()
    publisher.join(timeout=60)
    assert not publisher.is_alive()
    assert reader.execute("select count(*) from marts.fct_imr_decisions").fetchone()[0] == new
    assert reader.execute("select sum(decisions) from marts.overturn_rates_by_service_category").fetchone()[0] == new
    reader.close()


@pytest.mark.parametrize(
    "statement",
    [
        "insert into marts.overturn_rates_by_month (decisions) values (1)",
        "update marts.fct_imr_decisions set treatment = 'x'",
        "delete from marts.fct_imr_decisions",
        "create table marts.mine (x int)",
        "create schema mine",
        "drop table marts.fct_imr_decisions",
    ],
)
def test_reader_role_can_only_select(home: Path, postgres: str, statement: str) -> None:
    import psycopg

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
