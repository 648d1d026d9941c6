"""Running dbt on this project for one warehouse home: always in a child process.

dbt-duckdb keeps its connection open in the process that ran it, and a built file must be free
before it is moved into place; the child dies with its parent, so a killed refresh leaves no dbt
behind holding a file.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

from imr.home import Home
from imr.project import dbt_project_dir


def run_dbt(
    home: Home, *args: str, target: str, artifacts: Path, database: Path | None = None, quiet: bool = False
) -> subprocess.CompletedProcess[str]:
    """`dbt ARGS` on the profile's `target` against `home`, its artifacts in `artifacts`;
    `database`: the DuckDB file the profile writes (default: the served file)."""
    env = {
        **os.environ,
        "IMR_HOME": str(home.root.absolute()),
        "IMR_BUILD_DATABASE": str((database or home.served).absolute()),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_TARGET_PATH": str(artifacts.absolute()),
        "DBT_LOG_PATH": str((artifacts / "logs").absolute()),
    }
    project = str(dbt_project_dir())
    command = [str(Path(sys.executable).with_name("dbt")), *args, "--target", target, "--project-dir", project, "--profiles-dir", project]
    return subprocess.run(command, env=env, capture_output=quiet, text=True, check=False, preexec_fn=_die_with_parent)


def run_results(artifacts: Path) -> Counter[str]:
    """Counts of dbt node results by resource type and status ("model success", "test fail", ...)."""
    path = artifacts / "run_results.json"
    if not path.exists():
        return Counter()
    results = json.loads(path.read_text()).get("results", [])
    return Counter(f"{r['unique_id'].split('.')[0]} {r['status']}" for r in results)


def invocation_id(artifacts: Path) -> str:
    """The id dbt gave its last run (run_results.json's metadata)."""
    return str(json.loads((artifacts / "run_results.json").read_text())["metadata"]["invocation_id"])


def _die_with_parent() -> None:
    if sys.platform.startswith("linux"):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
