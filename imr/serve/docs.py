"""`imr docs`: the dbt docs site (models, columns, lineage) as one file that opens offline."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from imr.home import Home
from imr.orchestrate.engines import BuildError, DuckDBEngine
from imr.serve.warehouse import served


def generate_docs(home: Path) -> Path:
    """The dbt docs site as one static HTML file (models, columns, lineage), generated from a copy
    of the served warehouse so the served file is never opened for writing. Returns its path."""
    source = served(home)
    paths = Home(home)
    paths.docs_dir.mkdir(parents=True, exist_ok=True)
    engine = DuckDBEngine(paths)
    with tempfile.TemporaryDirectory(dir=home) as scratch:
        copy = Path(scratch, source.name)
        shutil.copyfile(source, copy)
        result = engine.dbt("docs", "generate", "--static", database=copy, quiet=True)
        if result.returncode != 0:
            raise BuildError(f"dbt docs generate failed:\n{result.stdout[-2000:]}")
    shutil.copyfile(engine.artifacts / "static_index.html", paths.dbt_docs)
    return paths.dbt_docs
