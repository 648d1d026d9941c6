"""`python -m imr` is the `imr` command."""

from imr.cli import main

main()
