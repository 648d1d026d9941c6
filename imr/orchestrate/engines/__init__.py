"""The engines the marts build on, one class each behind `Engine`: `DuckDBEngine` (the default,
one file swapped in whole) and `SparkEngine` (the same models in a Spark catalog)."""

from imr.home import Home
from imr.orchestrate.engines.base import Build, BuildError, Engine
from imr.orchestrate.engines.duckdb import DuckDBEngine
from imr.orchestrate.engines.spark import SparkEngine

ENGINES: dict[str, type[Engine]] = {engine.name: engine for engine in (DuckDBEngine, SparkEngine)}


def engine(name: str, home: Home, lake: str | None = None) -> Engine:
    """The engine the profile's target `name` builds on; on Spark, from the Parquet tables of `lake` if given."""
    if lake is not None:
        if name != SparkEngine.name:
            raise BuildError(f"a lake is read by the {SparkEngine.name} target only, not {name}")
        return SparkEngine(home, lake)
    return ENGINES[name](home)


__all__ = ["ENGINES", "Build", "BuildError", "DuckDBEngine", "Engine", "SparkEngine", "engine"]
