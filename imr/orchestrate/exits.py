"""How a command that writes a home ends: its exit status, documented in docs/refresh.md."""

from __future__ import annotations

from enum import IntEnum


class Exit(IntEnum):
    """The process exit status of `imr refresh` (and of `imr build` and the other writers where they apply)."""

    PUBLISHED = 0
    FAILED = 1  # an unexpected error, or the home cannot be written; the served file is unchanged
    BUSY = 3  # another command holds the home's lock; nothing was done
    INGEST_FAILED = 4  # the raw database could not be opened or written (held, damaged, disk full)
    BUILD_FAILED = 5  # dbt build or a dbt test failed; not published
    VALIDATION_FAILED = 6  # a critical expectation failed; not published
    POSTGRES_FAILED = 7  # published, but the PostgreSQL copy could not follow; the next refresh retries it
