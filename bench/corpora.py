"""Synthetic corpora the benchmarks run on, generated once into the work folder and reused."""

from __future__ import annotations

import shutil
import sys
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
