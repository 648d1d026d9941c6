"""The home's lock: every command that writes a warehouse home holds it while it runs.

One `flock` on `Home.lock`, taken by ingest, build, refresh, validate, docs, demo, report (when
it writes into the home) and `imr aside release`: two writers never share the build files, the
raw database or the served file. A second writer waits up to its `wait` seconds, then gives up
with `Busy` (exit status 3) having changed nothing. The kernel drops the lock when the process
dies; ingest workers are spawned and dbt runs with close_fds, so no child keeps it. Re-entrant
within a process: a refresh holds it and the build it runs takes it again freely.

A home on a read-only file system has no writer to keep out: the command goes on without the
lock and fails at its first write, naming that file (docs/ingest.md).
"""

from __future__ import annotations

import errno
import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import IO

from imr.home import Home

POLL_SECONDS = 0.1
_held: set[Path] = set()  # the homes this process holds, by resolved path


class Busy(RuntimeError):
    """Another command is writing the same home."""


@contextmanager
def exclusive(home: Path, command: str, wait: float = 0.0) -> Iterator[None]:
    """Hold `home`'s lock while the block runs (the home created if need be), waiting up to `wait`
    seconds for it; `command` names the holder for the message a waiting writer prints."""
    key = home.absolute().resolve()
    if key in _held:
        yield
        return
    path = Home(home).lock
    with _opened(path) as lock:
        if lock is None:
            yield
            return
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise Busy(f"{home} is busy: {_holder(path)} is writing it; nothing was done (retry, or pass --wait SECONDS)") from None
                time.sleep(POLL_SECONDS)
        lock.truncate(0)
        lock.write(f"imr {command} (pid {os.getpid()})\n")
        lock.flush()
        _held.add(key)
        try:
            yield
        finally:
            _held.discard(key)
            lock.truncate(0)


def _opened(path: Path) -> IO[str] | nullcontext[None]:
    """The lock file opened to lock and write, or nothing on a read-only file system."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return open(path, "a+")
    except OSError as error:
        if error.errno == errno.EROFS:
            return nullcontext()
        raise


def _holder(path: Path) -> str:
    """What the lock file says holds it (a holder writes its name once it has the lock)."""
    try:
        return path.read_text().strip() or "another command"
    except OSError:
        return "another command"
