"""The letter parser: a letter's text to its record (`ingest.record`), or a ParseError whose
kind says why it cannot be read. A pure function of the text: no files, no database, so every
layout fix is a change here with a test beside it, and workers can call it in parallel.

`letter` assembles the record from the sections `layouts` finds; `header`, `summary`, `items`
and `citations` read one section each; `dates`, `states` and `text` are their shared vocabulary.
"""

from ingest.parse.errors import ParseError
from ingest.parse.letter import parse_letter

# Stored with every loaded letter; `imr ingest --reparse` re-reads letters of another version.
PARSER_VERSION = "1.5.0"

__all__ = ["PARSER_VERSION", "ParseError", "parse_letter"]
