"""Marts: rates in [0, 1] inside their intervals, rate marts that add up to the fact table (or to
its medicines), few unclassified items, and an overall overturn rate near the state's published
figures."""

from __future__ import annotations

import duckdb
import great_expectations as gx

from expectations.checks import Part, Suite, critical, warning

RATE_MARTS = (
    "overturn_rates_by_service_category",
    "overturn_rates_by_service_subcategory",
    "overturn_rates_by_guideline",
    "overturn_rates_by_specialty",
    "overturn_rates_by_month",
    "overturn_rates_by_ca_evidence",
    "guideline_family_agreement",
    "overturn_rates_by_condition_group",
    "overturn_rates_by_diagnosis_region",
    "overturn_rates_by_specialty_and_service",
)
# Rate marts over the medicines alone (service category Pharmaceuticals): they add up to those.
PHARMACEUTICAL_RATE_MARTS = (
    "overturn_rates_by_drug_name",
    "overturn_rates_by_drug_quantity_band",
    "overturn_rates_by_drug_class_and_quantity_band",
)
# Items the taxonomy leaves in 'Other': above this share the seed needs rules.
MAX_OTHER_SHARE = 0.05
# DWC's published share of requests overturned: 8.4% (2016) to 12.7% (2024).
PUBLISHED_OVERTURN_BAND = (0.08, 0.13)


def parts(con: duckdb.DuckDBPyConnection) -> list[Part]:
    decisions, medicines = con.execute(
        "select count(*), count(case when service_category = 'Pharmaceuticals' then 1 end) from marts.fct_imr_decisions"
    ).fetchall()[0]
    # Two small numbers per decided item: the frame stays light at millions of items. The key's
    # uniqueness is dbt's test of fct_imr_decisions, run by every build.
    fact = Part(
        name="fct_imr_decisions",
        sql="select case when service_category = 'Other' then 1 else 0 end as unclassified, "
        "case when is_overturned then 1 else 0 end as overturned from marts.fct_imr_decisions",
        expectations=[
            critical(gx.expectations.ExpectTableRowCountToBeBetween(min_value=1)),
            warning(gx.expectations.ExpectColumnMeanToBeBetween(column="unclassified", max_value=MAX_OTHER_SHARE)),
            warning(
                gx.expectations.ExpectColumnMeanToBeBetween(
                    column="overturned", min_value=PUBLISHED_OVERTURN_BAND[0], max_value=PUBLISHED_OVERTURN_BAND[1]
                )
            ),
        ],
    )
    return [
        fact,
        *(_rate_mart(name, decisions) for name in RATE_MARTS),
        *(_rate_mart(name, medicines) for name in PHARMACEUTICAL_RATE_MARTS),
    ]


def _rate_mart(name: str, decisions: int) -> Part:
    return Part(
        name=name,
        sql=f"select decisions, overturned, overturn_rate, ci_low, ci_high from marts.{name}",
        expectations=[
            critical(gx.expectations.ExpectColumnValuesToBeBetween(column="overturn_rate", min_value=0, max_value=1)),
            critical(gx.expectations.ExpectColumnValuesToBeBetween(column="ci_low", min_value=0)),
            critical(gx.expectations.ExpectColumnValuesToBeBetween(column="ci_high", max_value=1)),
            critical(gx.expectations.ExpectColumnPairValuesAToBeGreaterThanB(column_A="overturn_rate", column_B="ci_low", or_equal=True)),
            critical(gx.expectations.ExpectColumnPairValuesAToBeGreaterThanB(column_A="ci_high", column_B="overturn_rate", or_equal=True)),
            critical(gx.expectations.ExpectColumnSumToBeBetween(column="decisions", min_value=decisions, max_value=decisions)),
        ],
    )


SUITE = Suite(name="marts", parts=parts)
