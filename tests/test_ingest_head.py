"""The head of a run: its first files, read, hashed and sent to the workers before the parent
knows what the warehouse holds, and dropped when that bet is lost."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from ingest.extract.files import MAX_FILE_SIZE, sha256_of
from ingest.load import pipeline
from ingest.load.head import HEAD_CHUNKS, Head, send_head
from ingest.load.pool import WorkerPool
from ingest.outcomes import Quarantined
from tests.helpers import query, run_python


@pytest.fixture
def cancelled(monkeypatch: pytest.MonkeyPatch) -> list[Head]:
    """Every head whose bet was lost in a run."""
    lost: list[Head] = []
    original = Head.cancel

    def recording(self: Head) -> None:
        lost.append(self)
        original(self)

    monkeypatch.setattr(Head, "cancel", recording)
    return lost


def _copy_and_dangling_link(letters: Path) -> Path:
    """A copy of the first letter and a link to nothing, named to come first in the run; the letter copied."""
    first = min(letters.glob("CM99-*.txt"))
    (letters / "00-copy.txt").write_bytes(first.read_bytes())
    (letters / "00-gone.txt").symlink_to(letters / "missing.txt")
    return first


def test_the_head_sends_each_content_once_and_keeps_what_it_found(letters_dir: Path) -> None:
    first = _copy_and_dangling_link(letters_dir)
    files = pipeline.discover([letters_dir]).files
    with WorkerPool(2, len(files), len(files)) as pool:
        head = send_head(pool, files, MAX_FILE_SIZE)
        tables = [result.result().tables() for _, result in head.results]
    assert len(head.results) == HEAD_CHUNKS * 2
    copy, gone, original = head.found[:3]
    assert files[2] == str(first) and copy == original == sha256_of(first.read_bytes())
    assert isinstance(gone, Quarantined) and gone.kind == "unreadable"
    sent = pa.concat_tables([part.letters for part in tables]).column("source_path").to_pylist()
    assert str(first) not in sent and files[0] in sent  # the copy came first, the original is not sent again
    found = [sha for sha in head.found if isinstance(sha, str)]
    assert len(sent) == len(set(found)) == len(head.sent) == len(found) - 1


def test_a_won_bet_loads_every_file_once(letters_dir: Path, tmp_path: Path, cancelled: list[Head]) -> None:
    _copy_and_dangling_link(letters_dir)
    summary = pipeline.ingest([letters_dir], tmp_path / "home")
    c = summary.counts
    assert (c.loaded, c.duplicates, c.quarantined, c.kinds["unreadable"]) == (120, 1, 1, 1)
    assert cancelled == []
    assert query(tmp_path / "home", "select count(*), count(distinct sha256) from raw.letters") == [(120, 120)]
    assert query(tmp_path / "home", "select count(*) from raw.sources") == [(121,)]  # the copy's path too


def test_a_head_of_stored_files_is_dropped_and_its_files_counted_once(letters_dir: Path, tmp_path: Path, cancelled: list[Head]) -> None:
    home = tmp_path / "home"
    files = pipeline.discover([letters_dir]).files
    pipeline.ingest([Path(path) for path in files[:5]], home)
    summary = pipeline.ingest([letters_dir], home)
    assert (summary.counts.loaded, summary.counts.duplicates) == (115, 5)
    assert len(cancelled) == 1
    assert query(home, "select count(*), count(distinct sha256) from raw.letters") == [(120, 120)]
    items = "select count(*), count(distinct (sha256, ordinal)) from raw.items"
    assert query(home, items)[0][0] == query(home, items)[0][1]


def test_a_head_holding_a_quarantined_file_is_dropped(letters_dir: Path, tmp_path: Path, cancelled: list[Head]) -> None:
    home = tmp_path / "home"
    (letters_dir / "00-broken.pdf").write_bytes(b"%PDF-1.4 nothing else")
    assert pipeline.ingest([letters_dir / "00-broken.pdf"], home).counts.quarantined == 1
    summary = pipeline.ingest([letters_dir], home)
    assert (summary.counts.loaded, summary.counts.known_bad) == (120, 1)
    assert len(cancelled) == 1
    assert query(home, "select count(*) from raw.quarantine") == [(1,)]


def test_the_head_is_sent_before_the_parent_imports_duckdb_pyarrow_or_the_parser(letters_dir: Path, tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "import ingest.load.pool\n"
        "def submit(self, function, chunk):\n"
        "    print(function.__module__, sorted(m for m in ('duckdb', 'pyarrow', 'ingest.parse') if m in sys.modules))\n"
        "    raise SystemExit(0)\n"
        "ingest.load.pool.WorkerPool.submit = submit\n"
        "from imr.cli import main\n"
        "main(['ingest', sys.argv[1], '--home', sys.argv[2]])\n"
    )
    assert run_python(script, letters_dir, tmp_path / "home").stdout.strip() == "ingest.load.head []"
