"""A run killed with SIGKILL leaves whole batches; the next run loads the rest, once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from imr.home import Home
from ingest.synth import write
from tests.helpers import query


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def _wait_gone(pids: list[int], seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while any(Path(f"/proc/{pid}").exists() and "zombie" not in _state(pid) for pid in pids):
        assert time.monotonic() < deadline, f"worker processes outlived their parent: {pids}"
        time.sleep(0.05)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().split("State:")[1].split("\n")[0].lower()
    except (FileNotFoundError, IndexError):
        return "zombie"


def test_killed_run_resumes_without_loss_or_duplicates(tmp_path: Path) -> None:
    letters, home = tmp_path / "letters", tmp_path / "home"
    write(letters, 3000, seed=21)
    truth = [json.loads(line) for line in (letters / "truth.jsonl").read_text().splitlines()]
    command = [sys.executable, "-m", "imr", "ingest", str(letters), "--home", str(home), "--workers", "2", "--batch-size", "100"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wal = Path(f"{Home(home).raw}.wal")
    deadline = time.monotonic() + 60
    # Kill once some batches are committed (the write-ahead log has grown), well before the end.
    while time.monotonic() < deadline and process.poll() is None:
        if wal.exists() and wal.stat().st_size > 2_000_000:
            break
        time.sleep(0.02)
    assert process.poll() is None, "the run finished before it could be killed; make it longer"
    workers = _children(process.pid)
    assert workers, "the run should be using worker processes"
    process.send_signal(signal.SIGKILL)
    process.wait()
    _wait_gone(workers)  # workers die with their parent: no orphan keeps the database open

    resumed = subprocess.run(command, capture_output=True, text=True, check=True)

    assert "3000 files" in resumed.stderr
    rows = query(home, "select count(*), count(distinct sha256) from raw.letters")
    assert rows == [(3000, 3000)]
    assert query(home, "select count(*) from raw.items") == [(sum(len(t["items"]) for t in truth),)]
    assert query(home, "select count(*) from (select sha256, ordinal from raw.items group by all having count(*) > 1)") == [(0,)]
    statuses = [status for (status,) in query(home, "select status from raw.ingest_runs order by started_at")]
    assert statuses == ["aborted", "succeeded"]
    loaded_before_kill = query(
        home, "select count(*) from raw.letters l join raw.ingest_runs r using (load_id) where r.status = 'aborted'"
    )[0][0]
    assert 0 < loaded_before_kill < 3000


def _session(sid: int) -> list[int]:
    """The live processes of a session (the run and every process it started keep its id)."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[3]) == sid and fields[0] != "Z":  # fields: state, ppid, pgrp, session
            members.append(int(stat.parent.name))
    return members


def test_workers_do_not_outlive_a_run_killed_as_it_starts(tmp_path: Path) -> None:
    """A worker asks the kernel to kill it with its parent only once its imports are done; a run
    killed before that left workers waiting for work forever. Killed at several moments of its
    first second or two, no process of the run is left."""
    letters = tmp_path / "letters"
    write(letters, 200, seed=23)
    for delay in (0.2, 0.4, 0.6, 0.9, 1.3):
        command = [sys.executable, "-m", "imr", "ingest", str(letters), "--home", str(tmp_path / f"home-{delay}"), "--workers", "2"]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        deadline = time.monotonic() + 30
        while (left := _session(process.pid)) and time.monotonic() < deadline:
            time.sleep(0.1)
        for pid in left:  # not to leave them behind when the test fails
            os.kill(pid, signal.SIGKILL)
        assert left == [], f"killed after {delay} s, the run left processes behind: {left}"
