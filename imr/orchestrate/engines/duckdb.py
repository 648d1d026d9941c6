"""DuckDB: dbt builds a new file beside the served one, which replaces it by a rename only once
the build succeeded and validated (imr.orchestrate.build): readers never see a half-built file."""

from __future__ import annotations

from pathlib import Path

import duckdb

from imr.orchestrate.dbt import invocation_id
from imr.orchestrate.engines.base import Build, BuildError, Engine
from imr.serve.warehouse import prepare_for_readers

# From this many letters a build runs one dbt node at a time: the heavy models (millions of items
# and citations) then need DuckDB's whole memory cap, and two side by side spill (BENCHMARKS.md).
ONE_THREAD_FROM_LETTERS = 500_000


class DuckDBEngine(Engine):
    name = "duckdb"

    @property
    def live(self) -> Path:
        return self.home.served

    @property
    def artifacts(self) -> Path:
        return self.home.dbt_artifacts

    def build(self, quiet: bool = False) -> Build:
        """dbt build into the home's staged file, then made ready for readers (no view that needs
        the build's attached raw catalog; the build's id inside); the served file is not touched."""
        self.require_raw()
        staged = self.home.staged
        staged.parent.mkdir(parents=True, exist_ok=True)
        for leftover in (staged, staged.with_name(staged.name + ".wal")):
            leftover.unlink(missing_ok=True)  # every build starts from an empty file, whatever a killed one left
        build = Build(self.home.root, self.name, self.live, self.artifacts, staged=staged)
        self._dbt_build(build, quiet, f"{self.live} is unchanged", *self.threads())
        prepare_for_readers(staged, build_id=invocation_id(self.artifacts))
        return build

    def threads(self) -> list[str]:
        """dbt's --threads: one from ONE_THREAD_FROM_LETTERS letters, else the profile's."""
        try:
            with duckdb.connect(str(self.home.raw), read_only=True) as con:
                row = con.execute("select count(*) from raw.letters").fetchone()
        except duckdb.Error as error:
            raise BuildError(f"{self.home.raw}: cannot read the raw database ({error})") from None
        letters = row[0] if row else 0
        return ["--threads", "1"] if letters >= ONE_THREAD_FROM_LETTERS else []
