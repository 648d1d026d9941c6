"""What the refresh tests (tests/refresh/) read of a home: its files, its served fact table's rows,
its refreshes' outcomes; and the command run as a scheduler runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb

from imr.home import Home


def files_of(home: Home) -> tuple[Path, Path, Path]:
    return home.raw, home.served, home.operations


def imr_process(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "imr", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def served_count(home: Path) -> int:
    with duckdb.connect(str(Home(home).served), read_only=True) as con:
        return con.execute("select count(*) from marts.fct_imr_decisions").fetchall()[0][0]


def outcomes(home: Path) -> list[str]:
    with duckdb.connect(str(Home(home).operations), read_only=True) as con:
        return [row[0] for row in con.execute("select outcome from ops.refresh_runs order by started_at").fetchall()]
