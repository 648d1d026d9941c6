"""`python -m imr` and the `imr` script.

Small on purpose: multiprocessing's spawn re-runs the `imr` script in every ingest worker, so
whatever the script imports at the top, each worker imports too. The CLI is imported only when
the command runs.
"""

from __future__ import annotations


def main() -> None:
    from imr.cli import main as cli

    cli()


if __name__ == "__main__":
    main()
