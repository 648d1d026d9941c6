"""An incremental refresh: a month of new letters (12,000) into a warehouse of 1.7M, end to end
(ingest, build, validate, publish; target: under 2 minutes and 2 GB), step by step."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import duckdb

from bench.corpora import IMR, files
from bench.measure import measure


def run(built_home: Path, new_letters: Path, work: Path) -> dict[str, Any]:
    """Refresh a copy of `built_home` (raw database and served file) with the letters in `new_letters`."""
    home = work / "home-refresh"
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    for name in ("ingest.duckdb", "imr.duckdb"):
        shutil.copyfile(built_home / name, home / name)
    refresh = measure([*IMR, "refresh", str(new_letters), "--home", str(home)])
    with duckdb.connect(str(home / "operations.duckdb"), read_only=True) as ops:
        steps = ops.execute("select step_seconds from ops.refresh_runs order by started_at desc limit 1").fetchall()[0][0]
    with duckdb.connect(str(home / "ingest.duckdb"), read_only=True) as raw:
        letters = raw.execute("select count(*) from raw.letters").fetchall()[0][0]
    shutil.rmtree(home)
    return {
        "new_letters": len(files(new_letters, ".txt")), "letters_after": letters,
        "seconds": round(refresh.seconds, 1), "peak_mb": round(refresh.peak_mb),
        "steps": {step: round(seconds, 1) for step, seconds in _pairs(steps)},
    }


def _pairs(value: Any) -> list[tuple[str, float]]:
    """A DuckDB MAP as (key, value) pairs, whichever form the driver returns it in."""
    if set(value) == {"key", "value"}:
        return list(zip(value["key"], value["value"]))
    return list(value.items())
