"""`imr build`: the marts built by dbt on an engine (`engines`) and served."""

from __future__ import annotations

from pathlib import Path

from imr.home import Home
from imr.orchestrate.engines import Build, DuckDBEngine, engine


def build(home: Path, quiet: bool = False, target: str = DuckDBEngine.name, lake: str | None = None) -> Build:
    """Build and serve the marts of `home` on the engine `target` (on Spark, from `lake` if given);
    BuildError when it cannot."""
    return engine(target, Home(home), lake).build(quiet=quiet)
