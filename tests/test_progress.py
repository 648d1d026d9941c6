"""Progress bars: shown on a terminal, and costing nothing (not even tqdm's import) elsewhere."""

from __future__ import annotations

import subprocess

from tests.helpers import run_python


def _run(quiet: bool) -> subprocess.CompletedProcess[str]:
    script = (
        "import sys\n"
        "from ingest.load.progress import progress\n"
        f"with progress(3, 'file', 'ingest', quiet={quiet}) as bar:\n"
        "    for _ in range(3):\n"
        "        bar.update(1)\n"
        "print('tqdm' in sys.modules)\n"
    )
    return run_python(script)


def test_a_quiet_run_shows_nothing_and_never_imports_tqdm() -> None:
    result = _run(quiet=True)
    assert result.stdout.strip() == "False" and result.stderr == ""


def test_a_shown_bar_counts_to_its_total() -> None:
    result = _run(quiet=False)
    assert result.stdout.strip() == "True"
    assert "ingest: 100%" in result.stderr and "3/3" in result.stderr
