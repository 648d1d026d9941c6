"""The same dbt models on Apache Spark (needs IMR_CORPUS and Java 17; pyspark comes with the test
extra): `imr build --target spark` on the 194 real letters runs every model, seed and test the
DuckDB build runs, and every mart comes out the same, row for row (counts exact, rates to 1e-9).

Slow: one Spark session in local mode (docs/warehouse.md says how long it takes).
"""

from __future__ import annotations

import os
import shutil
from typing import Any

import duckdb
import pytest

from imr.orchestrate.build import build
from imr.orchestrate.engines import Build, SparkEngine
from imr.serve.warehouse import MARTS_SCHEMA, mart_tables

pytestmark = pytest.mark.slow

TOLERANCE = 1e-9


@pytest.fixture(scope="module")
def spark_build(corpus_warehouse: Build) -> Build:
    """The real letters built on Spark, beside the DuckDB build of the same raw database."""
    if shutil.which("java") is None:
        if os.environ.get("CI"):
            pytest.fail("no java on PATH in CI (.ci/run installs a Java 17 runtime)")
        pytest.skip("no java on PATH: Spark needs Java 17")
    return build(corpus_warehouse.home, quiet=True, target=SparkEngine.name)


def test_spark_runs_every_node_the_duckdb_build_runs(corpus_warehouse: Build, spark_build: Build) -> None:
    assert spark_build.results == corpus_warehouse.results
    assert spark_build.results["unit_test pass"] and spark_build.results["test pass"]


def test_every_mart_matches_duckdb_row_for_row(corpus_warehouse: Build, spark_build: Build) -> None:
    # Spark keeps a managed table's files in <warehouse>/<schema>.db/<table>; DuckDB reads them as Spark wrote them.
    spark_marts = spark_build.live / f"{MARTS_SCHEMA}.db"
    with duckdb.connect(str(corpus_warehouse.live), read_only=True) as con:
        marts = mart_tables(con)
        assert sorted(path.name for path in spark_marts.iterdir()) == marts
        for mart in marts:
            expected = con.execute(f"select * from {MARTS_SCHEMA}.{mart}")
            columns, expected_rows = [d[0] for d in expected.description], expected.fetchall()
            actual = con.execute(f"select * from read_parquet('{spark_marts / mart}/*.parquet')")
            assert [d[0] for d in actual.description] == columns, mart
            actual_rows = actual.fetchall()
            assert len(actual_rows) == len(expected_rows), mart
            for want, got in zip(sorted(expected_rows, key=_order), sorted(actual_rows, key=_order)):
                assert _same(want, got), f"{mart}: DuckDB {want} != Spark {got}"


def _order(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """A sort key both engines' rows share: nulls last, floats rounded well above their differences."""
    return tuple((value is None, round(value, 6) if isinstance(value, float) else value) for value in row)


def _same(want: tuple[Any, ...], got: tuple[Any, ...]) -> bool:
    return all(abs(a - b) <= TOLERANCE if isinstance(a, float) and isinstance(b, float) else a == b for a, b in zip(want, got, strict=True))
