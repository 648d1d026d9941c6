"""`imr report`: one self-contained HTML file whose charts render in a real browser (headless
Chromium; CI installs it), with a chart for every rate mart, month-labelled monthly axes and the
state's published rates beside the warehouse's. The screenshot is kept in test-artifacts/."""

from __future__ import annotations

import errno
import html
import re
from pathlib import Path

import duckdb
import pytest

from imr.home import Home
from imr.serve.report import CHARTS, MonthlyRateChart, RateChart, published_rates, write_report
from tests.helpers import browse, copy_warehouse, remote_assets, run_python

# Published figures as the seed `published_imr_figures` holds them (value a share). The synthetic
# letters are decided from 2014 to 2022: 2024 falls outside; 2015's is not per treatment request.
FIGURES = [
    ("DWC", 2015, "overturn_rate", None, 0.16, "approx", "IMR decisions (basis not stated)"),
    ("DWC", 2016, "overturn_rate", None, 0.084, "exact", "treatment requests"),
    ("DWC", 2019, "overturn_rate", None, 0.104, "exact", "treatment requests"),
    ("DWC", 2020, "overturn_rate", None, 0.095, "exact", "treatment requests"),
    ("DWC", 2020, "overturn_rate", "Psych Services", 0.18, "approx", "treatment requests"),
    ("DWC", 2024, "overturn_rate", "Evaluation & Management", 0.231, "exact", "treatment requests"),
    ("CWCI", 2016, "uphold_rate", None, 0.912, "exact", "service decisions"),
]
MONTH_LABEL = re.compile(r"^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}$")


def _with_published_figures(home: Path) -> Path:
    with duckdb.connect(str(Home(home).served)) as con:
        con.execute(
            "create or replace table reference.published_imr_figures (publisher varchar, data_year integer, period varchar, "
            "measure varchar, service_category varchar, service_subcategory varchar, value double, qualifier varchar, "
            "value_high double, unit varchar, source varchar, note varchar)"
        )
        con.executemany(
            "insert into reference.published_imr_figures (publisher, data_year, period, measure, service_category, value, "
            "qualifier, unit) values (?, ?, cast(? as varchar), ?, ?, ?, ?, ?)",
            [(p, y, y, m, c, v, q, u) for p, y, m, c, v, q, u in FIGURES],
        )
    return home


@pytest.fixture(scope="module")
def home(synthetic_warehouse: tuple[Path, list[dict]], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shared synthetic warehouse, copied, with the state's figures and a validation page beside it."""
    home = _with_published_figures(copy_warehouse(synthetic_warehouse[0], tmp_path_factory.mktemp("report")))
    Home(home).validation_page.write_text("<!DOCTYPE html><title>validation</title>", encoding="utf-8")
    return home


@pytest.fixture(scope="module")
def report(home: Path) -> Path:
    return write_report(home)


def _rate_marts(home: Path) -> set[str]:
    with duckdb.connect(str(Home(home).served), read_only=True) as con:
        rows = con.execute(
            "select table_name from duckdb_columns() where schema_name = 'marts' "
            "and column_name in ('overturn_rate', 'reason_share', 'warehouse_value')"
        ).fetchall()
    return {name for (name,) in rows}


def test_report_is_self_contained_and_labels_synthetic_data(report: Path) -> None:
    text = report.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=", text)  # plotly.js is inlined: the file opens offline
    assert remote_assets(text) == []
    assert "SYNTHETIC DATA" in text
    assert re.search(r"300 letters, \d+ decided items, \d+ overturned", text)
    assert text.count("<table>") == len(CHARTS) and "small" in text


def test_every_rate_mart_has_a_chart(home: Path, report: Path) -> None:
    """A rate mart added to dbt without an entry in CHARTS fails here."""
    charted = {chart.mart for chart in CHARTS}
    marts = _rate_marts(home)
    assert marts, "no mart has an overturn_rate column"
    assert marts - charted == set(), "rate marts without a chart: add an entry to imr.serve.report.CHARTS"
    text = report.read_text(encoding="utf-8")
    assert all(f"<h2>{html.escape(chart.title)}</h2>" in text for chart in CHARTS)
    assert "decision_turnaround_by_month" in charted


def test_state_figures_are_those_of_the_years_shown_in_the_same_vocabulary(home: Path, report: Path) -> None:
    with duckdb.connect(str(Home(home).served), read_only=True) as con:
        published = published_rates(con)
    assert [(p.year, p.service_category, p.value) for p in published] == [
        (2016, None, 0.084),
        (2019, None, 0.104),
        (2020, None, 0.095),
        (2020, "Psych Services", 0.18),
    ]
    text = report.read_text(encoding="utf-8")
    assert "The state (DWC) published 8.4% in 2016, 10.4% in 2019, 9.5% in 2020 of treatment requests overturned" in text
    assert "DWC published (2016, 2019, 2020): 8.4% to 10.4%" in text  # the band on every rate chart
    assert "DWC 2020: ~18.0%" in text  # beside the category it was published for
    assert "DWC 2024" not in text and "DWC 2015" not in text


def test_without_published_figures_there_is_no_reference_line(home: Path, tmp_path: Path) -> None:
    bare = copy_warehouse(home, tmp_path / "bare")
    with duckdb.connect(str(Home(bare).served)) as con:
        con.execute("drop table reference.published_imr_figures")
    text = write_report(bare).read_text(encoding="utf-8")
    assert "DWC published" not in text and "The state (DWC) published" not in text
    assert "validation results" not in text  # no page beside it: no link


def test_monthly_marts_typed_date_or_timestamp_are_labelled_by_month(home: Path, tmp_path: Path) -> None:
    """The months are timestamps today and dates once the marts' types change; both read the same."""
    as_timestamps = write_report(home, tmp_path / "timestamps.html").read_text(encoding="utf-8")
    dated = copy_warehouse(home, tmp_path / "dated")
    with duckdb.connect(str(Home(dated).served)) as con:
        for mart in ("overturn_rates_by_month", "decision_turnaround_by_month"):
            con.execute(f"alter table marts.{mart} alter decision_month type date")
    as_dates = write_report(dated, tmp_path / "dates.html").read_text(encoding="utf-8")
    for text in (as_timestamps, as_dates):
        assert text.count("<td>May 2014</td>") == 2  # the first month, in both monthly tables
        assert '"tickformat":"%b %Y"' in text and '"dtick":"M6"' in text  # 88 months: a tick every six


def test_report_links_the_validation_page(report: Path) -> None:
    assert '<a href="validation.html">validation results</a>' in report.read_text(encoding="utf-8")


def test_charts_render_in_chromium_without_console_errors(report: Path, chromium: str, tmp_path: Path) -> None:
    dom, console_errors = browse(chromium, report, tmp_path / "profile", "report.png", height=7000)
    assert console_errors == []
    assert dom.count('class="main-svg"') >= len(CHARTS), "plotly did not draw the charts"
    bar_charts = [chart for chart in CHARTS if isinstance(chart, RateChart | MonthlyRateChart)]
    assert dom.count("trace bars") >= len(bar_charts)
    # The monthly charts' x ticks as drawn: every one a month ("Jan 2015"), none a bare year.
    ticks = re.findall(r'<g class="xtick">.*?>([^<>]+)</text>', dom)
    months = [tick for tick in ticks if MONTH_LABEL.match(tick)]
    assert "Jan 2015" in months and "Jul 2021" in months
    assert not [tick for tick in ticks if re.fullmatch(r"\d{4}", tick)]


# Writes the report of argv[1] with files limited to half the size of the report argv[2]: the
# write fails with EFBIG part way through, as on a full disk.
_WRITE_HALF = """
import resource, signal, sys
from pathlib import Path
from imr.serve.report import write_report
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (Path(sys.argv[2]).stat().st_size // 2, resource.RLIM_INFINITY))
try:
    write_report(Path(sys.argv[1]))
except OSError as error:
    print(error.errno)
"""


def test_a_report_that_fails_mid_write_leaves_the_previous_one_whole(synthetic_warehouse: tuple[Path, list[dict]], tmp_path: Path) -> None:
    home = copy_warehouse(synthetic_warehouse[0], tmp_path / "home")
    previous = write_report(home).read_bytes()
    result = run_python(_WRITE_HALF, home, Home(home).report)
    assert result.stdout.strip() == str(errno.EFBIG)
    assert Home(home).report.read_bytes() == previous
    assert [path.name for path in home.iterdir() if "report" in path.name] == ["report.html"]  # no temporary file left
