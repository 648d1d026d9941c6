"""Letters set aside: a letter with a row failing a row-level check (expectations.rows) stays in
raw, is listed with its reasons in `raw.set_aside`, and is left out of the marts (stg_imr__letters)
until a person releases it; the other letters publish.

`check` runs before every build. It judges the letters loaded or reparsed since the last
publication and the letters already set aside: a new failure is recorded, a failure that is gone
(a reparse fixed the letter) is dropped, a released failure stays released. A letter that passed
once cannot fail later (the checks' bounds only widen with time), so older letters are not read
again. `release` lets a set-aside letter into the next build; it is not set aside again for the
reasons released, but is for any new one.
"""

from __future__ import annotations

import datetime as dt
import getpass
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from expectations.rows import Relations, RowCheck, RowPart, row_parts
from imr.home import Home
from imr.quoting import sql_string
from ingest.clock import utc_now
from ingest.load.schema import REFUSED_ON_REPARSE, ddl
from ingest.load.store import open_raw

# The rows `check` judges: every raw row, or temp views limited to the letters in scope (a join
# that costs more than it saves when every letter is in scope).
_ALL = Relations("raw.letters", "raw.items", "raw.citations", "raw.items")
_CHECKED = Relations("checked_letters", "checked_items", "checked_citations", "raw.items")
SHOWN_VALUES = 3  # offending values quoted per letter and reason
LIST_COLUMNS = ["case_number", "sha256", "source_file", "reason", "detail", "set_aside_at", "released_at", "released_by", "release_note"]


@dataclass(frozen=True)
class Checked:
    """What a check found: letters left out of the build, newly set aside, no longer failing."""

    held: int
    new: int
    fixed: int


class NotSetAside(LookupError):
    """The letter named is not set aside (or names several documents)."""


def check(home: Path, loaded_since: dt.datetime | None, today: dt.date | None = None) -> Checked:
    """Judge the letters of `home` loaded or reparsed by ingest runs started at or after
    `loaded_since` (all when None), and those set aside before; record the failures in raw.set_aside."""
    parts = row_parts(today or dt.date.today())
    with _raw_for_writing(home) as con:
        con.execute(
            "create temp table checked as "
            "with loads as (select load_id from raw.ingest_runs where cast(? as timestamp) is null or started_at >= ?) "
            "select sha256 from raw.letters where load_id in (select load_id from loads) "
            "union select sha256 from raw.items where load_id in (select load_id from loads) "
            "union select sha256 from raw.set_aside",
            [loaded_since, loaded_since],
        )
        for relation, table in ((_CHECKED.letters, "letters"), (_CHECKED.items, "items"), (_CHECKED.citations, "citations")):
            con.execute(f"create temp view {relation} as select * from raw.{table} where sha256 in (select sha256 from checked)")
        relations = _ALL if loaded_since is None else _CHECKED
        found: dict[tuple[str, str], str] = {}
        for part in parts.values():
            found.update(_failures(con, part, relations))
        return _record(con, found)


def _failures(con: duckdb.DuckDBPyConnection, part: RowPart, relations: Relations) -> dict[tuple[str, str], str]:
    """(sha256, reason) -> detail for every letter with a row of `part` failing a check."""
    failed = ", ".join(f"not {rule.passes()}" for rule in part.checks)
    shown = ", ".join(_shown(rule) for rule in part.checks)
    passes = " and ".join(rule.passes() for rule in part.checks)
    rows = con.execute(f"select sha256, [{failed}], [{shown}] from ({part.sql(relations)}) where not ({passes})").fetchall()
    values: dict[tuple[str, str], set[str]] = defaultdict(set)
    rules = {rule.reason: rule.rule() for rule in part.checks}
    for sha256, flags, texts in rows:
        for rule, flag, text in zip(part.checks, flags, texts):
            if flag:
                values[(sha256, rule.reason)].add(text)
    return {key: _detail(sorted(texts), rules[key[1]]) for key, texts in values.items()}


def _shown(rule: RowCheck) -> str:
    """SQL of the text quoting a row's values of the columns `rule` reads: "patient_age=7"."""
    return " || ', ' || ".join(f"{sql_string(column + '=')} || coalesce(cast({column} as varchar), 'null')" for column in rule.columns())


def _detail(values: list[str], rule: str) -> str:
    more = f" and {len(values) - SHOWN_VALUES} more" if len(values) > SHOWN_VALUES else ""
    return f"{'; '.join(values[:SHOWN_VALUES])}{more} (wanted: {rule})"


def _record(con: duckdb.DuckDBPyConnection, found: dict[tuple[str, str], str]) -> Checked:
    """raw.set_aside brought in line with `found` for the checked letters, in one transaction."""
    keys = list(found)
    con.execute(
        "create temp table found as select unnest(cast(? as varchar[])) as sha256, unnest(cast(? as varchar[])) as reason, "
        "unnest(cast(? as varchar[])) as detail",
        [[sha for sha, _ in keys], [reason for _, reason in keys], list(found.values())],
    )
    con.execute("begin transaction")
    try:
        fixed = _count(
            con,
            "delete from raw.set_aside where sha256 in (select sha256 from checked) and reason <> ? and not exists "
            "(select 1 from found where found.sha256 = set_aside.sha256 and found.reason = set_aside.reason) returning sha256",
            [REFUSED_ON_REPARSE],  # the reparse that refused a letter, not a row check, lifts that reason
        )
        con.execute(
            "update raw.set_aside set detail = found.detail from found "
            "where set_aside.sha256 = found.sha256 and set_aside.reason = found.reason"
        )
        new = _count(
            con,
            "insert into raw.set_aside (sha256, case_number, reason, detail, set_aside_at) "
            "select sha256, (select any_value(case_number) from raw.letters where letters.sha256 = found.sha256), reason, detail, ? "
            "from found where not exists "
            "(select 1 from raw.set_aside where set_aside.sha256 = found.sha256 and set_aside.reason = found.reason) returning sha256",
            [utc_now()],
        )
        held = con.execute("select count(distinct sha256) from raw.set_aside where released_at is null").fetchall()[0][0]
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return Checked(held=held, new=new, fixed=fixed)


def _count(con: duckdb.DuckDBPyConnection, sql: str, parameters: list[Any] | None = None) -> int:
    """Distinct letters a statement `... returning sha256` touched."""
    return len({row[0] for row in con.execute(sql, parameters or []).fetchall()})


def listing(home: Path, include_released: bool = False) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The set-aside letters of `home`, one row per letter and reason (with `include_released`,
    the released ones too), as (column names, rows)."""
    raw = Home(home).raw
    if not raw.exists():
        raise FileNotFoundError(f"{raw}: no raw database here; run `imr ingest` first")
    with duckdb.connect(str(raw), read_only=True) as con:
        if not con.execute("select count(*) from duckdb_tables() where schema_name = 'raw' and table_name = 'set_aside'").fetchall()[0][0]:
            return LIST_COLUMNS, []  # no build has judged these letters yet
        rows = con.execute(
            "select s.case_number, s.sha256, (select any_value(source_file) from raw.letters l where l.sha256 = s.sha256), "
            "s.reason, s.detail, s.set_aside_at, s.released_at, s.released_by, s.release_note "
            "from raw.set_aside s where ? or s.released_at is null order by s.set_aside_at, s.case_number, s.sha256, s.reason",
            [include_released],
        ).fetchall()
    return LIST_COLUMNS, rows


def release(home: Path, key: str, note: str, by: str | None = None) -> tuple[str, str | None, list[str]]:
    """Let the set-aside letter `key` (its SHA-256 or case number) into the next build: every
    reason it is held for is marked released, with `note` and who released it (`by`, default
    the user). Returns (sha256, case number, reasons released); NotSetAside when `key` names no
    held letter or several documents."""
    if not Home(home).raw.exists():
        raise FileNotFoundError(f"{Home(home).raw}: no raw database here; run `imr ingest` first")
    with _raw_for_writing(home) as con:
        held = con.execute(
            "select distinct sha256, case_number from raw.set_aside where released_at is null and (sha256 = ? or case_number = ?)",
            [key, key],
        ).fetchall()
        if not held:
            raise NotSetAside(f"no letter held under {key}: `imr aside list` shows the letters set aside (`--all`: released ones too)")
        if len(held) > 1:
            raise NotSetAside(
                f"{key} names {len(held)} set-aside documents; release each by its SHA-256: {', '.join(sha for sha, _ in held)}"
            )
        sha256, case_number = held[0]
        reasons = con.execute(
            "update raw.set_aside set released_at = ?, released_by = ?, release_note = ? "
            "where sha256 = ? and released_at is null returning reason",
            [utc_now(), by or getpass.getuser(), note, sha256],
        ).fetchall()
    return sha256, case_number, sorted(reason for (reason,) in reasons)


@contextmanager
def _raw_for_writing(home: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The raw database, opened to write, with every table the loader makes (set_aside among them)."""
    path = Home(home).raw
    try:
        con = open_raw(path, memory_limit="1GB")
    except duckdb.IOException as error:
        raise RuntimeError(f"{path}: cannot open the raw database for writing ({error})") from None
    try:
        con.execute(ddl())
        yield con
    finally:
        con.close()
