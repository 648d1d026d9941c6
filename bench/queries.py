"""Analyst query latency on the served warehouse: the rate marts (small) and fct_imr_decisions
(one row per decided item), as an analyst or a BI tool would ask them."""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any

import duckdb

from imr.home import Home

QUERIES = {
    "rates by service category": "select * from marts.overturn_rates_by_service_category order by decisions desc",
    "rates by guideline": "select * from marts.overturn_rates_by_guideline order by decisions desc limit 20",
    "rates by specialty": "select * from marts.overturn_rates_by_specialty order by overturn_rate desc",
    "fct: rate by month and category": (
        "select decision_month, service_category, count(*) as decisions, avg(case when is_overturned then 1 else 0 end) "
        "as overturn_rate from marts.fct_imr_decisions group by decision_month, service_category order by 1, 2"
    ),
    "fct: opioids upheld by specialty": (
        "select reviewer_specialty, count(*) from marts.fct_imr_decisions where service_subcategory = 'Opioids' "
        "and not is_overturned group by reviewer_specialty order by 2 desc"
    ),
    "fct: one case": "select * from marts.fct_imr_decisions where case_number = (select max(case_number) from marts.fct_imr_decisions)",
}


def run(home: Path, repeats: int = 5) -> dict[str, Any]:
    """First and median latency (ms) of each query on a fresh read-only connection to the served file."""
    results = {}
    con = duckdb.connect(str(Home(home).served), read_only=True)
    try:
        for name, sql in QUERIES.items():
            times = []
            for _ in range(repeats):
                started = time.perf_counter()
                con.execute(sql).fetchall()
                times.append((time.perf_counter() - started) * 1000)
            results[name] = {"first_ms": round(times[0], 1), "median_ms": round(statistics.median(times), 1)}
    finally:
        con.close()
    return results
