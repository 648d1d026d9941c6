"""Run one command in a child process and measure it: wall time, CPU, and the peak memory of its
whole process tree (the ingest's workers and dbt count, not only the first process).

Memory is sampled from /proc every 50 ms: the peak of the sum of resident set sizes over the
tree. CPU is what the child and the descendants it waited for used (getrusage); a tree whose
processes are not all waited for (Spark's JVM and its Python workers) is counted from the same
samples too (`tree_cpu_seconds`: each process's last sample, so up to 50 ms of each is missed).
Linux only, like the machines this project runs on.
"""

from __future__ import annotations

import os
import resource
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Run:
    """One measured command."""

    command: list[str]
    seconds: float
    cpu_seconds: float
    tree_cpu_seconds: float
    peak_mb: float
    stdout: str
    stderr: str


def measure(command: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> Run:
    """Run `command` to completion; raise with its output when it fails."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})}, cwd=cwd
    )
    sampler = _TreeMemory(process.pid)
    sampler.start()
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - started
    sampler.stop()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed (exit {process.returncode}):\n{stderr[-3000:]}")
    return Run(command, seconds, cpu, sampler.cpu_seconds(), sampler.peak_kb / 1024, stdout, stderr)


class _TreeMemory(threading.Thread):
    """Samples the summed RSS of a process and all its descendants until stopped."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_kb = pid, 0
        self._cpu_ticks: dict[tuple[int, str], int] = {}  # by (pid, start time): a pid may be reused
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.wait(0.05):
            pids = _tree(self.pid)
            self.peak_kb = max(self.peak_kb, sum(_rss_kb(pid) for pid in pids))
            for pid in pids:
                if (ticks := _cpu_ticks(pid)) is not None:
                    self._cpu_ticks[(pid, ticks[0])] = ticks[1]

    def cpu_seconds(self) -> float:
        return sum(self._cpu_ticks.values()) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self._done.set()
        self.join()


def _tree(root: int) -> list[int]:
    pids, queue = [], [root]
    while queue:
        pid = queue.pop()
        pids.append(pid)
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as children:
                    queue.extend(int(child) for child in children.read().split())
        except OSError:
            continue  # the process ended between two reads
    return pids


def _cpu_ticks(pid: int) -> tuple[str, int] | None:
    """(start time, user + system clock ticks) of a process, from /proc/<pid>/stat."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return fields[19], int(fields[11]) + int(fields[12])


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0
