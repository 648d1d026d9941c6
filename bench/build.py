"""`imr build` on raw databases of growing size (target: under 60 s and 2 GB at 1.7M letters), with
the dbt nodes that took longest, to show where the time goes."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from bench.corpora import IMR
from bench.measure import measure
from bench.scale import scale_raw
from imr.home import Home


def scaled_home(base: Path, work: Path, letters: int) -> Path:
    """A warehouse home whose raw database holds `letters` letters made from `base`'s; reused
    while the base is unchanged."""
    home = work / f"home-{letters}"
    stamp = f"{(Home(base).raw).stat().st_mtime_ns}:{letters}"
    marker = home / ".scaled"
    if not (marker.exists() and marker.read_text() == stamp):
        scale_raw(base, home, letters)
        os.sync()  # the copy's gigabytes reach the disk now, not while the build is being timed
        marker.write_text(stamp)
    return home


def run(home: Path, letters: int) -> dict[str, Any]:
    """Build the warehouse of `home` once, measured."""
    build = measure([*IMR, "build", "--home", str(home), "--quiet"])
    results = json.loads((Home(home).dbt_artifacts / "run_results.json").read_text())
    slowest = sorted(results["results"], key=lambda node: -node["execution_time"])[:6]
    return {
        "letters": letters,
        "seconds": round(build.seconds, 1),
        "peak_mb": round(build.peak_mb),
        "cpu_seconds": round(build.cpu_seconds, 1),
        "dbt_seconds": round(results["elapsed_time"], 1),
        "slowest": [[node["unique_id"].split(".", 2)[2][:90], round(node["execution_time"], 1)] for node in slowest],
    }
