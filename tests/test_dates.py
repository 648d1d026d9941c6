"""Dates in the forms letters write them."""

from __future__ import annotations

import pytest

from ingest.parse.dates import to_iso


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
    assert to_iso(written) == iso


@pytest.mark.parametrize("text", ["", "no date here", "13/45/2016", "February 30, 2016"])
def test_no_valid_date(text: str) -> None:
    assert to_iso(text) is None
