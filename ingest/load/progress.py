"""Progress bars for long runs, shown only on a terminal.

tqdm is imported only when a bar is shown: it reads its own package metadata when imported, at
the start of a run, when the workers wait for their first files.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from typing import Protocol


class Bar(Protocol):
    def update(self, n: float | None = 1) -> bool | None: ...


class _NoBar:
    def update(self, n: float | None = 1) -> None:
        """Nothing to show."""


def progress(total: int, unit: str, desc: str, quiet: bool) -> AbstractContextManager[Bar]:
    """A bar counting to `total`, or one that shows nothing when `quiet`."""
    if quiet:
        return nullcontext(_NoBar())
    from tqdm import tqdm

    return tqdm(total=total, unit=unit, desc=desc)
