"""Where the dbt project is: the repository root in a clone (dbt_project.yml, profiles.yml and
dbt_project/ beside the packages), or the copy a wheel carries inside `imr` (`imr/dbt`, put
there by setup.py), so an installed `imr` builds from any folder."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
PROJECT_FILE = "dbt_project.yml"


@cache
def dbt_project_dir() -> Path:
    """The folder holding dbt_project.yml and profiles.yml."""
    for candidate in (_PACKAGE.parent, _PACKAGE / "dbt"):
        if (candidate / PROJECT_FILE).is_file():
            return candidate
    raise FileNotFoundError(f"no {PROJECT_FILE} beside {_PACKAGE} nor inside it: the installation is incomplete")


def seed(name: str) -> Path:
    """A seed's CSV file (a rule set or vocabulary that Python reads too)."""
    return dbt_project_dir() / "dbt_project" / "seeds" / f"{name}.csv"
