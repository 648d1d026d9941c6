"""What a Spark run reads: the files under its roots as Spark lists them, and the order in which
the DuckDB ingest would meet them (`order_key`), so that both engines give the same rows.

Folders are listed recursively for .pdf and .txt (the suffixes of `ingest.load.pipeline`, in any
case, hidden names included); files named on the command line are read whatever their suffix, as
`imr ingest` reads them. Hadoop's listing of a local folder leaves out links to nothing, which the
DuckDB ingest quarantines as unreadable, and must not open a FIFO or a device, which it records as
not_a_regular_file: `unlisted` finds both.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ingest.load.pipeline import SUFFIXES

# Spark's pathGlobFilter for the suffixes in any case: "*.{[pP][dD][fF],[tT][xX][tT]}".
GLOB = "*.{" + ",".join("".join(f"[{c.lower()}{c.upper()}]" for c in suffix.lstrip(".")) for suffix in SUFFIXES) + "}"
# A URL Spark gives to the path the raw tables store: "file:/a b/c.pdf" (binaryFile's `path`) and
# "file:///a%20b/c.pdf" (a listing, once decoded) to "/a b/c.pdf"; other file systems keep their URL.
LOCAL_PATH_SQL = "regexp_replace({}, '^file:(//)?', '')"


def is_local(path: str) -> bool:
    """Whether a path in the tables' form is on the local file system (not a URL)."""
    return path.startswith("/")


@dataclass(frozen=True)
class Roots:
    """The folders and files a run was given, as qualified URLs (`hdfs://nn:8020/x`, `file:/x`),
    and each in the tables' form (for order_key): folders nested in another given folder are
    left out, since Spark lists each file once."""

    folders: list[str]
    files: list[str]
    order: list[str]  # every root in the tables' form, in the order given

    @classmethod
    def of(cls, given: Sequence[tuple[str, bool]]) -> Roots:
        """From (qualified URL, is a folder) pairs, in the order given."""
        order = [local_form(url) for url, _ in given]
        folders = [url for url, folder in given if folder]
        top = [url for index, url in enumerate(folders) if url not in folders[:index] and not any(_inside(url, other) for other in folders)]
        files = [url for url, folder in given if not folder and not any(_inside(url, other) for other in top)]
        return cls(top, list(dict.fromkeys(files)), order)

    def local_folders(self) -> list[str]:
        return [path for path in map(local_form, self.folders) if is_local(path)]


def local_form(url: str) -> str:
    """Python's twin of LOCAL_PATH_SQL, for the roots (a handful)."""
    for prefix in ("file://", "file:"):
        if url.startswith(prefix) and url[len(prefix) :].startswith("/"):
            return url[len(prefix) :]
    return url


def _inside(path: str, folder: str) -> bool:
    return path.startswith(folder.rstrip("/") + "/")


def order_key(path: str, roots: list[str]) -> str:
    """A key that sorts files as `ingest.load.pipeline.discover` meets them: the roots in the order
    given, then in each folder its files by name before its sub-folders by name. The first file met
    of a run's copies of the same bytes gives the letter its source_path."""
    for index, root in enumerate(roots):
        if path == root:
            return f"{index:05d}\x000{os.path.basename(path)}"
        if _inside(path, root):
            *folders, name = path[len(root.rstrip("/")) + 1 :].split("/")
            return f"{index:05d}\x00" + "\x00".join([*("1" + folder for folder in folders), "0" + name])
    return f"{len(roots):05d}\x00{path}"


def unlisted(folder: str) -> Iterator[str]:
    """What a local folder holds under a letter's suffix that Hadoop's listing leaves out or must
    not open: links to nothing, and FIFOs, sockets and devices (links to folders are not
    followed, as in the DuckDB ingest). Each gets the DuckDB ingest's reason from the executor."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            yield from unlisted(entry.path)
        elif entry.name.lower().endswith(SUFFIXES) and not entry.is_file():  # is_file() follows links: false for a link to nothing
            yield entry.path


def named(path: str | Path) -> str:
    """A root as given: a URL as is, a local path made absolute (Spark's working folder may differ)."""
    text = str(path)
    return text if "://" in text or text.startswith("file:") else os.path.abspath(text)
