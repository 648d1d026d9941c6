"""The one error a letter's text can raise, with a `kind` that becomes its quarantine reason."""

from __future__ import annotations


class ParseError(ValueError):
    """The text is not a letter that can be parsed; `kind` names why (empty, truncated, ...)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
