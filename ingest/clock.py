"""Times and run ids as every run record stores them: UTC, naive (DuckDB TIMESTAMP), sortable."""

from __future__ import annotations

import datetime as dt
import uuid


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def new_run_id() -> str:
    """The start time to the second, then a random suffix: sorts by time, unique across machines."""
    return utc_now().strftime("%Y%m%dT%H%M%SZ-") + uuid.uuid4().hex[:8]
