"""The header table as each extractor lays it out gives the same fields."""

from __future__ import annotations

import pytest

from ingest.parse.header import parse_header
from ingest.parse.text import split_lines

EXPECTED = {
    "case_number": "CM16-0213037",
    "date_assigned": "2016-11-09",
    "decision_date": "2016-12-09",
    "priority": "Standard",
    "date_of_injury": "2016-10-13",
    "ur_denial_date": "2016-11-03",
    "application_received": "2016-11-04",
}

LAYOUT = """\
Case Number:          CM16-0213037
Date Assigned:        11/09/2016                      Date of Injury:      10/13/2016
Decision Date:        12/09/2016                      UR Denial Date:      11/03/2016
Priority:             Standard                        Application          11/04/2016
                                                      Received:
"""
COLUMNS = """\
Case Number:
Date Assigned:
Decision Date:
Priority:

CM16-0213037
11/09/2016
12/09/2016
Standard

Date of Injury:
UR Denial Date:
Application
Received:

10/13/2016
11/03/2016
11/04/2016
"""
INTERLEAVED = (
    "Case Number: CM16-0213037\r\nDate Assigned: 11/09/2016 Date of Injury: 10/13/2016\r\n"
    "Decision Date: 12/09/2016 UR Denial Date: 11/03/2016\r\nPriority: Standard Application \r\n"
    "Received: \r\n11/04/2016\r\n"
)


@pytest.mark.parametrize("text", [LAYOUT, COLUMNS, INTERLEAVED], ids=["layout", "columns", "interleaved"])
def test_every_extractor_layout(text: str) -> None:
    assert parse_header(split_lines(text)) == EXPECTED


def test_missing_header_is_all_none() -> None:
    assert set(parse_header([]).values()) == {None}


def test_label_without_value_stays_empty() -> None:
    text = "Date Assigned:        Date of Injury:      10/13/2016\nDecision Date: 12/09/2016\n"
    fields = parse_header(split_lines(text))
    assert fields["date_assigned"] is None
    assert fields["date_of_injury"] == "2016-10-13"
    assert fields["decision_date"] == "2016-12-09"


def test_expedited_priority() -> None:
    assert parse_header(["Priority: Expedited"])["priority"] == "Expedited"
