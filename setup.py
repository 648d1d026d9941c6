"""The dbt project (dbt_project.yml, profiles.yml, dbt_project/) sits at the repository root, where
dbt users run it; a wheel carries a copy inside `imr` (`imr/dbt`), which `imr.project` finds
when there is no source tree around the installed package. Everything else is in pyproject.toml."""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
DBT_FILES = ("dbt_project.yml", "profiles.yml")
DBT_FOLDER = "dbt_project"
IGNORED = shutil.ignore_patterns("target", "logs", "dbt_packages", "__pycache__")


class BuildWithDbtProject(build_py):
    """build_py, then the dbt project copied into the built `imr` package."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return  # an editable install runs the project where it is
        target = Path(self.build_lib) / "imr" / "dbt"
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        for name in DBT_FILES:
            shutil.copy2(ROOT / name, target / name)
        shutil.copytree(ROOT / DBT_FOLDER, target / DBT_FOLDER, ignore=IGNORED)


setup(cmdclass={"build_py": BuildWithDbtProject})
