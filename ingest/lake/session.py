"""The Spark session `imr ingest --engine spark` runs in: Spark's own settings (spark-submit,
spark-defaults.conf, PYSPARK_SUBMIT_ARGS) first, then the ingest's defaults, then `--master` and
`--conf`. In a notebook or a job that has a session already, `ingest.lake.run.ingest_lake` takes
that one instead."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

DEFAULTS = {
    # binaryFile packs files into a task by their size plus an "open cost" of 4 MB each, which
    # made tasks of ~32 letters; 64 KB lets the partition size decide, so small runs use every core.
    "spark.sql.files.openCostInBytes": str(64 << 10),
    "spark.sql.files.maxPartitionBytes": str(32 << 20),
    # An Arrow batch of files handed to a Python worker is held whole: at most 256 files or 64 MB.
    "spark.sql.execution.arrow.maxRecordsPerBatch": "256",
    "spark.sql.execution.arrow.maxBytesPerBatch": str(64 << 20),
    "spark.sql.session.timeZone": "UTC",
    "spark.ui.showConsoleProgress": "false",
    # The lake holds table files only: no _SUCCESS markers.
    "spark.hadoop.mapreduce.fileoutputcommitter.marksuccessfuljobs": "false",
}
# In local mode: no web UI, and local files without Hadoop's checksum layer (a .crc file looked
# for beside every letter read, and written beside every file).
LOCAL = {
    "spark.ui.enabled": "false",
    "spark.hadoop.fs.file.impl": "org.apache.hadoop.fs.RawLocalFileSystem",
}


def missing_spark() -> str | None:
    """What this machine lacks to run Spark (pyspark, Java), or None."""
    if importlib.util.find_spec("pyspark") is None:
        return "Spark needs pyspark: pip install 'imr-warehouse[spark]'"
    if not os.environ.get("JAVA_HOME") and shutil.which("java") is None:
        return "Spark needs Java 17: no JAVA_HOME and no java on PATH"
    return None


@contextmanager
def spark_session(master: str | None = None, conf: dict[str, str] | None = None) -> Iterator[Any]:
    """A session for one ingest, stopped at the end unless it was there before; RuntimeError when
    this machine cannot run Spark."""
    if reason := missing_spark():
        raise RuntimeError(reason)
    from pyspark.sql import SparkSession

    settings = {**DEFAULTS, **(conf or {})}
    master = master or settings.get("spark.master")
    local = (master or "local").startswith("local") and "PYSPARK_GATEWAY_PORT" not in os.environ  # not under spark-submit
    if local:
        settings = {**LOCAL, **settings}
        # Python workers run PYSPARK_PYTHON ("python3" on PATH by default): this interpreter, which has the project.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    existing = SparkSession.getActiveSession()
    builder = SparkSession.builder.appName("imr ingest")
    if master:
        builder = builder.master(master)
    for key, value in settings.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    try:
        yield spark
    finally:
        if existing is None:
            spark.stop()
