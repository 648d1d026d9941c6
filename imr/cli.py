"""`imr`: the warehouse's commands, a thin layer over the library (`ingest`, `imr.orchestrate`,
`imr.serve`, `expectations`) that the tests call too.

Each command imports its library when it runs, so a command pays only for what it uses, and
`imr ingest` spawns its workers before it imports DuckDB and pyarrow (ingest.load.pipeline)."""

from __future__ import annotations

import functools
import inspect
import json
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, nullcontext
from importlib import resources
from pathlib import Path
from typing import Any, NoReturn

import click
from click.decorators import FC

from imr.home import DEFAULT_HOME, Home
from imr.orchestrate.exits import Exit
from imr.orchestrate.lock import Busy, exclusive
from ingest.extract.files import MAX_FILE_SIZE
from ingest.load import pipeline
from ingest.load.errors import IngestFailed, MissingInput

SEED_LETTER = "seed-letter.txt"
# How `imr ingest` ends when it cannot do its work (docs/ingest.md): 2 is click's usage error.
USAGE_ERROR, INGEST_FAILED = 2, 4


class ByteSize(click.ParamType):
    """A number of bytes, or of kibibytes, mebibytes or gibibytes with K, M or G (50M, 1G)."""

    name = "size"
    _UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        text = str(value).strip().upper().removesuffix("B")
        number, unit = (text[:-1], text[-1]) if text[-1:] in self._UNITS else (text, "")
        if not number.isdigit() or int(number) < 1:
            self.fail(f"{value!r} is not a size: a whole number of bytes, or with K, M or G (50M)", param, ctx)
        return int(number) * self._UNITS[unit]


home_option = click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="IMR_HOME",
    default=DEFAULT_HOME,
    show_default=True,
    help="Folder holding the warehouse's files (or IMR_HOME).",
)


def postgres_option(required: bool, then: str = "") -> Callable[[FC], FC]:
    """--postgres URL (or IMR_POSTGRES_URL): the PostgreSQL database the marts are copied into."""
    return click.option(
        "--postgres",
        "url",
        envvar="IMR_POSTGRES_URL",
        required=required,
        help=f"PostgreSQL URL, e.g. postgresql://user@host/db (or IMR_POSTGRES_URL){': ' + then if then else ''}.",
    )


# The engines a command can run on (imr.orchestrate.engines.ENGINES, which a test holds equal; not
# imported here, to keep the command's start quick).
ENGINE_CHOICE = click.Choice(["duckdb", "spark"])
workers_option = click.option(
    "--workers", type=click.IntRange(min=0), default=None, help="Worker processes (default: one per core; 0 or 1: in this process)."
)
max_file_size_option = click.option(
    "--max-file-size",
    type=ByteSize(),
    envvar="IMR_MAX_FILE_SIZE",
    default=f"{MAX_FILE_SIZE >> 20}M",
    show_default=True,
    help="Largest input file, in bytes or with K, M or G (or IMR_MAX_FILE_SIZE); bigger ones are quarantined unread (too_large).",
)
wait_option = click.option(
    "--wait",
    type=click.FloatRange(min=0),
    default=0,
    show_default=True,
    metavar="SECONDS",
    help="When another command is writing --home, wait this long for it, then exit 3.",
)


def _fail(command: str, message: object, status: int) -> NoReturn:
    """End a command that could not do its work: one line on stderr, the documented exit status."""
    click.echo(f"imr {command}: {message}", err=True)
    sys.exit(status)


@contextmanager
def _home_lock(home: Path, wait: float) -> Iterator[None]:
    """The home's lock held (imr.orchestrate.lock) while the block runs. Busy past `wait` seconds:
    exit 3, nothing done; a home that cannot be written (no lock file): exit 1."""
    from ingest.outcomes import one_line

    command = _command(click.get_current_context())
    with ExitStack() as held:
        try:
            held.enter_context(exclusive(home, command, wait=wait))
        except Busy as error:
            _fail(command, error, Exit.BUSY)
        except OSError as error:
            _fail(command, f"cannot take the lock of {home}: {one_line(error)}", Exit.FAILED)
        yield


def _command(ctx: click.Context) -> str:
    """The command's name after `imr` ("build", "aside release"), however the program was started."""
    names = []
    while ctx.parent is not None:
        names.append(ctx.info_name or "")
        ctx = ctx.parent
    return " ".join(reversed(names))


def _existing_inputs(ctx: click.Context, param: click.Parameter, paths: tuple[Path, ...]) -> tuple[Path, ...]:
    """Input paths checked as the arguments are read, before the command takes the home's lock:
    a path that does not exist is a usage error and nothing is done, not even the home created."""
    try:
        pipeline.check_inputs(paths)
    except MissingInput as error:
        _fail(_command(ctx), error, USAGE_ERROR)
    return paths


def _ingest_inputs(ctx: click.Context, param: click.Parameter, paths: tuple[str, ...]) -> tuple[Path | str, ...]:
    """As `_existing_inputs`, but a URL (s3a://, hdfs://, ...) is kept as it is, for Spark to read."""
    local = [Path(path) for path in paths if not _is_url(path)]
    _existing_inputs(ctx, param, tuple(local))
    return tuple(path if _is_url(path) else Path(path) for path in paths)


def _is_url(path: str) -> bool:
    return re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", path) is not None


def checked_first(check: Callable[..., None]) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Run `check` on the command's arguments (those it names) before the command, and before the
    home's lock when put above `writes_home`: bad arguments are a usage error however busy the home."""

    def decorate(command: Callable[..., None]) -> Callable[..., None]:
        wanted = inspect.signature(check).parameters

        @functools.wraps(command)
        def checking(*args: Any, **kwargs: Any) -> None:
            check(**{name: value for name, value in kwargs.items() if name in wanted})
            command(*args, **kwargs)

        return checking

    return decorate


def writes_home(command: Callable[..., None]) -> Callable[..., None]:
    """A command that writes its --home: it runs holding the home's lock, with --wait. `imr ingest
    --engine spark` writes a lake, which has a lock of its own (ingest.lake.store), not the home."""

    @wait_option
    @functools.wraps(command)
    def locked(*args: Any, wait: float, **kwargs: Any) -> None:
        with nullcontext() if kwargs.get("engine") == "spark" else _home_lock(kwargs["home"], wait):
            command(*args, **kwargs)

    return locked


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


def _ingest_usage(
    paths: tuple[Path | str, ...], reparse_stale: bool, engine: str, lake: str | None, master: str | None, spark_conf: tuple[str, ...]
) -> None:
    """`imr ingest`'s arguments that do not go together: a usage error (exit 2), found before the home's lock is taken."""
    if not paths and not reparse_stale:
        raise click.UsageError("give files or folders to ingest, or --reparse")
    if (engine == "spark") != (lake is not None) or (engine != "spark" and (master or spark_conf)):
        raise click.UsageError("--engine spark needs --lake; --lake, --master and --conf go with --engine spark")
    if engine == "spark" and reparse_stale:
        raise click.UsageError("--reparse works on the DuckDB engine only")
    if engine != "spark" and any(isinstance(path, str) for path in paths):
        raise click.UsageError("a URL is read by --engine spark only; the DuckDB engine reads local files and folders")
    _settings(spark_conf)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(), callback=_ingest_inputs)
@home_option
@workers_option
@max_file_size_option
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
    type=ENGINE_CHOICE,
    default="duckdb",
    show_default=True,
    help="Load into the raw database under --home, or with Apache Spark into the Parquet tables of --lake (docs/ingest.md).",
)
@click.option("--lake", help="With --engine spark: the folder or URL (s3a://, abfss://, hdfs://) of the raw tables.")
@click.option("--master", help="With --engine spark: Spark's master URL (default: Spark's own settings, else local[*]).")
@click.option("--conf", "spark_conf", multiple=True, metavar="KEY=VALUE", help="With --engine spark: a Spark setting (repeatable).")
@checked_first(_ingest_usage)
@writes_home
def ingest(
    paths: tuple[Path | str, ...],
    home: Path,
    workers: int | None,
    max_file_size: int,
    strict: bool,
    reparse_stale: bool,
    batch_size: int,
    engine: str,
    lake: str | None,
    master: str | None,
    spark_conf: tuple[str, ...],
) -> None:
    """Load letters (files or folders, .pdf and .txt) into the raw database under --home, or into a lake on Spark.

    Exit status: 0 done (bad files quarantined), 1 with --strict when a file was quarantined,
    2 bad arguments or an input path that does not exist, 3 the home is busy, 4 the run failed
    (docs/ingest.md).
    """
    try:
        if paths:
            summary = (
                _ingest_lake(paths, lake, master, spark_conf, max_file_size)
                if lake
                else pipeline.ingest(
                    [Path(path) for path in paths], home, workers=workers, batch_size=batch_size, max_file_size=max_file_size
                )
            )
            click.echo(f"imr ingest: {summary}", err=True)
            if strict and summary.counts.quarantined + summary.counts.known_bad:
                sys.exit(1)
        if reparse_stale:
            summary = pipeline.reparse(home, workers=workers, batch_size=batch_size)
            for failure in summary.failures:
                click.echo(f"imr ingest --reparse: set aside (old record kept, not served), the new parser refuses: {failure}", err=True)
            click.echo(f"imr ingest --reparse: {summary}", err=True)
    except (MissingInput, FileNotFoundError) as error:  # FileNotFoundError: an input the lake's Spark cannot find
        _fail("ingest", error, USAGE_ERROR)
    except (IngestFailed, RuntimeError) as error:  # RuntimeError: Spark missing, the lake held by another run
        _fail("ingest", error, INGEST_FAILED)


def _ingest_lake(
    paths: tuple[Path | str, ...], lake: str, master: str | None, pairs: tuple[str, ...], max_file_size: int
) -> pipeline.RunSummary:
    """The Spark engine, imported only when used (pyspark is an extra)."""
    from ingest import lake as spark_lake

    return spark_lake.ingest(paths, lake, master, _settings(pairs), max_file_size)


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
    type=ENGINE_CHOICE,
    default="duckdb",
    show_default=True,
    help="The engine: DuckDB, or the same models on Apache Spark (README: Moving to Spark).",
)
@click.option("--lake", help="With --target spark: build from the raw tables of this lake (`imr ingest --engine spark`), not --home's.")
@writes_home
def build(home: Path, quiet: bool, target: str, lake: str | None) -> None:
    """Build the marts with dbt, leaving out the letters set aside: into --home/imr.duckdb (built
    aside, validated, then swapped in), or on Spark under --home/spark. Exit status: docs/refresh.md."""
    from imr.orchestrate.build import Steps, ValidationFailed
    from imr.orchestrate.build import build as run_build
    from imr.orchestrate.engines import BuildError, engine

    steps = Steps()
    try:
        result = run_build(home, quiet=quiet, target=target, progress=steps, lake=lake)
    except BuildError as error:
        click.echo(f"imr build: {error}", err=True)
        sys.exit(int(Exit.BUILD_FAILED))
    except ValidationFailed as error:
        click.echo(f"imr build: {error}", err=True)
        sys.exit(int(Exit.VALIDATION_FAILED))
    click.echo(f"imr build: marts published {engine(target, Home(home)).describe()} (schema marts); dbt: {result.summary()}", err=True)
    if steps.counts.get("letters_set_aside"):
        click.echo(f"imr build: {steps.counts['letters_set_aside']} letters set aside, left out of the marts (`imr aside list`)", err=True)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path), callback=_existing_inputs)
@home_option
@workers_option
@max_file_size_option
@click.option(
    "--stale-after",
    type=click.IntRange(min=1),
    default=14,
    show_default=True,
    help="Report the sources stale when no new letter arrived for more days than this.",
)
@postgres_option(required=False, then="the marts are copied there too, after they are published")
@writes_home
def refresh(paths: tuple[Path, ...], home: Path, workers: int | None, max_file_size: int, stale_after: int, url: str | None) -> None:
    """Ingest, set aside, build, validate and publish (and copy to PostgreSQL): what a scheduler runs. Exit status: docs/refresh.md."""
    import duckdb

    from imr.orchestrate.refresh import refresh as run_refresh
    from ingest.outcomes import one_line

    try:
        report = run_refresh(list(paths), home, stale_after_days=stale_after, workers=workers, max_file_size=max_file_size, postgres=url)
    except MissingInput as error:
        _fail("refresh", error, USAGE_ERROR)
    except (OSError, duckdb.Error) as error:  # the home cannot be written: no record of the refresh
        _fail("refresh", one_line(error), Exit.FAILED)
    click.echo(f"imr {report.summary()}", err=True)
    sys.exit(int(report.outcome))


@main.command()
@home_option
@writes_home
def validate(home: Path) -> None:
    """Run every expectation suite on the warehouse; exit 1 on any critical failure."""
    from expectations.runner import validate as run_suites  # Great Expectations is slow to import: only here
    from imr.serve.validation import write_validation_page

    try:
        report = run_suites(home)
    except FileNotFoundError as error:
        raise click.ClickException(str(error)) from None
    page = write_validation_page(home)
    click.echo(report.table())
    click.echo(
        f"imr validate: run {report.run_id}: {len(report.critical_failures)} critical failures, "
        f"{len(report.warnings)} warnings; results in {Home(home).operations} and {page}",
        err=True,
    )
    if not report.ok:
        sys.exit(1)


@main.group()
def aside() -> None:
    """Letters set aside: each fails a row-level check, so it stays in raw, out of the marts, until released."""


@aside.command("list")
@home_option
@click.option("--all", "include_released", is_flag=True, help="Also list the letters released into the marts.")
@click.option("--csv", "fmt", flag_value="csv", help="CSV on stdout.")
@click.option("--json", "fmt", flag_value="json", help="One JSON object per row on stdout.")
def aside_list(home: Path, include_released: bool, fmt: str | None) -> None:
    """The letters set aside, one row per letter and reason, with the values that failed."""
    from imr.orchestrate.aside import listing
    from imr.serve.sql import render

    try:
        columns, rows = listing(home, include_released=include_released)
    except FileNotFoundError as error:
        raise click.ClickException(str(error)) from None
    click.echo(render(columns, rows, fmt or "table"))


@aside.command("release")
@click.argument("letter")
@home_option
@click.option("--note", required=True, help="Why the letter may go into the marts; kept with the release.")
@writes_home
def aside_release(letter: str, home: Path, note: str) -> None:
    """Let the set-aside LETTER (its case number or SHA-256) into the next build's marts."""
    from imr.orchestrate.aside import NotSetAside, release

    try:
        sha256, case_number, reasons = release(home, letter, note)
    except (FileNotFoundError, NotSetAside, RuntimeError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"imr aside release: {case_number or 'no case number'} ({sha256}) released from {', '.join(reasons)}; "
        "it goes into the marts at the next `imr build` or `imr refresh`",
        err=True,
    )


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
@postgres_option(required=True)
@click.option("--schema", default="marts", show_default=True, help="Schema the marts go into (one that holds nothing else).")
@click.option("--reader-role", default="imr_reader", show_default=True, help="Read-only role BI tools use.")
@click.option(
    "--lock-timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=10.0,
    show_default=True,
    help="Seconds to wait for a lock (a reader's open transaction) before giving up.",
)
def publish(home: Path, url: str, schema: str, reader_role: str, lock_timeout: float) -> None:
    """Copy the served marts into PostgreSQL in one transaction; grant the reader role SELECT only."""
    from imr.serve.publish import PublishError, publish_postgres

    try:
        copied = publish_postgres(home, url, schema=schema, reader_role=reader_role, lock_timeout=lock_timeout)
    except (FileNotFoundError, PublishError) as error:
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
@wait_option
def report(home: Path, out: Path | None, wait: float) -> None:
    """One self-contained HTML report of the marts, with charts and the counts behind them."""
    from imr.serve.report import write_report

    into_home = out is None or out.absolute().resolve().is_relative_to(home.absolute().resolve())
    try:
        with _home_lock(home, wait) if into_home else nullcontext():
            written = write_report(home, out)
    except FileNotFoundError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"imr report: {written}", err=True)


@main.command()
@home_option
@writes_home
def docs(home: Path) -> None:
    """Write the dbt docs (models, columns, lineage) and the validation results page, both offline."""
    from imr.orchestrate.engines import BuildError
    from imr.serve.docs import generate_docs
    from imr.serve.validation import write_validation_page

    try:
        site, failure = generate_docs(home), None
    except (FileNotFoundError, BuildError) as error:
        site, failure = None, error
    click.echo(f"validation results (one file, opens offline): {write_validation_page(home)}")  # after: it links the dbt docs
    if failure:
        raise click.ClickException(str(failure))
    click.echo(f"dbt docs (one file, opens offline): {site}")


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
@writes_home
def demo(home: Path, count: int) -> None:
    """The main job on the bundled default: SYNTHETIC letters generated, then ingested under --home.

    No real letters needed. The seed letter's record is printed first, as the parser sees it.
    """
    import duckdb

    from imr.orchestrate.build import ValidationFailed, build
    from imr.orchestrate.engines import BuildError
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
        published = build(home, quiet=True)
    except (BuildError, ValidationFailed) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"imr demo: marts built in {published.live}; overturn rates of the SYNTHETIC letters:", err=True)
    with duckdb.connect(str(published.live), read_only=True) as con:
        rows = con.execute(
            "select service_category, decisions, overturned, overturn_rate from marts.overturn_rates_by_service_category "
            "order by decisions desc"
        ).fetchall()
    for category, decisions, overturned, rate in rows:
        click.echo(f"  {category:<26}{decisions:>6} decisions {overturned:>5} overturned  {rate:6.1%}", err=True)
