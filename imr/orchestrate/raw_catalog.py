"""A dbt-duckdb plugin (profiles.yml, target `duckdb`): the raw tables as the catalog the sources
name, however dbt was started.

`imr build` always has a raw database (it refuses to build without one). dbt run by hand from the
repository root may not: in a fresh clone there is no `$IMR_HOME/ingest.duckdb`, and an attach of
a missing file fails before dbt runs anything. Then the catalog holds the raw tables empty, made
from the loader's own DDL, and the models and tests build on no letters.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dbt.adapters.duckdb.credentials import DuckDBCredentials
from dbt.adapters.duckdb.plugins import BasePlugin
from dbt.adapters.events.logging import AdapterLogger
from duckdb import DuckDBPyConnection

from imr.home import Home
from ingest.load.schema import ddl

logger = AdapterLogger("imr")


class Plugin(BasePlugin):
    def initialize(self, plugin_config: dict[str, Any]) -> None:
        self.catalog = plugin_config["catalog"]  # the sources' database: var('raw_database')

    def update_connection_config(self, creds: DuckDBCredentials, config: dict[str, Any]) -> None:
        """The folder of the file dbt writes exists (./warehouse is not in a fresh clone)."""
        if creds.path and creds.path != ":memory:":
            Path(creds.path).parent.mkdir(parents=True, exist_ok=True)

    def configure_connection(self, conn: DuckDBPyConnection) -> None:
        raw = Home.from_env().raw
        if raw.exists():
            conn.execute(f"attach '{_quoted(raw)}' as {self.catalog} (read_only)")
            return
        logger.warning(f"{raw}: no raw database here (run `imr ingest`); building on empty raw tables")
        current = conn.execute("select current_database()").fetchall()[0][0]
        conn.execute(f"attach ':memory:' as {self.catalog}")
        conn.execute(f"use {self.catalog}")
        conn.execute(ddl())
        conn.execute(f'use "{current}"')


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")
