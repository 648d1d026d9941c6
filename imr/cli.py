"""`imr`: parse letters (and, as the warehouse grows, ingest, build and serve them)."""

from __future__ import annotations

import json
import sys
from importlib import resources
from pathlib import Path

import click

from ingest.extract import sha256_of, text_of
from ingest.letters import Failure, parse_file
from ingest.parser import parse_letter

SEED_LETTER = "seed-letter.txt"


@click.group()
@click.version_option(package_name="imr-warehouse")
def main() -> None:
    """A warehouse of California IMR Final Determination Letters."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def parse(paths: tuple[Path, ...]) -> None:
    """Print each letter's record as one JSON line, in input order.

    A file that cannot be parsed gets a one-line error on stderr; the others still print,
    and the exit status is 1.
    """
    failures = 0
    for path in paths:
        result = parse_file(path)
        if isinstance(result, Failure):
            failures += 1
            click.echo(f"imr parse: {result}", err=True)
        else:
            click.echo(json.dumps(result, ensure_ascii=False))
    click.echo(f"imr parse: {len(paths) - failures} parsed, {failures} failed", err=True)
    if failures:
        sys.exit(1)


@main.command()
def demo() -> None:
    """Parse the bundled seed letter and print its record (no real letters needed)."""
    data = resources.files("imr.data").joinpath(SEED_LETTER).read_bytes()
    record = parse_letter(text_of(SEED_LETTER, data), source_file=SEED_LETTER, sha256=sha256_of(data))
    click.echo(json.dumps(record, indent=2, ensure_ascii=False))
