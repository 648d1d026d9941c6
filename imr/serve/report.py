"""`imr report`: one self-contained HTML file with the marts as charts (plotly, its JavaScript
inlined so the file opens without a network) and the counts behind every chart as tables.

Each mart is charted by one entry of CHARTS; a rate mart added to dbt gets a chart by adding an
entry there (tests/test_report.py fails while a mart with an `overturn_rate` or `reason_share`
column has none).
Where the served file holds the state's published figures (seed `published_imr_figures`, schema
`reference`), DWC's overturn rate of the years shown is drawn beside the warehouse's."""

from __future__ import annotations

import datetime as dt
import html
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import duckdb
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from imr.home import Home
from imr.serve.warehouse import served
from ingest.synth import SYNTHETIC_YEAR

_BIG, _SMALL = "#1f77b4", "#c7c7c7"  # groups large enough to read, and the others
_STATE = "#d62728"  # the state's published figures
_OPEN_TABLE_ROWS = 15  # a longer table behind a chart is folded, so the charts stay near each other
_MATRIX_SIDE = 30  # rows and columns of a heatmap of two groupings: the largest groups; the table has them all
_MAX_MONTH_TICKS = 24  # beyond this many months, a tick every 2, 3, 6 or 12 months keeps labels apart


@dataclass(frozen=True)
class Published:
    """One overturn rate the state (DWC) published, per treatment request."""

    year: int
    value: float
    qualifier: str | None
    service_category: str | None

    @property
    def label(self) -> str:
        approx = "~" if self.qualifier == "approx" else ""
        return f"DWC {self.year}: {approx}{self.value:.1%}"


@dataclass(frozen=True)
class Context:
    """What every chart may set beside its mart: the state's figures for the years the letters span."""

    published: list[Published]

    def overall(self) -> list[Published]:
        return [p for p in self.published if p.service_category is None]

    def by_category(self) -> dict[str, list[Published]]:
        found: dict[str, list[Published]] = {}
        for figure in self.published:
            if figure.service_category is not None:
                found.setdefault(figure.service_category, []).append(figure)
        return found


class Chart(Protocol):
    """A section of the report drawn from one mart."""

    @property
    def mart(self) -> str: ...

    @property
    def title(self) -> str: ...

    def render(self, con: duckdb.DuckDBPyConnection, context: Context) -> str: ...


@dataclass(frozen=True)
class RateChart:
    """A rate mart as horizontal bars (95% interval, small groups grey), with the state's overall
    rate as a reference line and, when `category` names the mart's DWC service category column,
    the state's rate of that category beside its bar."""

    mart: str
    title: str
    note: str
    label: str  # SQL over the mart's columns naming each group
    header: str  # the groups' column header in the table
    category: str | None = None
    order_by: str = "decisions desc"

    def render(self, con: duckdb.DuckDBPyConnection, context: Context) -> str:
        category = self.category or "null"
        rows = _rows(
            con,
            f"select {self.label} as grp, {category} as category, decisions, overturned, overturn_rate, ci_low, ci_high, "
            f"is_small_group from marts.{self.mart} order by {self.order_by}",
        )
        figure = go.Figure(
            go.Bar(
                x=[row["overturn_rate"] for row in rows],
                y=[row["grp"] for row in rows],
                orientation="h",
                name="warehouse",
                marker_color=[_SMALL if row["is_small_group"] else _BIG for row in rows],
                error_x=_interval(rows),
                hovertemplate="%{y}: %{x:.1%}<extra></extra>",
                showlegend=False,
            )
        )
        _state_band(figure, context.overall())
        if self.category:
            by_category = context.by_category()
            marks = [(row["grp"], p) for row in rows for p in by_category.get(row["category"], [])]
            if marks:
                figure.add_scatter(
                    x=[p.value for _, p in marks],
                    y=[grp for grp, _ in marks],
                    mode="markers+text",
                    textposition="top center",
                    textfont=dict(color=_STATE, size=11),
                    marker=dict(symbol="diamond", color=_STATE, size=10),
                    name="DWC published rate of the category",
                    text=[p.label for _, p in marks],
                    hovertemplate="%{y}: %{text}<extra></extra>",
                )
        figure.update_layout(
            height=max(260, 28 * len(rows) + 130),
            margin=dict(l=10, r=10, t=30, b=40),
            xaxis=dict(tickformat=".0%", title="overturn rate", rangemode="tozero"),
            yaxis=dict(autorange="reversed"),
            legend=dict(orientation="h", y=-0.15),
        )
        return _section(self.title, self.note, figure, self.header, rows)


@dataclass(frozen=True)
class MonthlyRateChart:
    """A rate mart by month: decisions as bars, the rate as a line with its interval, and the
    state's rate of each calendar year as a dashed segment over that year's months."""

    mart: str
    title: str
    note: str

    def render(self, con: duckdb.DuckDBPyConnection, context: Context) -> str:
        rows = _rows(
            con,
            "select cast(decision_month as date) as month, decisions, overturned, overturn_rate, ci_low, ci_high, is_small_group "
            f"from marts.{self.mart} where decision_month is not null order by month",
        )
        months = [row["month"] for row in rows]
        figure = go.Figure()
        figure.add_bar(
            x=months,
            y=[row["decisions"] for row in rows],
            name="decisions (right axis)",
            marker_color="#aec7e8",
            opacity=0.45,
            yaxis="y2",
            hovertemplate="%{x|%b %Y}: %{y} decisions<extra></extra>",
        )
        figure.add_scatter(
            x=months + months[::-1],
            y=[row["ci_high"] for row in rows] + [row["ci_low"] for row in rows][::-1],
            fill="toself",
            fillcolor="rgba(31, 119, 180, 0.15)",
            mode="lines",  # plotly draws markers too on short series otherwise
            line=dict(width=0),
            name="95% interval",
            hoverinfo="skip",
        )
        figure.add_scatter(
            x=months,
            y=[row["overturn_rate"] for row in rows],
            name="overturn rate",
            mode="lines+markers",
            marker=dict(color=[_SMALL if row["is_small_group"] else _BIG for row in rows], size=6),
            line=dict(color=_BIG),
            hovertemplate="%{x|%b %Y}: %{y:.1%}<extra></extra>",
        )
        half_month = dt.timedelta(days=15)
        for index, published in enumerate(context.overall()):
            span = [m for m in months if m.year == published.year]
            figure.add_scatter(
                x=[span[0] - half_month, span[-1] + half_month],
                y=[published.value, published.value],
                mode="lines",
                line=dict(color=_STATE, dash="dash", width=2),
                name="DWC published rate of the year",
                legendgroup="published",
                showlegend=index == 0,
                text=[published.label, published.label],
                hovertemplate="%{text}<extra></extra>",
            )
        figure.update_layout(
            height=420,
            margin=dict(l=10, r=10, t=10, b=40),
            legend=dict(orientation="h", y=1.1),
            xaxis=month_axis(months),
            yaxis=dict(title="overturn rate", tickformat=".0%", rangemode="tozero"),
            yaxis2=dict(title="decisions", overlaying="y", side="right", rangemode="tozero", showgrid=False, tickmode="auto"),
        )
        table_rows = [dict(row, grp=_month_label(row["month"])) for row in rows]
        return _section(self.title, self.note, figure, "decision month", table_rows)


@dataclass(frozen=True)
class TurnaroundChart:
    """Days from the IMR application to the decision, per month: median and 90th percentile."""

    mart: str
    title: str
    note: str

    def render(self, con: duckdb.DuckDBPyConnection, context: Context) -> str:
        rows = _rows(
            con,
            f"select cast(decision_month as date) as month, letters, mean_days, median_days, p90_days, max_days "
            f"from marts.{self.mart} where decision_month is not null order by month",
        )
        months = [row["month"] for row in rows]
        figure = go.Figure()
        for column, name, dash in (("median_days", "median", "solid"), ("p90_days", "90th percentile", "dot")):
            figure.add_scatter(
                x=months,
                y=[row[column] for row in rows],
                name=name,
                mode="lines+markers",
                line=dict(color=_BIG, dash=dash),
                hovertemplate="%{x|%b %Y}: %{y:.0f} days<extra>" + name + "</extra>",
            )
        figure.update_layout(
            height=360,
            margin=dict(l=10, r=10, t=10, b=40),
            legend=dict(orientation="h", y=1.1),
            xaxis=month_axis(months),
            yaxis=dict(title="days, application to decision", rangemode="tozero"),
        )
        head = "<tr><th>decision month</th><th>letters</th><th>mean days</th><th>median</th><th>90th percentile</th><th>longest</th></tr>"
        body = "".join(
            f"<tr><td>{_month_label(row['month'])}</td><td>{row['letters']}</td><td>{row['mean_days']:.1f}</td>"
            f"<td>{row['median_days']:.0f}</td><td>{row['p90_days']:.0f}</td><td>{row['max_days']}</td></tr>"
            for row in rows
        )
        return _heading(self.title, self.note) + _figure(figure) + _details(f"<table>{head}{body}</table>", len(rows))


@dataclass(frozen=True)
class ReasonChart:
    """A reason mart as a heatmap: per group (rows) the share of its upheld items giving each
    reason (columns); small groups' rows are labelled as such. `not_recommended` is a floor: its
    rules find it in about four rationales of ten that give it (docs/warehouse.md)."""

    mart: str
    title: str
    note: str
    label: str  # the mart's group column
    header: str

    def render(self, con: duckdb.DuckDBPyConnection, context: Context) -> str:
        rows = _rows(
            con,
            f"select {self.label} as grp, reason, upheld_items, items_with_reason, reason_share, ci_low, ci_high, "
            f"is_small_group from marts.{self.mart} order by upheld_items desc, grp, reason",
        )
        groups = list(dict.fromkeys(row["grp"] for row in rows))
        reasons = sorted({row["reason"] for row in rows})
        share = {(row["grp"], row["reason"]): row for row in rows}
        small = {row["grp"] for row in rows if row["is_small_group"]}
        names = [f"{group} (small)" if group in small else str(group) for group in groups]
        figure = go.Figure(
            go.Heatmap(
                z=[[share[group, reason]["reason_share"] for reason in reasons] for group in groups],
                x=[reason.replace("_", " ") for reason in reasons],
                y=names,
                colorscale="Blues",
                zmin=0,
                zmax=1,
                colorbar=dict(tickformat=".0%", title="share"),
                customdata=[[share[group, reason]["upheld_items"] for reason in reasons] for group in groups],
                hovertemplate="%{y}, %{x}: %{z:.0%} of %{customdata} upheld items<extra></extra>",
            )
        )
        figure.update_layout(
            height=max(300, 26 * len(groups) + 180),
            margin=dict(l=10, r=10, t=10, b=120),
            xaxis=dict(tickangle=-35),
            yaxis=dict(autorange="reversed"),
        )
        head = (
            f"<tr><th>{html.escape(self.header)}</th><th>reason</th><th>upheld items</th><th>giving it</th>"
            "<th>share</th><th>95% interval</th><th></th></tr>"
        )
        body = "".join(
            f"<tr class='{'small' if row['is_small_group'] else ''}'><td>{html.escape(str(row['grp']))}</td>"
            f"<td>{html.escape(row['reason'])}</td><td>{row['upheld_items']}</td><td>{row['items_with_reason']}</td>"
            f"<td>{row['reason_share']:.1%}</td><td>{row['ci_low']:.1%} to {row['ci_high']:.1%}</td>"
            f"<td>{'small' if row['is_small_group'] else ''}</td></tr>"
            for row in rows
            if row["items_with_reason"]
        )
        return _heading(self.title, self.note) + _figure(figure) + _details(f"<table>{head}{body}</table>", len(rows))


@dataclass(frozen=True)
class MatrixChart:
    """A rate mart of two groupings as a heatmap: rows by one (the most decisions first, at most
    _MATRIX_SIDE), columns by the other, each cell coloured by its overturn rate, small groups grey."""

    mart: str
    title: str
    note: str
    row: str  # SQL naming each row's group
    column: str  # SQL naming each column's group
    header: str

    def render(self, con: duckdb.DuckDBPyConnection, context: Context) -> str:
        rows = _rows(
            con,
            f"select {self.row} as row_group, {self.column} as column_group, decisions, overturned, overturn_rate, "
            f"ci_low, ci_high, is_small_group from marts.{self.mart} order by decisions desc",
        )
        row_groups = _largest(rows, "row_group")
        column_groups = _largest(rows, "column_group")
        cell = {(row["row_group"], row["column_group"]): row for row in rows}

        def grid(value: Callable[[dict[str, Any]], Any]) -> list[list[Any]]:
            return [[value(cell[r, c]) if (r, c) in cell else None for c in column_groups] for r in row_groups]

        figure = go.Figure()
        figure.add_heatmap(
            z=grid(lambda row: None if row["is_small_group"] else row["overturn_rate"]),
            x=column_groups,
            y=row_groups,
            colorscale="Blues",
            zmin=0,
            zmax=1,
            colorbar=dict(tickformat=".0%", title="overturn rate"),
            customdata=grid(lambda row: row["decisions"]),
            hovertemplate="%{y} / %{x}: %{z:.1%} of %{customdata} decisions<extra></extra>",
        )
        figure.add_heatmap(
            z=grid(lambda row: 1 if row["is_small_group"] else None),
            x=column_groups,
            y=row_groups,
            colorscale=[[0, _SMALL], [1, _SMALL]],
            showscale=False,
            customdata=grid(lambda row: row["decisions"]),
            hovertemplate="%{y} / %{x}: %{customdata} decisions, too few to read<extra></extra>",
        )
        figure.update_layout(
            height=max(320, 22 * len(row_groups) + 220),
            margin=dict(l=10, r=10, t=10, b=180),
            xaxis=dict(tickangle=-45),
            yaxis=dict(autorange="reversed"),
        )
        table_rows = [dict(row, grp=f"{row['row_group']} / {row['column_group']}") for row in rows]
        return _section(self.title, self.note, figure, self.header, table_rows)


def _largest(rows: list[dict[str, Any]], key: str) -> list[Any]:
    """The groups of `key` with the most decisions, at most _MATRIX_SIDE of them, largest first."""
    totals: dict[Any, int] = {}
    for row in rows:
        totals[row[key]] = totals.get(row[key], 0) + row["decisions"]
    return sorted(totals, key=lambda group: (-totals[group], str(group)))[:_MATRIX_SIDE]


@dataclass(frozen=True)
class ComparisonChart:
    """The warehouse beside each figure the state (DWC) or CWCI published for a year the letters
    span: the warehouse's value with its 95% interval (a dot) and the published one (a diamond;
    a bar for a range), measure by measure as each publisher counts it. Figures of years with too
    few letters are listed in the table only; those of years without letters stay in the mart."""

    mart: str
    title: str
    note: str

    def render(self, con: duckdb.DuckDBPyConnection, context: Context) -> str:
        rows = _rows(
            con,
            "select publisher, data_year, measure, coalesce(service_subcategory, service_category, 'all') as scope, "
            "unit, published_value, qualifier, published_value_high, warehouse_decisions, warehouse_value, ci_low, ci_high, "
            f"comparison from marts.{self.mart} where comparison <> 'no letters' order by data_year, publisher, measure, scope",
        )
        for row in rows:
            row["grp"] = f"{row['publisher']} {row['data_year']} {row['measure'].replace('_', ' ')}: {row['scope']}"
        shown = [row for row in rows if row["comparison"] not in ("no letters", "too few letters")]
        figure = go.Figure()
        figure.add_scatter(
            x=[row["warehouse_value"] for row in shown],
            y=[row["grp"] for row in shown],
            mode="markers",
            marker=dict(color=_BIG, size=9),
            name="warehouse (95% interval)",
            error_x=dict(
                type="data",
                symmetric=False,
                array=[row["ci_high"] - row["warehouse_value"] for row in shown],
                arrayminus=[row["warehouse_value"] - row["ci_low"] for row in shown],
            ),
            hovertemplate="%{y}: %{x:.1%} in the letters<extra></extra>",
        )
        figure.add_scatter(
            x=[row["published_value"] for row in shown],
            y=[row["grp"] for row in shown],
            mode="markers",
            marker=dict(symbol="diamond", color=_STATE, size=10),
            name="published",
            error_x=dict(
                type="data",
                symmetric=False,
                array=[row["published_value_high"] - row["published_value"] if row["qualifier"] == "range" else 0 for row in shown],
                arrayminus=[0] * len(shown),
            ),
            hovertemplate="%{y}: %{x:.1%} published<extra></extra>",
        )
        figure.update_layout(
            height=max(260, 28 * len(shown) + 130),
            margin=dict(l=10, r=10, t=10, b=40),
            xaxis=dict(tickformat=".0%", range=[0, 1]),
            yaxis=dict(autorange="reversed"),
            legend=dict(orientation="h", y=-0.15),
        )
        head = (
            "<tr><th>figure</th><th>unit</th><th>published</th><th>items in the letters</th><th>warehouse</th>"
            "<th>95% interval</th><th>comparison</th></tr>"
        )
        body = "".join(_comparison_row(row, row in shown) for row in rows)
        drawn = _figure(figure) if shown else "<p class='note'>No figure of a year with enough letters to compare.</p>"
        return _heading(self.title, self.note) + drawn + _details(f"<table>{head}{body}</table>", len(rows))


def _comparison_row(row: dict[str, Any], shown: bool) -> str:
    published = f"{row['published_value']:.1%}"
    if row["qualifier"] == "range" and row["published_value_high"] is not None:
        published += f" to {row['published_value_high']:.1%}"
    elif row["qualifier"] in ("approx", "at_least", "at_most"):
        published = {"approx": "~", "at_least": "≥ ", "at_most": "≤ "}[row["qualifier"]] + published
    warehouse = "" if row["warehouse_value"] is None else f"{row['warehouse_value']:.1%}"
    interval = "" if row["ci_low"] is None else f"{row['ci_low']:.1%} to {row['ci_high']:.1%}"
    return (
        f"<tr class='{'' if shown else 'small'}'><td>{html.escape(row['grp'])}</td><td>{html.escape(row['unit'] or '')}</td>"
        f"<td>{published}</td><td>{row['warehouse_decisions']}</td><td>{warehouse}</td><td>{interval}</td>"
        f"<td>{html.escape(row['comparison'])}</td></tr>"
    )


CHARTS: tuple[Chart, ...] = (
    RateChart(
        "overturn_rates_by_service_category",
        "Overturn rate by service category",
        "DWC treatment request categories; bars show the 95% Wilson interval; diamonds the state's published rate of a category.",
        label="service_category",
        header="service category",
        category="service_category",
    ),
    RateChart(
        "overturn_rates_by_service_subcategory",
        "Overturn rate by service subcategory",
        "Subcategories (drug class for medicines) within each category.",
        label="service_category || ' / ' || service_subcategory",
        header="category / subcategory",
    ),
    RateChart(
        "overturn_rates_by_specialty",
        "Overturn rate by reviewer specialty",
        "The reviewer's first-listed specialty, in DWC's vocabulary.",
        label="reviewer_specialty",
        header="reviewer specialty",
    ),
    RateChart(
        "overturn_rates_by_guideline",
        "Overturn rate by the reviewer's guideline chapter",
        "The chapter the reviewer cited first.",
        label="guideline_family || ': ' || guideline_chapter",
        header="family: chapter",
    ),
    RateChart(
        "overturn_rates_by_ca_evidence",
        "When the claims administrator cited no evidence",
        "Overturn rate when the claims administrator's guideline paragraph cited nothing, against when it cited a guideline.",
        label="case when ca_cited_evidence then 'cited evidence' else 'cited no evidence' end",
        header="claims administrator",
    ),
    RateChart(
        "guideline_family_agreement",
        "Guideline family: claims administrator against reviewer",
        "The guideline family each side cited first (claims administrator → reviewer), and the overturn rate of each pairing.",
        label="ca_guideline_family || ' → ' || reviewer_guideline_family",
        header="claims administrator → reviewer",
    ),
    RateChart(
        "overturn_rates_by_drug_name",
        "Overturn rate by drug",
        "Medicines by their generic ingredients (brands and kits resolved); 'Not named' where the seeds know no name.",
        label="drug_name",
        header="drug",
    ),
    RateChart(
        "overturn_rates_by_drug_quantity_band",
        "Overturn rate by the quantity asked for",
        "Medicines by the quantity requested, in bands; the unit is the form's (tablets, patches, tubes).",
        label="drug_quantity_band",
        header="quantity",
        order_by="band_order",
    ),
    RateChart(
        "overturn_rates_by_drug_class_and_quantity_band",
        "Quantity within drug class",
        "The quantity bands within each drug class, where a quantity counts the same unit.",
        label="service_subcategory || ' / ' || drug_quantity_band",
        header="drug class / quantity",
        order_by="service_subcategory, band_order",
    ),
    RateChart(
        "overturn_rates_by_condition_group",
        "Overturn rate by condition",
        "Items by the condition group of their letter's first-listed diagnosis.",
        label="condition_group",
        header="condition group",
    ),
    RateChart(
        "overturn_rates_by_diagnosis_region",
        "Overturn rate by the diagnosis' body region",
        "Items by the body region of their letter's first-listed diagnosis.",
        label="diagnosis_body_region",
        header="body region",
    ),
    MatrixChart(
        "overturn_rates_by_specialty_and_service",
        "Reviewer specialty against service",
        "The overturn rate of each reviewer specialty (rows, the most decisions first) within each service "
        "(columns: category / subcategory); grey cells have too few decisions to read. The table lists every pairing.",
        row="coalesce(reviewer_specialty, 'none named')",
        column="service_category || ' / ' || service_subcategory",
        header="reviewer specialty / service",
    ),
    MonthlyRateChart(
        "overturn_rates_by_month",
        "Monthly trend",
        "The overturn rate per decision month (line; shaded: its 95% interval; grey points: small months), "
        "the decisions behind it (bars, right axis), and dashed: the state's published rate of each year.",
    ),
    ReasonChart(
        "reason_rates_by_service_category",
        "Why upheld: reasons by service category",
        "Share of each category's upheld items whose rationale gives each reason (an item may give several); "
        "'not recommended' is a floor, as its rules find it in about four rationales of ten.",
        label="service_category",
        header="service category",
    ),
    ReasonChart(
        "reason_rates_by_service_subcategory",
        "Why upheld: reasons by service subcategory",
        "The same within each subcategory (drug class for medicines).",
        label="service_category || ' / ' || service_subcategory",
        header="category / subcategory",
    ),
    ReasonChart(
        "reason_rates_by_drug_class",
        "Why upheld: reasons by drug class",
        "The same for the pharmaceutical items of each drug class.",
        label="drug_class",
        header="drug class",
    ),
    ComparisonChart(
        "published_figures_comparison",
        "Beside the state's published figures",
        "Each rate or share DWC (per treatment request) or CWCI (per service decision) published for a year the letters "
        "span, beside the same measure over the letters loaded; figures of years with too few letters are in the table only "
        "(those of years without letters are in the mart).",
    ),
    TurnaroundChart(
        "decision_turnaround_by_month",
        "Turnaround by month",
        "Calendar days from the IMR application to the decision, per decision month (each letter once).",
    ),
)


def write_report(home: Path, out: Path | None = None) -> Path:
    """Write the report (default `$IMR_HOME/report.html`) from the served warehouse; returns its path."""
    out = out or Home(home).report
    with duckdb.connect(str(served(home)), read_only=True) as con:
        scope = con.execute(
            "select min(decision_date), max(decision_date), count(distinct letter_sha256), count(*), "
            "sum(case when is_overturned then 1 else 0 end), "
            f"bool_and(case_number like 'CM{SYNTHETIC_YEAR}-%') from marts.fct_imr_decisions"
        ).fetchall()[0]
        context = Context(published_rates(con))
        parts = [chart.render(con, context) for chart in CHARTS]
    first, last, letters, decisions, overturned, synthetic = scope
    banner = (
        (
            '<p class="synthetic">SYNTHETIC DATA: these letters were generated by <code>imr synth</code> '
            "for testing; no figure here describes real decisions.</p>"
        )
        if synthetic
        else ""
    )
    rate = overturned / decisions if decisions else 0.0
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>IMR overturn report</title>
<script>{get_plotlyjs()}</script>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; color: #222; }}
table {{ border-collapse: collapse; margin: 0.5rem 0 2rem; font-size: 0.9rem; }}
td, th {{ border: 1px solid #ddd; padding: 0.2rem 0.6rem; text-align: right; }}
td:first-child, th:first-child {{ text-align: left; }}
tr.small td {{ color: #888; }}
.synthetic {{ background: #fff3cd; border: 1px solid #e0b000; padding: 0.6rem; font-weight: bold; }}
.note {{ color: #555; }}
nav a {{ margin-right: 1.2rem; }}
summary {{ color: #555; cursor: pointer; }}
</style></head><body>
<h1>IMR Final Determinations: overturn rates</h1>
{banner}
{_links(home, out)}
<p>{letters} letters, {decisions} decided items, {overturned} overturned ({rate:.1%}); decisions from {first} to {last}.
Generated {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC from <code>{html.escape(str(served(home)))}</code>.
Groups with fewer than 30 decisions are shown in grey and marked <em>small</em>: read their rates with care.
{_published_sentence(context)}</p>
{"".join(parts)}
</body></html>
"""
    replace_atomically(out, page)
    return out


def replace_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` so that a reader, or a crash, sees the old file or the new, never
    a part: a temporary file in the same folder, flushed to disk, renamed over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.", delete=False) as temporary:
        try:
            temporary.write(text)
            temporary.flush()
            os.fsync(temporary.fileno())
        except BaseException:
            temporary.close()
            os.unlink(temporary.name)
            raise
    os.replace(temporary.name, path)


def published_rates(con: duckdb.DuckDBPyConnection) -> list[Published]:
    """DWC's overturn rates per treatment request (all, and per service category) for the years the
    decisions span, from the seed in the served file; none when the file has no such seed. Rates
    counted otherwise (CWCI's per service decision, DWC's of 2013 on an unstated basis) are left out."""
    present = con.execute(
        "select count(*) from duckdb_tables() where schema_name = 'reference' and table_name = 'published_imr_figures'"
    ).fetchall()[0][0]
    if not present:
        return []
    rows = con.execute(
        "select data_year, value, qualifier, service_category from reference.published_imr_figures "
        "where publisher = 'DWC' and measure = 'overturn_rate' and unit = 'treatment requests' and service_subcategory is null "
        "and data_year in (select distinct year(decision_date) from marts.fct_imr_decisions) "
        "order by data_year, service_category nulls first"
    ).fetchall()
    return [Published(int(year), float(value), qualifier, category) for year, value, qualifier, category in rows]


def month_axis(months: Sequence[dt.date]) -> dict[str, Any]:
    """A date axis labelled by month ("Jan 2017"): a tick every month, or every 2, 3, 6 or 12
    months when there are more than _MAX_MONTH_TICKS."""
    step = next((n for n in (1, 2, 3, 6) if len(months) <= _MAX_MONTH_TICKS * n), 12)
    axis: dict[str, Any] = dict(type="date", tickformat="%b %Y", hoverformat="%b %Y", dtick=f"M{step}", tickangle=-45)
    if months:
        axis["tick0"] = dt.date(months[0].year, 1, 1).isoformat()  # steps divide 12: ticks fall on the same months each year
    return axis


def _state_band(figure: go.Figure, overall: list[Published]) -> None:
    """The state's overall rate of each year shown as a dashed vertical line, the years' range
    shaded between them, and one label above the plot (lines of close years would overlap)."""
    if not overall:
        return
    values = [p.value for p in overall]
    low, high = min(values), max(values)
    for value in values:
        figure.add_vline(x=value, line=dict(color=_STATE, dash="dash", width=1))
    if high > low:
        figure.add_vrect(x0=low, x1=high, fillcolor=_STATE, opacity=0.08, line_width=0)
    years = ", ".join(str(p.year) for p in overall)
    span = f"{low:.1%}" if high == low else f"{low:.1%} to {high:.1%}"
    figure.add_annotation(
        x=(low + high) / 2,
        y=1.0,
        xref="x",
        yref="paper",
        yanchor="bottom",
        showarrow=False,
        text=f"DWC published ({years}): {span}",
        font=dict(color=_STATE, size=11),
    )


def _month_label(month: dt.date) -> str:
    return month.strftime("%b %Y")


def _published_sentence(context: Context) -> str:
    overall = context.overall()
    if not overall:
        return ""
    figures = ", ".join(f"{p.value:.1%} in {p.year}" for p in overall)
    return f"The state (DWC) published {figures} of treatment requests overturned (dashed lines)."


def _links(home: Path, out: Path) -> str:
    """Links to the validation page and the dbt docs, relative to the report, when they exist."""
    paths = Home(home)
    found = [(paths.validation_page, "validation results"), (paths.dbt_docs, "model and column docs (dbt)")]
    links = [
        f'<a href="{html.escape(Path(os.path.relpath(target, out.parent)).as_posix())}">{text}</a>'
        for target, text in found
        if target.exists()
    ]
    return f"<nav>{''.join(links)}</nav>" if links else ""


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    result = con.execute(sql)
    names = [d[0] for d in result.description]
    return [dict(zip(names, row)) for row in result.fetchall()]


def _interval(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return dict(
        type="data",
        symmetric=False,
        array=[row["ci_high"] - row["overturn_rate"] for row in rows],
        arrayminus=[row["overturn_rate"] - row["ci_low"] for row in rows],
    )


def _heading(title: str, note: str) -> str:
    return f"<h2>{html.escape(title)}</h2><p class='note'>{html.escape(note)}</p>"


def _section(title: str, note: str, figure: go.Figure, header: str, rows: list[dict[str, Any]]) -> str:
    return _heading(title, note) + _figure(figure) + _details(_table(header, rows), len(rows))


def _figure(figure: go.Figure) -> str:
    return figure.to_html(full_html=False, include_plotlyjs=False, config={"displaylogo": False})


def _details(table: str, rows: int) -> str:
    """The counts behind a chart: shown when short, folded (one click away) when long."""
    return f"<details{' open' if rows <= _OPEN_TABLE_ROWS else ''}><summary>the counts ({rows} rows)</summary>{table}</details>"


def _table(label: str, rows: list[dict[str, Any]]) -> str:
    head = f"<tr><th>{html.escape(label)}</th><th>decisions</th><th>overturned</th><th>rate</th><th>95% interval</th><th></th></tr>"
    body = "".join(
        f"<tr class='{'small' if row['is_small_group'] else ''}'><td>{html.escape(str(row['grp']))}</td>"
        f"<td>{row['decisions']}</td><td>{row['overturned']}</td><td>{row['overturn_rate']:.1%}</td>"
        f"<td>{row['ci_low']:.1%} to {row['ci_high']:.1%}</td><td>{'small' if row['is_small_group'] else ''}</td></tr>"
        for row in rows
    )
    return f"<table>{head}{body}</table>"
