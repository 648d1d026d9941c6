"""Dates in the forms letters write them."""

from __future__ import annotations

import pytest

from ingest.parse.dates import to_iso
from ingest.parse.errors import ParseError


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("8-13-13", "2013-08-13"),
        ("10/13/2016", "2016-10-13"),
        ("October 13, 2016", "2016-10-13"),
        ("November 02, 2016", "2016-11-02"),
        ("Dec. 9 2016", "2016-12-09"),
        ("10/14/ 2016", "2016-10-14"),
        ("10-28- 2016", "2016-10-28"),
        ("3-21-99", "1999-03-21"),
        ("on 11-3-16, utilization review", "2016-11-03"),
    ],
)
def test_written_forms(written: str, iso: str) -> None:
    assert to_iso(written, "decision_date") == iso


@pytest.mark.parametrize("text", ["", "no date here", "pain 8/10", "Norco 10/325"])
def test_no_date(text: str) -> None:
    assert to_iso(text, "decision_date") is None


@pytest.mark.parametrize("text", ["13/45/2016", "02/30/2017", "00/10/2016", "February 30, 2016", "2-29-17"])
def test_impossible_date_is_refused(text: str) -> None:
    with pytest.raises(ParseError, match=f"decision_date '{text}' is not a calendar date") as error:
        to_iso(text, "decision_date")
    assert error.value.kind == "bad_date"
