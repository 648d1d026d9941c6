"""Apache Spark: the raw tables go to Spark as Parquet (`Home.spark_raw`), and the same models
become tables of the Spark catalog kept under `Home.spark` (the profile puts the metastore and
the table files there). Spark replaces its tables in place: there is no file to swap, so a
failed build can leave some marts rebuilt and others not."""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

from imr.orchestrate.engines.base import Build, BuildError, Engine
from ingest.load.export import raw_parquet


class SparkEngine(Engine):
    name = "spark"

    @property
    def live(self) -> Path:
        return self.home.spark_warehouse

    @property
    def artifacts(self) -> Path:
        return self.home.spark_artifacts

    def describe(self) -> str:
        return f"on Spark, catalog and files under {self.home.spark}"

    def build(self, quiet: bool = False) -> Build:
        """The raw tables exported as Parquet, then dbt build on the `spark` target (pyspark, local mode)."""
        if importlib.util.find_spec("pyspark") is None or importlib.util.find_spec("dbt.adapters.spark") is None:
            raise BuildError("the Spark build needs dbt-spark and pyspark: pip install 'imr-warehouse[spark]'")
        if not os.environ.get("JAVA_HOME") and shutil.which("java") is None:
            raise BuildError("the Spark build needs Java 17: no JAVA_HOME and no java on PATH")
        self.require_raw()
        raw_parquet(self.home.root, self.home.spark_raw)
        return self._dbt_build(Build(self.home.root, self.name, self.live, self.artifacts), quiet, "the Spark marts may be partly rebuilt")
