"""Apache Spark: the raw tables go to Spark as Parquet, one folder per table, and the same models
become tables of the Spark catalog kept under `Home.spark` (the profile puts the metastore and
the table files there). The Parquet tables are a lake that `imr ingest --engine spark` writes, or
the raw database of the home exported to `Home.spark_raw`. Spark replaces its tables in place:
there is no file to swap, so a failed build can leave some marts rebuilt and others not."""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

from imr.home import Home
from imr.orchestrate.engines.base import Build, BuildError, Engine
from ingest.lake.inputs import named
from ingest.lake.session import missing_spark
from ingest.lake.store import MANIFEST, STAGING
from ingest.load.export import raw_parquet


class SparkEngine(Engine):
    name = "spark"

    def __init__(self, home: Home, lake: str | Path | None = None) -> None:
        super().__init__(home)
        self.lake = None if lake is None else named(lake)

    @property
    def live(self) -> Path:
        return self.home.spark_warehouse

    @property
    def artifacts(self) -> Path:
        return self.home.spark_artifacts

    def describe(self) -> str:
        return f"on Spark, catalog and files under {self.home.spark}"

    def build(self, quiet: bool = False) -> Build:
        """dbt build on the `spark` target (pyspark, local mode) over the lake, or over the raw
        tables of the home exported as Parquet."""
        reason = missing_spark() or (
            None
            if importlib.util.find_spec("dbt.adapters.spark")
            else "the Spark build needs dbt-spark: pip install 'imr-warehouse[spark]'"
        )
        if reason:
            raise BuildError(reason)
        if self.lake is None:
            self.require_raw()
            raw_parquet(self.home.root, self.home.spark_raw)
            where: list[str] = []
        else:
            self._require_lake(self.lake)
            where = ["--vars", json.dumps({"raw_parquet_location": self.lake})]
        return self._dbt_build(
            Build(self.home.root, self.name, self.live, self.artifacts), quiet, "the Spark marts may be partly rebuilt", *where
        )

    @staticmethod
    def _require_lake(lake: str) -> None:
        """A local lake must hold tables, and no run's commit cut short (the next ingest finishes it)."""
        if not lake.startswith("/"):
            return  # a URL: Spark says what is wrong with it
        if not os.path.isdir(os.path.join(lake, "letters")):
            raise BuildError(f"{lake}: no lake here; run `imr ingest --engine spark --lake {lake}` first")
        staging = Path(lake, STAGING)
        if staging.is_dir() and any((run / MANIFEST).exists() for run in staging.iterdir()):
            raise BuildError(f"{lake}: an ingest was killed while it committed; run `imr ingest --engine spark` again to finish it")
