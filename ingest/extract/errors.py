"""The one error extraction raises, with a `kind` that becomes the file's quarantine reason."""

from __future__ import annotations


class ExtractError(ValueError):
    """A file whose text cannot be had; `kind` names the reason."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
