"""Running dbt on this project for one warehouse home: always in a child process.

dbt-duckdb keeps its connection open in the process that ran it, and a built file must be free
before it is moved into place; the child dies with its parent, so a killed refresh leaves no dbt
behind holding a file.
"""

from __future__ import annotations

import ctypes
import json
import os
import re
import signal
import subprocess
import sys
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

from imr.home import Home
from imr.project import dbt_project_dir
from ingest.load.progress import Bar, progress


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
    if quiet and sys.stderr.isatty():
        return _with_bar(command, env, f"dbt {args[0]}")
    return subprocess.run(command, env=env, capture_output=quiet, text=True, check=False, preexec_fn=_die_with_parent)


# dbt's line for a node done: "12 of 358 OK created sql table model ...", "13 of 358 PASS ..."
# (hooks count apart: "1 of 1 OK hook: ...").
_NODE_DONE = re.compile(r"\b\d+ of (\d+) (?:OK|PASS|WARN|ERROR|FAIL|SKIP)\b")


def _with_bar(command: list[str], env: dict[str, str], label: str) -> subprocess.CompletedProcess[str]:
    """dbt run quietly on a terminal: its output kept (for a failure's message), a bar counting its
    nodes as they finish."""
    lines: list[str] = []
    with ExitStack() as stack:
        child = stack.enter_context(
            subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, preexec_fn=_die_with_parent)
        )
        bar: Bar | None = None
        assert child.stdout is not None
        for line in child.stdout:
            lines.append(line)
            if (done := _NODE_DONE.search(line)) and " hook: " not in line:
                bar = bar or stack.enter_context(progress(int(done[1]), "node", label, quiet=False))
                bar.update(1)
    return subprocess.CompletedProcess(command, child.returncode, "".join(lines), "")


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
