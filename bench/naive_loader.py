"""The loader a newcomer would write: one process reads, parses and INSERTs each row on its own
(executemany of single rows, no Arrow, no batches), into the same raw tables as `imr ingest`.
It is the baseline the text ingest benchmark compares against.

    python -m bench.naive_loader FOLDER HOME
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

from imr.home import Home
from ingest.extract.files import sha256_of
from ingest.load.schema import TABLES, ddl
from ingest.parse import parse_letter
from ingest.record import CITATION_LISTS

_LETTER_COLUMNS = tuple(column.name for column in TABLES["letters"])


def load(folder: Path, home: Path) -> int:
    """Load every .txt letter of `folder` row by row; returns how many."""
    home.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(Home(home).raw))
    con.execute(ddl())
    count = 0
    for path in sorted(folder.glob("*.txt")):
        data = path.read_bytes()
        text = data.decode("utf-8")
        record = parse_letter(text, source_file=path.name, sha256=sha256_of(data))
        row = {
            **record,
            "source_path": str(path),
            "file_size": len(data),
            "full_text": text,
            "parser_version": "naive",
            "load_id": "naive",
            "loaded_at": "2026-01-01 00:00:00",
        }
        con.execute(
            f"insert into raw.letters ({', '.join(_LETTER_COLUMNS)}) values ({', '.join('?' * len(_LETTER_COLUMNS))})",
            [row[column] for column in _LETTER_COLUMNS],
        )
        for item in record["items"]:
            con.execute(
                "insert into raw.items values (?, ?, ?, ?, ?, ?, ?)",
                [
                    record["sha256"],
                    item["ordinal"],
                    item["treatment"],
                    item["original_request"],
                    item["decision"],
                    item["rationale"],
                    "naive",
                ],
            )
            for party, key in CITATION_LISTS.items():
                for number, citation in enumerate(item[key], start=1):
                    con.execute(
                        "insert into raw.citations values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [
                            record["sha256"],
                            item["ordinal"],
                            party,
                            number,
                            citation["source"],
                            citation["family"],
                            citation["title"],
                            citation["year"],
                            citation["sections"],
                            citation["text"],
                            "naive",
                        ],
                    )
        count += 1
    con.close()
    return count


if __name__ == "__main__":
    print(load(Path(sys.argv[1]), Path(sys.argv[2])))
