"""What a publication was built from, as one digest: the dbt project's files (models, seeds,
macros, tests, profiles), the expectation suites, the parser's version, and the raw letters and
letters set aside as they stood. A refresh whose digest equals the last publication's has
nothing to build: the served file already is what a build would make.

The raw part reads two aggregates (a count and an XOR of row hashes), which change with every
letter loaded, re-parsed (its parser_version), set aside or released, and never with a file met
again; the files part reads a few hundred small files.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

import expectations
from imr.home import Home
from imr.project import PROJECT_FILE, dbt_project_dir
from ingest.parse import PARSER_VERSION

# dbt's own output inside the project folder: not an input of a build.
_NOT_INPUTS = {"target", "logs", "dbt_packages", "__pycache__", ".user.yml", ".pytest_cache"}

_RAW_STATE = """
select
    (select count(*) from raw.letters),
    (select coalesce(bit_xor(hash(sha256, parser_version)), 0) from raw.letters),
    (select count(*) from raw.set_aside),
    (select coalesce(bit_xor(hash(sha256, reason, released_at)), 0) from raw.set_aside)
"""


def fingerprint(home: Path) -> str:
    """The digest of what a build of `home` would read now (see the module's docstring)."""
    project = dbt_project_dir()
    suites = Path(expectations.__file__).parent
    files = [(project, project / PROJECT_FILE), (project, project / "profiles.yml")]
    files += [(project, path) for path in _files(project / "dbt_project")] + [(suites, path) for path in _files(suites)]
    digest = hashlib.sha256(f"parser {PARSER_VERSION}\n".encode())
    for root, path in files:
        digest.update(f"{path.relative_to(root).as_posix()}\n".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    with duckdb.connect(str(Home(home).raw), read_only=True) as con:
        digest.update(repr(con.execute(_RAW_STATE).fetchall()).encode())
    return digest.hexdigest()


def _files(folder: Path) -> list[Path]:
    """The files under `folder` that a build reads, in a stable order (dbt's output left out)."""
    return sorted(path for path in folder.rglob("*") if path.is_file() and not _NOT_INPUTS.intersection(path.relative_to(folder).parts))
