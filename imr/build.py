"""`imr build`: dbt builds the warehouse file beside the live one, which is replaced only once
the build succeeded, so readers never see a half-built file.

dbt runs in a child process: dbt-duckdb keeps its connection open in the process that ran it,
and the built file must be free before it is moved into place.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
WAREHOUSE_FILE = "imr.duckdb"
BUILD_DIR = "build"


class BuildError(RuntimeError):
    """dbt failed; the live warehouse file is untouched."""


@dataclass(frozen=True)
class Build:
    """Where one build writes, and where its result goes."""

    home: Path

    @property
    def staged(self) -> Path:
        return self.home / BUILD_DIR / WAREHOUSE_FILE

    @property
    def live(self) -> Path:
        return self.home / WAREHOUSE_FILE


def dbt(home: Path, *args: str, database: Path | None = None, quiet: bool = False) -> subprocess.CompletedProcess[str]:
    """Run a dbt command of this project against the warehouse under `home`."""
    env = {
        **os.environ,
        "IMR_HOME": str(home.absolute()),
        "IMR_BUILD_DATABASE": str((database or home / WAREHOUSE_FILE).absolute()),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_TARGET_PATH": str(PROJECT_DIR / "target"),
        "DBT_LOG_PATH": str(PROJECT_DIR / "target" / "logs"),
    }
    command = [str(Path(sys.executable).with_name("dbt")), *args,
               "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR)]
    return subprocess.run(command, env=env, capture_output=quiet, text=True, check=False)


def build(home: Path, quiet: bool = False) -> Build:
    """dbt build into home/build/imr.duckdb, then swap it into home/imr.duckdb atomically."""
    target = Build(home)
    if not (home / "ingest.duckdb").exists():
        raise BuildError(f"{home / 'ingest.duckdb'}: no raw database here; run `imr ingest` first")
    target.staged.parent.mkdir(parents=True, exist_ok=True)
    for leftover in (target.staged, target.staged.with_name(WAREHOUSE_FILE + ".wal")):
        leftover.unlink(missing_ok=True)  # every build starts from an empty file
    result = dbt(home, "build", database=target.staged, quiet=quiet)
    if result.returncode != 0:
        tail = (result.stdout or "")[-3000:] if quiet else ""
        raise BuildError(f"dbt build failed (exit {result.returncode}); {target.live} is unchanged\n{tail}")
    publish(target)
    return target


def publish(target: Build) -> None:
    """Move the staged file over the live one (a rename: readers see the old file or the new one)."""
    os.replace(target.staged, target.live)
