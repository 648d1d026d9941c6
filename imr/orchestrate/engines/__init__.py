"""The engines the marts build on, one class each behind `Engine`: `DuckDBEngine` (the default,
one file swapped in whole) and `SparkEngine` (the same models in a Spark catalog)."""

from imr.home import Home
from imr.orchestrate.engines.base import Build, BuildError, Engine
from imr.orchestrate.engines.duckdb import DuckDBEngine
from imr.orchestrate.engines.spark import SparkEngine

ENGINES: dict[str, type[Engine]] = {engine.name: engine for engine in (DuckDBEngine, SparkEngine)}


def engine(name: str, home: Home) -> Engine:
    """The engine the profile's target `name` builds on."""
    return ENGINES[name](home)


__all__ = ["ENGINES", "Build", "BuildError", "DuckDBEngine", "Engine", "SparkEngine", "engine"]
