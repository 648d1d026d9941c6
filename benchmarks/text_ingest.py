"""Text ingest throughput and peak memory on synthetic letters (default 100,000).
Targets: at least 5,000 letters/s on 2 cores; peak memory under 1 GB.

    .venv/bin/python benchmarks/text_ingest.py [--letters 100000] [--keep DIR]

The letters are generated first (not timed), then `ingest` runs in a child process so that its
peak resident memory (parent and workers, each) can be read from the kernel afterwards.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ingest.synth import write


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--letters", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="generate into (or reuse) this folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        letters = args.keep or Path(scratch, "letters")
        if not (letters / "truth.jsonl").exists():
            started = time.perf_counter()
            write(letters, args.letters, seed=2026)
            print(f"generated {args.letters} synthetic letters in {time.perf_counter() - started:.0f} s")
        size = sum(f.stat().st_size for f in letters.glob("*.txt"))
        home = Path(scratch, "home")
        started = time.perf_counter()
        run = subprocess.run([sys.executable, "-m", "imr", "ingest", str(letters), "--home", str(home)],
                             capture_output=True, text=True, check=True)
        seconds = time.perf_counter() - started
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(run.stderr.strip().splitlines()[-1])
    print(f"letters: {args.letters} ({size / 1e6:.0f} MB of text), cores: {os.cpu_count()}")
    print(f"wall time (whole command, start-up included): {seconds:.1f} s = {args.letters / seconds:.0f} letters/s "
          f"(target >= 5000)")
    print(f"peak resident memory of the largest process: {children.ru_maxrss / 1024:.0f} MB (target < 1024)")
    print(f"CPU: {children.ru_utime + children.ru_stime:.1f} s = "
          f"{(children.ru_utime + children.ru_stime) / args.letters * 1000:.2f} ms a letter")


if __name__ == "__main__":
    main()
