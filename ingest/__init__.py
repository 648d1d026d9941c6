"""Letters in, contract records out: text extraction, the letter parser and (later) the loader."""

PARSER_VERSION = "1.3.0"
