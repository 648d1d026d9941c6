"""`imr build`: dbt builds the warehouse file beside the served one, which is replaced only once
the build succeeded (and, in a refresh, once it validated), so readers never see a half-built file.

dbt runs in a child process: dbt-duckdb keeps its connection open in the process that ran it,
and the built file must be free before it is moved into place. The child dies with its parent,
so a killed refresh leaves no dbt behind holding the build file.

The same models build on Apache Spark (the profile's `spark` target): the raw tables go to Spark
as Parquet under `$IMR_HOME/spark/raw`, and the marts become tables of the Spark catalog kept
under `$IMR_HOME/spark` (the profile puts the metastore and the table files there). Spark replaces
its tables in place; there is no file to swap.
"""

from __future__ import annotations

import ctypes
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ingest.export import raw_parquet
from ingest.loader import DATABASE as RAW_DATABASE

PROJECT_DIR = Path(__file__).resolve().parents[1]
WAREHOUSE_FILE = "imr.duckdb"
BUILD_DIR = "build"
DUCKDB, SPARK = "duckdb", "spark"  # the profile's targets
SPARK_DIR = "spark"  # under $IMR_HOME; profiles.yml names the same folder
# From this many letters a DuckDB build runs one dbt node at a time. The heavy models (millions
# of items and citations) then need DuckDB's whole memory cap: two side by side spill. Measured
# with the default 1.5 GB cap: 1.7M letters build in 69 s on one thread against 80 s on two, 1M
# in 50 s against 53 s; 100k letters in 18 s on two, whose overlap of dbt's work between the many
# small nodes beats one (26 s).
ONE_THREAD_FROM_LETTERS = 500_000


class BuildError(RuntimeError):
    """The build could not run or dbt failed; on DuckDB the served warehouse file is untouched."""


@dataclass(frozen=True)
class Build:
    """Where one build writes, where its result goes, and what dbt did."""

    home: Path
    target: str = DUCKDB
    results: Counter[str] = field(default_factory=Counter)  # e.g. {"model success": 18, "test pass": 97}

    @property
    def staged(self) -> Path:
        return self.home / BUILD_DIR / WAREHOUSE_FILE

    @property
    def live(self) -> Path:
        """Where the marts are served: the DuckDB file, or the Spark warehouse's folder."""
        return self.home / (WAREHOUSE_FILE if self.target == DUCKDB else f"{SPARK_DIR}/warehouse")

    @property
    def artifacts(self) -> Path:
        """dbt's target folder, one per engine: a build on one does not overwrite the other's manifest."""
        return self.home / (f"{BUILD_DIR}/dbt" if self.target == DUCKDB else f"{SPARK_DIR}/dbt")

    @property
    def raw_parquet_dir(self) -> Path:
        """The raw tables as Spark reads them (the sources' default meta.parquet_location)."""
        return self.home / SPARK_DIR / "raw"

    def summary(self) -> str:
        """What dbt did, e.g. "18 model success, 97 test pass"."""
        return ", ".join(f"{count} {result}" for result, count in sorted(self.results.items()))


def dbt(home: Path, *args: str, database: Path | None = None, quiet: bool = False,
        target: str = DUCKDB) -> subprocess.CompletedProcess[str]:
    """Run a dbt command of this project against the warehouse under `home`, on the profile's `target`."""
    artifacts = Build(home, target).artifacts
    env = {
        **os.environ,
        "IMR_HOME": str(home.absolute()),
        "IMR_BUILD_DATABASE": str((database or home / WAREHOUSE_FILE).absolute()),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_TARGET_PATH": str(artifacts.absolute()),
        "DBT_LOG_PATH": str((artifacts / "logs").absolute()),
    }
    command = [str(Path(sys.executable).with_name("dbt")), *args, "--target", target,
               "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR)]
    return subprocess.run(command, env=env, capture_output=quiet, text=True, check=False, preexec_fn=_die_with_parent)


def stage(home: Path, quiet: bool = False) -> Build:
    """dbt build into home/build/imr.duckdb; the served file is not touched."""
    if not (home / RAW_DATABASE).exists():
        raise BuildError(f"{home / RAW_DATABASE}: no raw database here; run `imr ingest` first")
    target = Build(home)
    target.staged.parent.mkdir(parents=True, exist_ok=True)
    for leftover in (target.staged, target.staged.with_name(WAREHOUSE_FILE + ".wal")):
        leftover.unlink(missing_ok=True)  # every build starts from an empty file, whatever a killed one left
    _dbt_build(target, quiet, f"{target.live} is unchanged")
    return target


def publish(target: Build) -> None:
    """Move the staged file over the served one in one rename: readers see the old file or the new."""
    os.replace(target.staged, target.live)


def build(home: Path, quiet: bool = False, target: str = DUCKDB) -> Build:
    """Stage and publish (no validation: `imr refresh` validates between the two); on Spark, build in place."""
    if target == SPARK:
        return build_spark(home, quiet=quiet)
    staged = stage(home, quiet=quiet)
    publish(staged)
    return staged


def build_spark(home: Path, quiet: bool = False) -> Build:
    """The raw tables exported as Parquet, then dbt build on the `spark` target (pyspark, local mode).

    The marts are tables of schema marts in the Spark catalog under home/spark; a failed build
    can leave some of them replaced and others not (Spark has no file to swap).
    """
    if importlib.util.find_spec("pyspark") is None or importlib.util.find_spec("dbt.adapters.spark") is None:
        raise BuildError("the Spark build needs dbt-spark and pyspark: pip install -e '.[spark]'")
    if not os.environ.get("JAVA_HOME") and shutil.which("java") is None:
        raise BuildError("the Spark build needs Java 17: no JAVA_HOME and no java on PATH")
    target = Build(home, SPARK)
    try:
        raw_parquet(home, target.raw_parquet_dir)
    except FileNotFoundError as error:
        raise BuildError(str(error)) from None
    _dbt_build(target, quiet, "the Spark marts may be partly rebuilt")
    return target


def _dbt_build(target: Build, quiet: bool, on_failure: str) -> None:
    """dbt build of `target`, its results counted; BuildError (with dbt's output when quiet) on failure."""
    threads = dbt_threads(target.home) if target.target == DUCKDB else []
    result = dbt(target.home, "build", *threads, database=target.staged, quiet=quiet, target=target.target)
    target.results.update(_run_results(target.artifacts / "run_results.json"))
    if result.returncode != 0:
        tail = (result.stdout or "")[-3000:] if quiet else ""
        raise BuildError(f"dbt build on {target.target} failed (exit {result.returncode}); {on_failure}\n{tail}")


def dbt_threads(home: Path) -> list[str]:
    """dbt's --threads for a DuckDB build of `home`: one from ONE_THREAD_FROM_LETTERS letters,
    else the profile's."""
    raw = home / RAW_DATABASE
    try:
        with duckdb.connect(str(raw), read_only=True) as con:
            letters = con.execute("select count(*) from raw.letters").fetchone()[0]
    except duckdb.Error as error:
        raise BuildError(f"{raw}: cannot read the raw database ({error})") from None
    return ["--threads", "1"] if letters >= ONE_THREAD_FROM_LETTERS else []


def _run_results(path: Path) -> Counter[str]:
    """Counts of dbt node results by resource type and status ("model success", "test fail", ...)."""
    if not path.exists():
        return Counter()
    results = json.loads(path.read_text()).get("results", [])
    return Counter(f"{r['unique_id'].split('.')[0]} {r['status']}" for r in results)


def _die_with_parent() -> None:
    if sys.platform.startswith("linux"):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
