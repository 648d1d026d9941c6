"""The compact sets an ingest run identifies files with."""

from __future__ import annotations

import hashlib

import duckdb
import pyarrow as pa
import pytest

from ingest.load.known import LETTER_KEY_SQL, SIGHTING_KEY_SQL, KnownKeys, letter_key, sighting_key


def _identity(key: bytes) -> bytes:
    return key


def test_finds_exactly_the_stored_keys_whatever_their_order_and_bytes() -> None:
    same_high = [bytes(8) + bytes([i]) * 8 for i in (3, 1, 2)]  # differ only in the low half
    zero_tail = [b"\x01" + bytes(15), b"\x01" + bytes(14) + b"\x02"]  # trailing zero bytes count
    top = [b"\xff" * 16]  # beyond int64: compared as unsigned
    stored = same_high + zero_tail + top
    known = KnownKeys(pa.chunked_array([stored[:2], stored[2:]], pa.binary()), _identity)
    assert all(key in known for key in stored)
    near_misses = [bytes(8) + b"\x04" * 8, b"\x01" + bytes(14) + b"\x01", b"\xff" * 15 + b"\xfe", bytes(16)]
    assert not any(key in known for key in near_misses)
    assert len(known) == len(stored)
    sliced = KnownKeys(pa.array([b"x" * 16, *stored], pa.binary())[1:], _identity)  # a view into a bigger array
    assert all(key in sliced for key in stored) and b"x" * 16 not in sliced


def test_values_added_in_a_run_count_until_discarded() -> None:
    known: KnownKeys[bytes] = KnownKeys(pa.chunked_array([], pa.binary()), _identity)  # no stored rows: no chunks
    key = b"k" * 16
    assert key not in known
    known.add(key)
    assert key in known and len(known) == 1
    known.discard(key)
    assert key not in known


def test_rejects_keys_that_are_not_16_bytes() -> None:
    with pytest.raises(ValueError, match="16 bytes"):
        KnownKeys(pa.array([b"short"]), _identity)


def test_python_and_sql_keys_agree() -> None:
    rows = [(hashlib.sha256(name.encode()).hexdigest(), f"/letters/{name}") for name in ("a.pdf", "Señor ñ.txt")]
    with duckdb.connect() as con:
        con.execute("create table t (sha256 varchar, source_path varchar)")
        con.executemany("insert into t values (?, ?)", rows)
        letters = KnownKeys(con.sql(f"select {LETTER_KEY_SQL} from t").to_arrow_table().column(0), letter_key)
        sightings = KnownKeys(con.sql(f"select {SIGHTING_KEY_SQL} from t").to_arrow_table().column(0), sighting_key)
    assert all(sha in letters for sha, _ in rows)
    assert all(row in sightings for row in rows)
    assert (rows[0][0], rows[1][1]) not in sightings


def test_claim_is_true_once_for_a_new_key_and_never_for_a_stored_one() -> None:
    stored, new = b"\x01" * 16, b"\x02" * 16
    known = KnownKeys(pa.array([stored], pa.binary()), _identity)
    assert known.claim(stored) is False
    assert known.claim(new) is True
    assert known.claim(new) is False and new in known
