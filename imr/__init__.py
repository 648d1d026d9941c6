"""The `imr` command: a thin CLI over the ingest library."""
