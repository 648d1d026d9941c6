"""Progress bars: shown on a terminal, and costing nothing (not even tqdm's import) elsewhere."""

from __future__ import annotations

import subprocess

import pytest

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


def test_dbt_on_a_terminal_counts_its_nodes_and_keeps_its_output(capsys: pytest.CaptureFixture[str]) -> None:
    import sys

    from imr.orchestrate.dbt import _with_bar

    lines = ["Found 3 models", "1 of 1 START hook: on-run-start", "1 of 1 OK hook: on-run-start", "1 of 3 START model a"]
    lines += ["1 of 3 OK created sql table model a", "2 of 3 PASS not_null_a_id", "3 of 3 ERROR creating model c", "Done."]
    script = "import sys\nfor line in sys.argv[1:]: print(line)\nsys.exit(1)"
    result = _with_bar([sys.executable, "-c", script, *lines], {}, "dbt build")
    assert result.returncode == 1 and result.stdout.splitlines() == lines  # kept whole for a failure's message
    shown = capsys.readouterr().err
    assert "dbt build: 100%" in shown and "3/3" in shown  # three nodes done; the hook's "1 of 1" not counted
