"""Paths inside SQL are quoted (imr.quoting): a home whose path holds an apostrophe and a space
goes through every command, and a crafted --parquet path is a folder's name, never SQL."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from imr.home import Home
from ingest.synth import write


def _imr(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "imr", *map(str, args)], capture_output=True, text=True, check=False)


def test_a_home_with_an_apostrophe_and_a_space_goes_through_every_command(tmp_path: Path) -> None:
    letters = tmp_path / "letters"
    write(letters, 20, seed=91)
    home = tmp_path / "Bob's warehouse"
    for command in (
        ["ingest", letters],
        ["build", "--quiet"],
        ["refresh", letters],
        ["validate"],
        ["export", "--parquet", tmp_path / "O'Neil marts"],
        ["export", "--raw", "--parquet", tmp_path / "O'Neil raw"],
    ):
        result = _imr(*command, "--home", home)
        assert result.returncode == 0, f"imr {command[0]}: {result.stderr}"
    assert Home(home).served.exists()
    assert (tmp_path / "O'Neil marts" / "fct_imr_decisions.parquet").exists()
    assert (tmp_path / "O'Neil raw" / "letters" / "letters.parquet").exists()


@pytest.mark.parametrize("raw", [False, True])
def test_a_crafted_parquet_path_runs_no_sql(synthetic_warehouse: tuple[Path, list[dict]], tmp_path: Path, raw: bool) -> None:
    pwned = tmp_path / "pwned.csv"
    crafted = Path(f"{tmp_path}/x' (format csv); copy (select 42) to '{pwned}' (format csv); --")
    result = _imr("export", "--home", synthetic_warehouse[0], "--parquet", crafted, *(["--raw"] if raw else []))
    assert result.returncode == 0, result.stderr
    assert not pwned.exists()
    assert [path.name for path in tmp_path.iterdir()] == ["x' (format csv); copy (select 42) to '"]
    written = crafted / ("letters/letters.parquet" if raw else "fct_imr_decisions.parquet")
    assert written.exists()
