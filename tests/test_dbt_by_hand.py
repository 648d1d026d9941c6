"""dbt run by hand from the repository root, as a dbt user runs it (docs/warehouse.md): in a fresh
clone, `dbt build`, `dbt test` and `dbt docs generate` work on empty raw tables; with IMR_HOME
set, they build the home's development file and leave the served one alone, even while a reader
holds it."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from imr.home import Home
from tests.helpers import copy_warehouse

ROOT = Path(__file__).resolve().parents[1]
DBT = Path(sys.executable).with_name("dbt")


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository as a fresh clone of this working tree has it: its files that git tracks or
    would track (not ignored), nothing built, no warehouse."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT, capture_output=True, check=True
    ).stdout
    target = tmp_path_factory.mktemp("clone")
    for name in filter(None, listed.decode().split("\0")):
        if (ROOT / name).is_file():  # a tracked file deleted in the working tree is not in the clone
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    return target


def _dbt(clone: Path, *args: str, home: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`dbt ARGS --profiles-dir .` in `clone`, with IMR_HOME set to `home` or not set at all."""
    env = {name: value for name, value in os.environ.items() if not name.startswith(("IMR_HOME", "IMR_BUILD_", "DBT_"))}
    if home is not None:
        env["IMR_HOME"] = str(home)
    return subprocess.run([str(DBT), *args, "--profiles-dir", "."], cwd=clone, env=env, capture_output=True, text=True, check=False)


def test_build_test_and_docs_generate_work_in_a_fresh_clone(clone: Path) -> None:
    outputs = {}
    for command in (["build"], ["test"], ["docs", "generate"]):
        result = _dbt(clone, *command)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        outputs[command[0]] = result.stdout
    assert "no raw database here" in outputs["build"]  # said, not silent
    home = Home(clone / "warehouse")
    with duckdb.connect(str(home.dev), read_only=True) as con:
        assert con.execute("select count(*) from marts.fct_imr_decisions").fetchall() == [(0,)]
    assert not home.served.exists() and not home.raw.exists()
    assert (clone / "target" / "catalog.json").exists()


def test_build_with_imr_home_writes_the_development_file_not_the_served_one(
    clone: Path, synthetic_warehouse: tuple[Path, list[dict]], tmp_path: Path
) -> None:
    home = copy_warehouse(synthetic_warehouse[0], tmp_path / "home")
    served = Home(home).served
    before = hashlib.sha256(served.read_bytes()).hexdigest()
    reader = duckdb.connect(str(served), read_only=True)  # a BI tool holding the served file
    try:
        result = _dbt(clone, "build", home=home)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        served_count = reader.execute("select count(*) from marts.fct_imr_decisions").fetchall()
    finally:
        reader.close()
    assert hashlib.sha256(served.read_bytes()).hexdigest() == before
    with duckdb.connect(str(Home(home).dev), read_only=True) as con:
        assert con.execute("select count(*) from marts.fct_imr_decisions").fetchall() == served_count
