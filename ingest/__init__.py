"""Letters in, contract records out: text extraction, the letter parser and (later) the loader."""

PARSER_VERSION = "1.4.0"
# Rows per row group of the raw tables. Every checkpoint rewrites a table's last, partly filled
# row group: at DuckDB's default (122,880 rows) that is every letter of a 100k-letter load, again
# at each checkpoint, and the loader's inserts cost 0.145 ms a letter instead of 0.053. A setting
# of the connection, not of the file: every connection that writes must open it with ingest.loader.open_raw.
# Here, not in the loader: the pipeline reads it before it imports DuckDB.
ROW_GROUP_SIZE = 8192
