"""The worker side of an ingest run, as a spawned worker runs it."""

from __future__ import annotations

import subprocess
import sys
from importlib import resources

from tests.helpers import run_python

SEED = str(resources.files("imr.data").joinpath("seed-letter.txt"))


def test_a_worker_builds_arrow_rows_without_importing_numpy_or_pandas() -> None:
    # pyarrow would import numpy at once (0.08 s a worker) and pandas (0.4 s) to check whether a
    # list is a DataFrame.
    script = (
        "import os, sys\n"
        "from ingest.load.pool import _start_worker\n"
        "_start_worker(os.getppid())\n"
        "from ingest.load.workers import process_files\n"
        f"result = process_files([({SEED!r}, 'f' * 64, None)])\n"
        "tables = result.tables()\n"
        "print(tables.letters.num_rows, tables.items.num_rows > 0, 'pandas' in sys.modules, 'numpy' in sys.modules)\n"
    )
    assert run_python(script).stdout.split() == ["1", "True", "False", "False"]


def test_rows_come_back_as_the_tables_the_worker_built() -> None:
    from ingest.load.rows import from_ipc, letter_tables, to_ipc
    from ingest.process import process_file

    loaded = [process_file(SEED, "a" * 64), process_file(SEED, "b" * 64)]
    built = letter_tables(loaded)
    back = from_ipc(to_ipc(built))
    for name in ("letters", "items", "citations"):
        assert getattr(back, name).equals(getattr(built, name)), name
    assert back.letters.column("sha256").to_pylist() == ["a" * 64, "b" * 64]


def test_a_worker_keeps_freed_heap_instead_of_giving_it_back_to_the_kernel() -> None:
    # pdfium frees most of a PDF's memory when it closes it: given back and faulted in again, that
    # was 7% of the extraction's CPU. A block below MMAP_ABOVE comes from the heap and stays there.
    script = (
        "import ctypes, os\n"
        "from ingest.load.pool import _start_worker\n"
        "from ingest.load.workers import MMAP_ABOVE\n"
        "_start_worker(os.getppid())\n"
        "names = 'arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks keepcost'.split()\n"
        "Info = type('Info', (ctypes.Structure,), {'_fields_': [(n, ctypes.c_size_t) for n in names]})\n"
        "libc = ctypes.CDLL('libc.so.6')\n"
        "libc.mallinfo2.restype, libc.malloc.restype = Info, ctypes.c_void_p\n"
        "before = libc.mallinfo2()\n"
        "block = libc.malloc(MMAP_ABOVE // 2)\n"
        "during = libc.mallinfo2()\n"
        "libc.free(ctypes.c_void_p(block))\n"
        "after = libc.mallinfo2()\n"
        "print(during.hblkhd == before.hblkhd, after.arena >= before.arena + MMAP_ABOVE // 2)\n"
    )
    assert run_python(script).stdout.split() == ["True", "True"]


def test_a_worker_whose_parent_is_gone_exits_as_it_starts() -> None:
    # Its parent killed before the worker could ask to die with it, the worker was left to another
    # process, waiting for work forever (tests/test_ingest_killed.py kills whole runs).
    script = "import os\nfrom ingest.load.pool import _start_worker\n_start_worker(os.getppid() + 1)\nprint('still here')\n"
    orphan = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert (orphan.returncode, orphan.stdout, orphan.stderr) == (1, "", "")
