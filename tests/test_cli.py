"""`imr parse` and `imr demo` as a user runs them: a real process, stdout, stderr, exit code."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from imr.home import Home
from tests.helpers import run_python


def _imr(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "imr", *args], capture_output=True, text=True, check=False)


def test_demo_parses_the_seed_and_ingests_synthetic_letters(tmp_path: Path) -> None:
    result = _imr("demo", "--home", str(tmp_path / "home"), "--letters", "40")
    assert result.returncode == 0, result.stderr
    assert "40 SYNTHETIC letters" in result.stderr
    assert "40 files: 40 loaded" in result.stderr
    assert Home(tmp_path / "home").raw.exists()
    assert Home(tmp_path / "home").served.exists()
    assert "overturn rates of the SYNTHETIC letters" in result.stderr
    record = json.loads(result.stdout)
    assert record["source_file"] == "seed-letter.txt"
    assert len(record["sha256"]) == 64
    assert [item["decision"] for item in record["items"]] == ["upheld", "overturned"]


def test_parse_prints_jsonl_in_input_order_and_reports_failures(tmp_path: Path, seed_text: str) -> None:
    first = tmp_path / "first.txt"
    first.write_text(seed_text, encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("caf\u00e9 letter".encode("latin-1"))
    second = tmp_path / "second.txt"
    second.write_text(seed_text.replace("\n", "\r\n"), encoding="utf-8")

    result = _imr("parse", str(first), str(empty), str(latin1), str(second))

    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert [json.loads(line)["source_file"] for line in lines] == ["first.txt", "second.txt"]
    errors = result.stderr.splitlines()
    assert any(str(empty) in line and "empty" in line for line in errors)
    assert any(str(latin1) in line and "UTF-8" in line for line in errors)
    assert errors[-1] == "imr parse: 2 parsed, 2 failed"


def test_parse_succeeds_when_every_file_parses(tmp_path: Path, seed_text: str) -> None:
    letter = tmp_path / "letter.txt"
    letter.write_text(seed_text, encoding="utf-8")
    result = _imr("parse", str(letter))
    assert result.returncode == 0
    assert json.loads(result.stdout)["patient_age"] == 63


def test_build_and_ingest_offer_the_engines_imr_knows() -> None:
    from imr.cli import main
    from imr.orchestrate.engines import ENGINES

    for command, name in (("build", "target"), ("ingest", "engine")):
        option = next(option for option in main.commands[command].params if option.name == name)
        assert list(option.type.choices) == list(ENGINES) and option.default == "duckdb", command


def test_ingest_spawns_its_workers_before_importing_duckdb_pyarrow_or_the_parser(tmp_path: Path) -> None:
    # So that the workers' imports and the parent's overlap (0.25 s each).
    (tmp_path / "letters").mkdir()
    script = (
        "import sys\n"
        "import ingest.load.pool\n"
        "def spawn(self, *args):\n"
        "    print(sorted(m for m in ('duckdb', 'pyarrow', 'ingest.parse') if m in sys.modules))\n"
        "    raise SystemExit(0)\n"
        "ingest.load.pool.WorkerPool.__init__ = spawn\n"
        "from imr.cli import main\n"
        "main(['ingest', sys.argv[1], '--home', sys.argv[2]])\n"
    )
    result = run_python(script, tmp_path / "letters", tmp_path / "home")
    assert result.stdout.strip() == "[]"


def test_the_parent_of_an_ingest_run_never_imports_pandas(tmp_path: Path) -> None:
    # pyarrow imports it for some calls (ChunkedArray.combine_chunks of the stored keys): 0.34 s
    # of the parent's CPU as the workers start. A later run reads stored keys, a first one none.
    from ingest.load.pool import IN_PROCESS_BELOW
    from ingest.synth import write

    write(tmp_path / "letters", IN_PROCESS_BELOW, seed=3)  # enough for worker processes
    script = (
        "import sys\n"
        "from imr.cli import main\n"
        "for _ in range(2):\n"
        "    try:\n"
        "        main(['ingest', sys.argv[1], '--home', sys.argv[2]])\n"
        "    except SystemExit as exit:\n"
        "        assert not exit.code, exit.code\n"
        "print('pandas' in sys.modules)\n"
    )
    result = run_python(script, tmp_path / "letters", tmp_path / "home")
    assert f"{IN_PROCESS_BELOW} loaded" in result.stderr and f"{IN_PROCESS_BELOW} duplicates" in result.stderr
    assert result.stdout.strip() == "False"
