"""The same dbt models on Apache Spark (needs IMR_CORPUS and Java 17; pyspark comes with the test
extra): `imr build --target spark` on the 194 real letters runs every model, seed and test the
DuckDB build runs, and every mart comes out the same, row for row (counts exact, rates to 1e-9).

Slow: one Spark session in local mode (docs/warehouse.md says how long it takes).
"""

from __future__ import annotations

import pytest

from imr.orchestrate.build import build
from imr.orchestrate.engines import Build, SparkEngine
from imr.serve.warehouse import MARTS_SCHEMA
from tests.helpers import assert_marts_match, java_or_skip

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def spark_build(corpus_warehouse: Build) -> Build:
    """The real letters built on Spark, beside the DuckDB build of the same raw database."""
    java_or_skip()
    return build(corpus_warehouse.home, quiet=True, target=SparkEngine.name)


def test_spark_runs_every_node_the_duckdb_build_runs(corpus_warehouse: Build, spark_build: Build) -> None:
    assert spark_build.results == corpus_warehouse.results
    assert spark_build.results["unit_test pass"] and spark_build.results["test pass"]


def test_every_mart_matches_duckdb_row_for_row(corpus_warehouse: Build, spark_build: Build) -> None:
    # Spark keeps a managed table's files in <warehouse>/<schema>.db/<table>; DuckDB reads them as Spark wrote them.
    assert_marts_match(corpus_warehouse.live, spark_build.live / f"{MARTS_SCHEMA}.db")
