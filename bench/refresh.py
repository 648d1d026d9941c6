"""An incremental refresh: a month of new letters (12,000) into a warehouse of 1.7M, end to end
(ingest, build, validate, publish; target: under 2 minutes and 2 GB), step by step.

A warehouse's first refresh validates every raw row; later ones only the rows loaded since the
last publication. So the benchmark refreshes once with nothing new (reported as the first
refresh), then measures the refresh that brings the new letters. It runs in the largest scaled
home, which it leaves changed: the next run of the suite scales that home again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from bench.corpora import IMR, files, warm
from bench.measure import Run, measure
from imr.home import Home


def run(home: Path, new_letters: Path, work: Path) -> dict[str, Any]:
    """The first refresh of `home` (no new letters), then one with the letters in `new_letters`."""
    (home / ".scaled").unlink(missing_ok=True)  # this home is about to hold more than its scale
    nothing_new = work / "no-new-letters"
    nothing_new.mkdir(exist_ok=True)
    first = measure([*IMR, "refresh", str(nothing_new), "--home", str(home)])
    first_steps = _steps(home)
    warm(new_letters, ".txt")  # a month's letters, just downloaded
    refresh = measure([*IMR, "refresh", str(new_letters), "--home", str(home)])
    with duckdb.connect(str(Home(home).raw), read_only=True) as raw:
        letters = raw.execute("select count(*) from raw.letters").fetchall()[0][0]
    return {
        "new_letters": len(files(new_letters, ".txt")),
        "letters_after": letters,
        **_result(refresh, _steps(home)),
        "first_refresh": _result(first, first_steps),
    }


def _result(run: Run, steps: dict[str, float]) -> dict[str, Any]:
    return {"seconds": round(run.seconds, 1), "peak_mb": round(run.peak_mb), "steps": steps}


def _steps(home: Path) -> dict[str, float]:
    """Seconds per step of the home's latest refresh, as it recorded them."""
    with duckdb.connect(str(Home(home).operations), read_only=True) as ops:
        value = ops.execute("select step_seconds from ops.refresh_runs order by started_at desc limit 1").fetchall()[0][0]
    pairs = zip(value["key"], value["value"]) if set(value) == {"key", "value"} else value.items()
    return {step: round(seconds, 1) for step, seconds in pairs}
