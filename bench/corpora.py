"""Synthetic corpora the benchmarks run on, generated once into the work folder and reused."""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

from ingest.synth import write

IMR = [sys.executable, "-m", "imr"]


def letters(work: Path, count: int, seed: int, pdf: bool = False) -> Path:
    """A folder of `count` synthetic letters (text or PDF) for `seed`, generated if not there yet."""
    folder = work / f"{'pdf' if pdf else 'text'}-{count}-seed{seed}"
    if not (folder / ".complete").exists():
        shutil.rmtree(folder, ignore_errors=True)
        write(folder, count, seed=seed, pdf=pdf)
        (folder / ".complete").touch()
    return folder


def files(folder: Path, suffix: str) -> list[Path]:
    return sorted(folder.glob(f"*{suffix}"))


def linked(paths: list[Path], folder: Path) -> Path:
    """A new `folder` holding these files as hard links (copies across file systems): symbolic
    links would cost the command under measurement a stat() of each target as it walks the folder."""
    folder.mkdir()
    for path in paths:
        try:
            os.link(path, folder / path.name)
        except OSError:
            shutil.copyfile(path, folder / path.name)
    return folder


def warm(folder: Path, suffix: str) -> float:
    """Read every file of `folder` once, as the ingest of new letters meets them (just written, in
    the page cache); the seconds that took. Between runs of the suite the host's proactive reclaim
    evicts the corpora, and 100,000 letters read cold took 20.5 s to ingest instead of 12.9 s with
    their bytes evicted, 36 s with their inodes too: the speed of the machine's disk, not of the
    ingest (the PDF benchmark's baseline reads its files before the ingest, too)."""
    started = time.perf_counter()
    for path in files(folder, suffix):
        path.read_bytes()
    return time.perf_counter() - started
