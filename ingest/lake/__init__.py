"""The raw tables as a lake of Parquet files, ingested on Apache Spark (`imr ingest --engine spark`):
Spark lists and reads the letters, its Python workers parse them with the DuckDB ingest's own
`process_file`, and each run's rows are committed whole into one folder per table.

`run` is the driver's side (the steps of a run), `executor` what Spark's Python workers run,
`inputs` which files a run reads and in what order, `schema` the envelope and table shapes (from
`ingest.load.schema`), `store` the lake's folders and commit protocol, `files` Hadoop's file
system from Python, `session` the Spark session the command line makes.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.extract.files import MAX_FILE_SIZE

if TYPE_CHECKING:
    from ingest.load.pipeline import RunSummary


def ingest(
    paths: Sequence[str | Path],
    lake: str | Path,
    master: str | None = None,
    conf: dict[str, str] | None = None,
    max_size: int | None = MAX_FILE_SIZE,
) -> RunSummary:
    """`imr ingest --engine spark`: a Spark session (`master`, `conf`), one run, the session stopped."""
    from ingest.lake.run import ingest_lake
    from ingest.lake.session import spark_session

    with spark_session(master, conf) as spark:
        return ingest_lake(spark, paths, lake, max_size)
