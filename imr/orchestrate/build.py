"""`imr build`: the marts built by dbt on an engine (`engines`) and served."""

from __future__ import annotations

from pathlib import Path

from imr.home import Home
from imr.orchestrate.engines import Build, DuckDBEngine, engine


def build(home: Path, quiet: bool = False, target: str = DuckDBEngine.name) -> Build:
    """Build and serve the marts of `home` on the engine `target`; BuildError when it cannot."""
    return engine(target, Home(home)).build(quiet=quiet)
