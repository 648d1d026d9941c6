-- Every rate mart partitions fct_imr_decisions, or its medicines: its decisions add up to the
-- fact's rows (or to its Pharmaceuticals rows).
with

fact as (

    select
        count(*) as decisions,
        sum(case when service_category = 'Pharmaceuticals' then 1 else 0 end) as pharmaceutical_decisions
    from {{ ref('fct_imr_decisions') }}

),

marts as (

    {% for mart in ['overturn_rates_by_service_category', 'overturn_rates_by_service_subcategory', 'overturn_rates_by_guideline',
                    'overturn_rates_by_specialty', 'overturn_rates_by_month', 'overturn_rates_by_ca_evidence',
                    'guideline_family_agreement', 'overturn_rates_by_condition_group', 'overturn_rates_by_diagnosis_region',
                    'overturn_rates_by_specialty_and_service'] %}
    select '{{ mart }}' as mart, false as is_pharmaceutical, coalesce(sum(decisions), 0) as decisions from {{ ref(mart) }}
    union all
    {% endfor %}
    {% for mart in ['overturn_rates_by_drug_name', 'overturn_rates_by_drug_quantity_band',
                    'overturn_rates_by_drug_class_and_quantity_band'] %}
    select '{{ mart }}' as mart, true as is_pharmaceutical, coalesce(sum(decisions), 0) as decisions from {{ ref(mart) }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select marts.mart, marts.decisions, fact.decisions as fact_decisions, fact.pharmaceutical_decisions
from marts
cross join fact
where marts.decisions <> case when marts.is_pharmaceutical then coalesce(fact.pharmaceutical_decisions, 0) else fact.decisions end
