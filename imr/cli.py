"""`imr`: the warehouse's commands, a thin layer over the library (`ingest`, `imr.orchestrate`,
`imr.serve`, `expectations`) that the tests call too.

Each command imports its library when it runs, so a command pays only for what it uses, and
`imr ingest` spawns its workers before it imports DuckDB and pyarrow (ingest.load.pipeline)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import click

from imr.home import DEFAULT_HOME, Home
from ingest.load import pipeline

SEED_LETTER = "seed-letter.txt"

home_option = click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="IMR_HOME",
    default=DEFAULT_HOME,
    show_default=True,
    help="Folder holding the warehouse's files (or IMR_HOME).",
)
workers_option = click.option(
    "--workers", type=click.IntRange(min=0), default=None, help="Worker processes (default: one per core; 0 or 1: in this process)."
)


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
    from ingest.process import Failure, parse_file

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
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@home_option
@workers_option
@click.option("--strict", is_flag=True, help="Exit non-zero when any file met is quarantined.")
@click.option("--reparse", "reparse_stale", is_flag=True, help="Re-parse the stored text of letters loaded by an older parser version.")
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=pipeline.BATCH_SIZE,
    show_default=True,
    help="Letters per transaction (a batch is also written after twice as many files).",
)
@click.option(
    "--engine",
    type=click.Choice(["duckdb", "spark"]),
    default="duckdb",
    show_default=True,
    help="Load into the raw database under --home, or with Apache Spark into the Parquet tables of --lake (docs/ingest.md).",
)
@click.option("--lake", help="With --engine spark: the folder or URL (s3a://, abfss://, hdfs://) of the raw tables.")
@click.option("--master", help="With --engine spark: Spark's master URL (default: Spark's own settings, else local[*]).")
@click.option("--conf", "spark_conf", multiple=True, metavar="KEY=VALUE", help="With --engine spark: a Spark setting (repeatable).")
def ingest(
    paths: tuple[Path, ...],
    home: Path,
    workers: int | None,
    strict: bool,
    reparse_stale: bool,
    batch_size: int,
    engine: str,
    lake: str | None,
    master: str | None,
    spark_conf: tuple[str, ...],
) -> None:
    """Load letters (files or folders, .pdf and .txt) into the raw database under --home, or into a lake on Spark."""
    if not paths and not reparse_stale:
        raise click.UsageError("give files or folders to ingest, or --reparse")
    if (engine == "spark") != (lake is not None) or (engine != "spark" and (master or spark_conf)):
        raise click.UsageError("--engine spark needs --lake; --lake, --master and --conf go with --engine spark")
    if engine == "spark" and reparse_stale:
        raise click.UsageError("--reparse works on the DuckDB engine only")
    try:
        if paths:
            summary = (
                _ingest_lake(paths, lake, master, spark_conf)
                if lake
                else pipeline.ingest(paths, home, workers=workers, batch_size=batch_size)
            )
            click.echo(f"imr ingest: {summary}", err=True)
            if strict and summary.counts.quarantined + summary.counts.known_bad:
                sys.exit(1)
        if reparse_stale:
            summary = pipeline.reparse(home, workers=workers, batch_size=batch_size)
            for failure in summary.failures:
                click.echo(f"imr ingest --reparse: kept the old record, the new parser fails: {failure}", err=True)
            click.echo(f"imr ingest --reparse: {summary}", err=True)
    except (RuntimeError, FileNotFoundError) as error:
        raise click.ClickException(str(error)) from None


def _ingest_lake(paths: tuple[Path, ...], lake: str, master: str | None, pairs: tuple[str, ...]) -> pipeline.RunSummary:
    """The Spark engine, imported only when used (pyspark is an extra)."""
    from ingest import lake as spark_lake

    return spark_lake.ingest(paths, lake, master, _settings(pairs))


def _settings(pairs: tuple[str, ...]) -> dict[str, str]:
    """--conf KEY=VALUE pairs as a dict."""
    settings = {}
    for pair in pairs:
        key, equals, value = pair.partition("=")
        if not equals or not key:
            raise click.BadParameter(f"{pair!r} is not KEY=VALUE", param_hint="--conf")
        settings[key.strip()] = value
    return settings


@main.command()
@home_option
@click.option("--quiet", is_flag=True, help="Print dbt's output only when it fails.")
@click.option(
    "--target",
    type=click.Choice(["duckdb", "spark"]),
    default="duckdb",
    show_default=True,
    help="The engine: DuckDB, or the same models on Apache Spark (README: Moving to Spark).",
)
@click.option("--lake", help="With --target spark: build from the raw tables of this lake (`imr ingest --engine spark`), not --home's.")
def build(home: Path, quiet: bool, target: str, lake: str | None) -> None:
    """Build the marts with dbt: into --home/imr.duckdb (built aside, then swapped in), or on Spark under --home/spark."""
    from imr.orchestrate.engines import BuildError, engine

    try:
        chosen = engine(target, Home(home), lake)
        result = chosen.build(quiet=quiet)
    except BuildError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"imr build: marts published {chosen.describe()} (schema marts); dbt: {result.summary()}", err=True)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@home_option
@workers_option
@click.option(
    "--stale-after",
    type=click.IntRange(min=1),
    default=14,
    show_default=True,
    help="Report the sources stale when no new letter arrived for more days than this.",
)
def refresh(paths: tuple[Path, ...], home: Path, workers: int | None, stale_after: int) -> None:
    """Ingest, build, validate and publish: what a scheduler runs. Exit status: docs/refresh.md."""
    from imr.orchestrate.refresh import Exit, RefreshBusy
    from imr.orchestrate.refresh import refresh as run_refresh

    try:
        report = run_refresh(list(paths), home, stale_after_days=stale_after, workers=workers)
    except RefreshBusy as error:
        click.echo(f"imr refresh: {error}", err=True)
        sys.exit(int(Exit.BUSY))
    click.echo(f"imr {report.summary()}", err=True)
    sys.exit(int(report.outcome))


@main.command()
@home_option
@click.option("--no-docs", is_flag=True, help="Skip writing the Great Expectations Data Docs.")
def validate(home: Path, no_docs: bool) -> None:
    """Run every expectation suite on the warehouse; exit 1 on any critical failure."""
    from expectations.runner import validate as run_suites  # Great Expectations is slow to import: only here

    try:
        report = run_suites(home, docs=not no_docs)
    except FileNotFoundError as error:
        raise click.ClickException(str(error)) from None
    click.echo(report.table())
    click.echo(
        f"imr validate: run {report.run_id}: {len(report.critical_failures)} critical failures, "
        f"{len(report.warnings)} warnings; results in {Home(home).operations}"
        + ("" if no_docs else f", Data Docs in {Home(home).data_docs}"),
        err=True,
    )
    if not report.ok:
        sys.exit(1)


@main.command()
@home_option
@click.option(
    "--parquet",
    "parquet_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write one Parquet file per mart into (with --raw: one folder per raw table).",
)
@click.option("--raw", is_flag=True, help="Export the raw tables instead, as Spark reads them (README: Moving to Spark).")
def export(home: Path, parquet_dir: Path, raw: bool) -> None:
    """Write every mart of the served warehouse, or every raw table, as Parquet."""
    from imr.serve.export import export_parquet
    from ingest.load.export import raw_parquet

    try:
        written = raw_parquet(home, parquet_dir) if raw else export_parquet(home, parquet_dir)
    except FileNotFoundError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"imr export: {len(written)} {'raw tables' if raw else 'marts'} written to {parquet_dir}", err=True)


@main.command()
@home_option
@click.option("--postgres", "url", required=True, help="PostgreSQL URL, e.g. postgresql://user@host/db.")
@click.option("--schema", default="marts", show_default=True, help="Schema the marts go into.")
@click.option("--reader-role", default="imr_reader", show_default=True, help="Read-only role BI tools use.")
def publish(home: Path, url: str, schema: str, reader_role: str) -> None:
    """Copy the served marts into PostgreSQL in one transaction; grant the reader role SELECT only."""
    import psycopg

    from imr.serve.publish import publish_postgres

    try:
        copied = publish_postgres(home, url, schema=schema, reader_role=reader_role)
    except (FileNotFoundError, psycopg.Error) as error:
        raise click.ClickException(str(error).strip()) from None
    click.echo(
        f"imr publish: {len(copied)} marts ({sum(copied.values())} rows) in schema {schema}; role {reader_role} may read them", err=True
    )


@main.command()
@click.argument("statement", required=False)
@home_option
@click.option("--csv", "fmt", flag_value="csv", help="CSV on stdout.")
@click.option("--json", "fmt", flag_value="json", help="One JSON object per row on stdout.")
def sql(statement: str | None, home: Path, fmt: str | None) -> None:
    """Read-only SQL on the served warehouse (no STATEMENT: an interactive prompt; end with ';')."""
    import duckdb

    from imr.serve.sql import query, render

    statements = [statement] if statement else _prompt_statements()
    for text in statements:
        try:
            columns, rows = query(home, text)
        except FileNotFoundError as error:
            raise click.ClickException(str(error)) from None
        except duckdb.Error as error:
            if statement:
                raise click.ClickException(str(error)) from None
            click.echo(f"error: {error}", err=True)
            continue
        click.echo(render(columns, rows, fmt or "table"))


def _prompt_statements() -> Iterator[str]:
    """Statements typed at the prompt, one per ';'; an empty line or end of input quits."""
    buffer = ""
    while True:
        line = click.prompt("imr" if not buffer else "...", default="", show_default=False, prompt_suffix="> ")
        if not line.strip() and not buffer:
            return
        buffer += line + "\n"
        if buffer.rstrip().endswith(";"):
            yield buffer.rstrip().rstrip(";")
            buffer = ""


@main.command()
@home_option
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Where to write (default: --home/report.html).")
def report(home: Path, out: Path | None) -> None:
    """One self-contained HTML report of the marts, with charts and the counts behind them."""
    from imr.serve.report import write_report

    try:
        written = write_report(home, out)
    except FileNotFoundError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"imr report: {written}", err=True)


@main.command()
@home_option
def docs(home: Path) -> None:
    """Generate the dbt docs (models, columns, lineage) and say where the Data Docs are."""
    from imr.orchestrate.engines import BuildError
    from imr.serve.docs import generate_docs

    try:
        site = generate_docs(home)
    except (FileNotFoundError, BuildError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"dbt docs (one file, opens offline): {site}")
    data_docs = Home(home).data_docs
    click.echo(
        f"expectation Data Docs: {data_docs}"
        if data_docs.exists()
        else "expectation Data Docs: not yet written (run `imr validate` or `imr refresh`)"
    )


@main.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True, help="Folder to write into.")
@click.option("--letters", "count", type=click.IntRange(min=1), required=True, help="How many letters.")
@click.option("--pdf", is_flag=True, help="Write PDFs (reportlab) instead of text files.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed: same seed, same letters.")
def synth(out: Path, count: int, pdf: bool, seed: int) -> None:
    """Write SYNTHETIC letters in the real layout, plus truth.jsonl with their true records."""
    from ingest import synth as synth_letters

    written = synth_letters.write(out, count, seed=seed, pdf=pdf)
    click.echo(f"imr synth: {written} synthetic {'PDF' if pdf else 'text'} letters and truth.jsonl in {out}", err=True)


@main.command()
@home_option
@click.option(
    "--letters", "count", type=click.IntRange(min=1), default=500, show_default=True, help="How many synthetic letters to generate."
)
def demo(home: Path, count: int) -> None:
    """The main job on the bundled default: SYNTHETIC letters generated, then ingested under --home.

    No real letters needed. The seed letter's record is printed first, as the parser sees it.
    """
    import duckdb

    from imr.orchestrate.engines import BuildError, DuckDBEngine
    from ingest import synth as synth_letters
    from ingest.extract.document import text_of
    from ingest.extract.files import sha256_of
    from ingest.parse import parse_letter

    data = resources.files("imr.data").joinpath(SEED_LETTER).read_bytes()
    record = parse_letter(text_of(SEED_LETTER, data), source_file=SEED_LETTER, sha256=sha256_of(data))
    click.echo(json.dumps(record, indent=2, ensure_ascii=False))
    letters = Home(home).synthetic_letters
    written = synth_letters.write(letters, count, seed=0)
    click.echo(f"imr demo: {written} SYNTHETIC letters written to {letters}", err=True)
    summary = pipeline.ingest([letters], home)
    click.echo(f"imr demo: {summary}", err=True)
    try:
        published = DuckDBEngine(Home(home)).build(quiet=True)
    except BuildError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"imr demo: marts built in {published.live}; overturn rates of the SYNTHETIC letters:", err=True)
    with duckdb.connect(str(published.live), read_only=True) as con:
        rows = con.execute(
            "select service_category, decisions, overturned, overturn_rate from marts.overturn_rates_by_service_category "
            "order by decisions desc"
        ).fetchall()
    for category, decisions, overturned, rate in rows:
        click.echo(f"  {category:<26}{decisions:>6} decisions {overturned:>5} overturned  {rate:6.1%}", err=True)
