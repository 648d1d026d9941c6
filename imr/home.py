"""A warehouse home (`--home`, `IMR_HOME`): the one place that names its files.

Every package (ingest, the dbt runs, expectations, serving), the tests and the benchmarks find a
home's files through `Home`, so a file is renamed here or nowhere.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_HOME = "warehouse"
# The storage version of every DuckDB file a home hands to readers (the served marts, the run
# records): BI tools embed older DuckDBs, and DuckDB 1.1 and later read files written for v1.1.0.
# profiles.yml says the same for the dbt build (a test holds the two equal).
STORAGE_VERSION = "v1.1.0"


@dataclass(frozen=True)
class Home:
    """The folder holding one warehouse, and the path of each of its files."""

    root: Path

    def __init__(self, root: Path | str) -> None:
        object.__setattr__(self, "root", Path(root))

    @classmethod
    def from_env(cls) -> Home:
        """The home `IMR_HOME` names, else ./warehouse (what the CLI and dbt's profile default to)."""
        return cls(os.environ.get("IMR_HOME") or DEFAULT_HOME)

    # Raw: what `imr ingest` writes. Not raw.duckdb: DuckDB names a file's catalog after the file,
    # and a catalog `raw` holding a schema `raw` makes `raw.letters` ambiguous.
    @property
    def raw(self) -> Path:
        return self.root / "ingest.duckdb"

    # Served: what analysts and BI tools open (schema marts), replaced whole by a rename.
    @property
    def served(self) -> Path:
        return self.root / "imr.duckdb"

    # Run records: refreshes and expectation results (its catalog name differs from schema ops).
    @property
    def operations(self) -> Path:
        return self.root / "operations.duckdb"

    @property
    def lock(self) -> Path:
        """Held by every command that writes the home (`imr.orchestrate.lock`)."""
        return self.root / "refresh.lock"

    @property
    def dev(self) -> Path:
        """What dbt run by hand builds (profiles.yml's default): a developer's file, never served."""
        return self.root / "dev.duckdb"

    @property
    def build_dir(self) -> Path:
        return self.root / "build"

    @property
    def staged(self) -> Path:
        """Where a DuckDB build writes, before it is validated and renamed over `served`."""
        return self.build_dir / "imr.duckdb"

    @property
    def dbt_artifacts(self) -> Path:
        """dbt's target folder for DuckDB builds (run_results.json, manifest, logs)."""
        return self.build_dir / "dbt"

    @property
    def report(self) -> Path:
        return self.root / "report.html"

    @property
    def validation_page(self) -> Path:
        """The latest validation's results as one page that opens offline (`imr.serve.validation`)."""
        return self.root / "validation.html"

    @property
    def docs_dir(self) -> Path:
        return self.root / "docs"

    @property
    def dbt_docs(self) -> Path:
        return self.docs_dir / "dbt-docs.html"

    # Spark: the same models built by `imr build --target spark`; profiles.yml names these folders too.
    @property
    def spark(self) -> Path:
        return self.root / "spark"

    @property
    def spark_raw(self) -> Path:
        """The raw tables as Parquet, one folder each, as the Spark sources read them."""
        return self.spark / "raw"

    @property
    def spark_warehouse(self) -> Path:
        return self.spark / "warehouse"

    @property
    def spark_artifacts(self) -> Path:
        return self.spark / "dbt"

    @property
    def synthetic_letters(self) -> Path:
        """Where `imr demo` writes its SYNTHETIC letters."""
        return self.root / "synthetic-letters"
