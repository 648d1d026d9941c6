"""What every engine offers a build: where its marts are served, where dbt's artifacts go, and
`build()`. One class per engine (`duckdb`, `spark`), as dbt-duckdb's `environments` do."""

from __future__ import annotations

import os
import subprocess
from abc import ABC, abstractmethod
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from imr.home import Home
from imr.orchestrate.dbt import run_dbt, run_results


class BuildError(RuntimeError):
    """The build could not run or dbt failed; on DuckDB the served warehouse file is untouched."""


@dataclass(frozen=True)
class Build:
    """One build of a home: the engine, where its marts are (`live`), where it wrote before they
    were (`staged`, DuckDB only), dbt's artifacts, and what dbt did."""

    home: Path
    engine: str
    live: Path
    artifacts: Path
    staged: Path | None = None
    results: Counter[str] = field(default_factory=Counter)  # e.g. {"model success": 18, "test pass": 97}

    def summary(self) -> str:
        """What dbt did, e.g. "18 model success, 97 test pass"."""
        return ", ".join(f"{count} {result}" for result, count in sorted(self.results.items()))

    def publish(self) -> None:
        """Move the staged file over the live one in one rename: readers see the old file or the new."""
        assert self.staged is not None
        os.replace(self.staged, self.live)


class Engine(ABC):
    """The dbt target a warehouse home builds on."""

    name: ClassVar[str]  # the profile's target

    def __init__(self, home: Home) -> None:
        self.home = home

    @property
    @abstractmethod
    def live(self) -> Path:
        """Where the built marts are served."""

    @property
    @abstractmethod
    def artifacts(self) -> Path:
        """dbt's target folder, one per engine: a build on one keeps the other's manifest."""

    @abstractmethod
    def build(self, quiet: bool = False) -> Build:
        """Build the marts: aside (`Build.staged`) where the engine can, else in place."""

    def describe(self) -> str:
        """Where the marts are, for a summary line."""
        return f"in {self.live}"

    def dbt(self, *args: str, database: Path | None = None, quiet: bool = False) -> subprocess.CompletedProcess[str]:
        return run_dbt(self.home, *args, target=self.name, artifacts=self.artifacts, database=database, quiet=quiet)

    def _dbt_build(self, build: Build, quiet: bool, on_failure: str, *args: str) -> Build:
        """dbt build into `build`, its results counted; BuildError (with dbt's output when quiet) on failure."""
        result = self.dbt("build", *args, database=build.staged, quiet=quiet)
        build.results.update(run_results(self.artifacts))
        if result.returncode != 0:
            tail = (result.stdout or "")[-3000:] if quiet else ""
            raise BuildError(f"dbt build on {self.name} failed (exit {result.returncode}); {on_failure}\n{tail}")
        return build

    def require_raw(self) -> None:
        """BuildError unless the home has a raw database to build from."""
        if not self.home.raw.exists():
            raise BuildError(f"{self.home.raw}: no raw database here; run `imr ingest` first")
