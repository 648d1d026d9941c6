"""`imr ingest --engine spark` (needs Java 17; pyspark comes with the test extra): in local mode,
the Spark ingest writes the rows the DuckDB ingest writes for the same files, real letters and bad
ones alike; a second run adds only what is new; a run killed midway leaves the tables as they were
and the next run completes it; and `imr build --target spark --lake` builds from the lake marts
equal row for row to the DuckDB build's (the suite's one Spark build of the real letters).

Slow: one Spark session for the module (local[2]), a second one killed midway, and a Spark build.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from click.testing import CliRunner

from imr.cli import main
from imr.home import Home
from imr.orchestrate.build import build
from imr.orchestrate.engines import Build, BuildError, SparkEngine
from imr.serve.warehouse import MARTS_SCHEMA
from ingest.lake.files import HadoopFiles
from ingest.lake.run import ingest_lake
from ingest.lake.session import spark_session
from ingest.lake.store import LOCK, STAGING
from ingest.load import ingest
from ingest.load.export import raw_parquet
from ingest.load.schema import TABLES
from tests.helpers import DATA_TABLES, add_bad_files, assert_marts_match, java_or_skip, lake_differences

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    java_or_skip()
    with spark_session("local[2]", {"spark.sql.shuffle.partitions": "2"}) as session:
        yield session


# The real letters ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_lake(spark: Any, corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    lake = tmp_path_factory.mktemp("corpus") / "lake"
    ingest_lake(spark, [corpus_dir], lake)
    return lake


def test_real_letters_give_the_duckdb_ingests_rows(corpus_lake: Path, corpus_warehouse: Build) -> None:
    assert lake_differences(corpus_lake, corpus_warehouse.home) == {}


def test_a_second_run_over_the_same_letters_adds_nothing(spark: Any, corpus_dir: Path, corpus_lake: Path, tmp_path: Path) -> None:
    lake = shutil.copytree(corpus_lake, tmp_path / "lake")
    before = _visible_rows(lake)
    summary = ingest_lake(spark, [corpus_dir], lake)
    files = len(list(corpus_dir.glob("*.pdf")))
    assert (summary.counts.files_seen, summary.counts.loaded, summary.counts.duplicates) == (files, 0, files)
    after = _visible_rows(lake)
    assert {table: after[table] for table in DATA_TABLES} == {table: before[table] for table in DATA_TABLES}
    assert len(after["ingest_runs"]) == len(before["ingest_runs"]) + 1


def test_marts_built_from_the_lake_match_the_duckdb_build(corpus_lake: Path, corpus_warehouse: Build, tmp_path: Path) -> None:
    # The suite's one Spark build: every model, seed, data test and unit test the DuckDB build
    # runs, passing, and every mart the same row for row (counts exact, rates to 1e-9).
    spark_build = build(tmp_path / "home", quiet=True, target=SparkEngine.name, lake=str(corpus_lake))
    assert spark_build.results == corpus_warehouse.results
    assert spark_build.results["unit_test pass"] and spark_build.results["test pass"]
    # Spark keeps a managed table's files in <warehouse>/<schema>.db/<table>; DuckDB reads them as Spark wrote them.
    assert_marts_match(corpus_warehouse.live, spark_build.live / f"{MARTS_SCHEMA}.db")


def test_the_export_a_spark_build_of_a_home_reads_holds_the_rows_the_lake_holds(corpus_warehouse: Build, tmp_path: Path) -> None:
    # `imr build --target spark` without --lake builds from this export of the home's raw database:
    # the same rows as the lake above, so the same marts, without a second Spark build.
    raw_parquet(corpus_warehouse.home, tmp_path / "raw")
    assert lake_differences(tmp_path / "raw", corpus_warehouse.home) == {}


# Bad files, new files, and runs cut short ---------------------------------------------------------


@pytest.fixture(scope="module")
def folders(corpus_pdfs: list[Path], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Four real letters, copies of them under other names, and one file of every bad kind; then a
    second folder for a later run: a new letter, another copy, another empty file, a new bad one."""
    root = tmp_path_factory.mktemp("letters")
    first, more = root / "first", root / "more"
    (first / "sub").mkdir(parents=True)
    more.mkdir()
    for pdf in corpus_pdfs[:3]:
        shutil.copy(pdf, first / pdf.name)
    shutil.copy(corpus_pdfs[0], first / "sub" / "copy.pdf")  # met after the original: a duplicate
    # A folder's files are met before its sub-folders: zz.pdf is this letter's source_path, not sub/a.pdf.
    shutil.copy(corpus_pdfs[4], first / "zz.pdf")
    shutil.copy(corpus_pdfs[4], first / "sub" / "a.pdf")
    add_bad_files(first, corpus_pdfs[0].read_bytes())
    shutil.copy(corpus_pdfs[3], more / corpus_pdfs[3].name)
    shutil.copy(corpus_pdfs[2], more / "again.pdf")
    (more / "empty too.pdf").write_bytes(b"")  # the same bytes as a quarantined file
    (more / "memo.txt").write_text("Memo: nothing to see here\n")
    return first, more


@pytest.fixture(scope="module")
def first_run(spark: Any, folders: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The first folder ingested by both engines, the Spark one through the command line: (lake, home)."""
    root = tmp_path_factory.mktemp("first-run")
    ingest([folders[0]], root / "home")
    with open(Home(root / "home").lock, "w") as lock:  # a lake ingest neither takes nor waits for a home's lock
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        command = ["ingest", "--engine", "spark", str(folders[0]), "--lake", str(root / "lake"), "--home", str(root / "home")]
        result = CliRunner().invoke(main, command)
    assert result.exit_code == 0, result.output
    assert "14 files: 4 loaded, 2 duplicates, 8 quarantined" in result.output
    return root / "lake", root / "home"


@pytest.fixture(scope="module")
def both_runs_home(first_run: tuple[Path, Path], folders: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The DuckDB ingest after a second run over both folders."""
    home = shutil.copytree(first_run[1], tmp_path_factory.mktemp("both-runs") / "home")
    ingest(list(folders), home)
    return home


def test_bad_files_are_quarantined_as_the_duckdb_ingest_does(first_run: tuple[Path, Path]) -> None:
    lake, home = first_run
    assert lake_differences(lake, home) == {}
    kinds = dict(duckdb.sql(f"select source_file, error_kind from read_parquet('{lake}/quarantine/*.parquet')").fetchall())
    assert kinds["gone.pdf"] == "unreadable" and kinds["empty.pdf"] == "zero_byte"  # files Spark's scan leaves out


def test_a_run_killed_midway_leaves_the_tables_as_they_were(
    spark: Any, first_run: tuple[Path, Path], folders: tuple[Path, Path], both_runs_home: Path, tmp_path: Path
) -> None:
    lake = shutil.copytree(first_run[0], tmp_path / "lake")
    before = _visible_rows(lake)
    command = [sys.executable, "-m", "imr", "ingest", *map(str, folders), "--engine", "spark", "--lake", str(lake), "--master", "local[1]"]
    run = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_for(lambda: any(lake.glob(f"{STAGING}/*/tables/items")), run)  # its new letters are written, in staging
    finally:
        run.send_signal(signal.SIGKILL)
        run.wait()
    assert _visible_rows(lake) == before
    assert (lake / LOCK).exists() and any((lake / STAGING).iterdir())

    summary = ingest_lake(spark, folders, lake)  # takes over the dead run's lock, records it aborted
    assert (summary.counts.loaded, summary.counts.quarantined) == (1, 1)  # the new letter, memo.txt
    assert lake_differences(lake, both_runs_home).keys() <= {"ingest_runs"}
    runs = duckdb.sql(f"select status from read_parquet('{lake}/ingest_runs/*.parquet') order by started_at").fetchall()
    assert runs == [("succeeded",), ("aborted",), ("succeeded",)]
    assert not (lake / LOCK).exists() and not any((lake / STAGING).iterdir())


def test_a_commit_cut_short_is_finished_by_the_next_run(
    spark: Any,
    first_run: tuple[Path, Path],
    folders: tuple[Path, Path],
    both_runs_home: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lake = shutil.copytree(first_run[0], tmp_path / "lake")
    move, moves = HadoopFiles.move, []

    def dies_at_the_third_move(files: HadoopFiles, source: str, target: str) -> None:
        if len(moves) == 2:  # the manifest and one table file are in place
            raise KeyboardInterrupt("killed")
        moves.append(target)
        move(files, source, target)

    with monkeypatch.context() as patch:
        patch.setattr(HadoopFiles, "move", dies_at_the_third_move)
        with pytest.raises(KeyboardInterrupt):
            ingest_lake(spark, folders, lake)
    assert moves[0].endswith("_COMMIT") and "/_staging/" not in moves[1]
    with pytest.raises(BuildError, match="killed while it committed"):
        SparkEngine._require_lake(str(lake))

    summary = ingest_lake(spark, folders, lake)
    assert summary.counts.loaded == 0  # the cut run's letter is in: rolled forward, not parsed again
    assert lake_differences(lake, both_runs_home).keys() <= {"ingest_runs"}
    runs = duckdb.sql(f"select status, loaded from read_parquet('{lake}/ingest_runs/*.parquet') order by started_at").fetchall()
    assert runs == [("succeeded", 4), ("succeeded", 1), ("succeeded", 0)]


def _visible_rows(lake: Path) -> dict[str, list[str]]:
    """Every row a reader of the lake's tables sees, sorted, per table."""
    with duckdb.connect() as con:
        return {
            table: sorted(map(str, con.execute(f"select * from read_parquet('{lake / table}/*.parquet')").fetchall())) for table in TABLES
        }


def _wait_for(ready: Callable[[], bool], process: subprocess.Popen[bytes], seconds: float = 900) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
        assert time.monotonic() < deadline, "the run never got that far"
        time.sleep(0.02)


def test_a_fifo_and_a_file_over_the_size_limit_are_refused_unread_as_the_duckdb_ingest_does(
    spark: Any, corpus_pdfs: list[Path], tmp_path: Path
) -> None:
    letters = tmp_path / "letters"
    letters.mkdir()
    shutil.copy(corpus_pdfs[0], letters / "letter.pdf")
    limit = corpus_pdfs[0].stat().st_size + 100
    (letters / "huge.txt").write_bytes(b"x" * (limit + 1))
    os.mkfifo(letters / "pipe.pdf")  # opened for reading, it would wait for a writer forever
    ingest([letters], tmp_path / "home", max_file_size=limit)
    ingest_lake(spark, [letters], tmp_path / "lake", max_size=limit)
    assert lake_differences(tmp_path / "lake", tmp_path / "home") == {}
    kinds = dict(duckdb.sql(f"select source_file, error_kind from read_parquet('{tmp_path / 'lake'}/quarantine/*.parquet')").fetchall())
    assert kinds == {"huge.txt": "too_large", "pipe.pdf": "not_a_regular_file"}
