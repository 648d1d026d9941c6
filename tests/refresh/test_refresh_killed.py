"""`imr refresh` killed with SIGKILL at each of its steps: the served file stays the previous
publication, whole, and the next refresh completes and publishes."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from imr.home import Home
from imr.orchestrate.refresh import Exit
from tests.refreshes import imr_process, outcomes, served_count


def _wait_for(condition: Callable[[], bool], process: subprocess.Popen[str], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert process.poll() is None, f"refresh ended before the kill point: {process.communicate()[1]}"
        assert time.monotonic() < deadline, "kill point never reached"
        time.sleep(0.02)


@pytest.mark.parametrize("step", ["ingest", "build", "validate"])
def test_refresh_killed_at_each_step_leaves_the_served_file_and_the_next_one_completes(
    home: Path, letters: tuple[Path, Path], step: str
) -> None:
    before = served_count(home)
    started = time.time()
    staged = Home(home).staged
    run_results = Home(home).dbt_artifacts / "run_results.json"
    process = imr_process("refresh", str(letters[1]), "--home", str(home))
    conditions = {
        "ingest": lambda: Path(f"{Home(home).raw}.wal").exists() and Path(f"{Home(home).raw}.wal").stat().st_size > 200_000,
        "build": lambda: staged.exists() and staged.stat().st_size > 0,
        "validate": lambda: staged.exists() and run_results.exists() and run_results.stat().st_mtime > started,
    }
    _wait_for(conditions[step], process)
    if step == "validate":
        time.sleep(1.0)  # dbt is done; past the staged file's preparation for readers (0.3 s), into the validation (seconds)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()

    assert served_count(home) == before  # still the previous publication, whole
    rerun = imr_process("refresh", str(letters[1]), "--home", str(home))
    _, stderr = rerun.communicate(timeout=600)
    assert rerun.returncode == Exit.PUBLISHED, stderr
    assert served_count(home) > before
    assert outcomes(home)[-2:] == ["aborted", "published"]
