-- Every rate mart partitions fct_imr_decisions: its decisions add up to the fact's rows.
with

fact as (

    select count(*) as decisions from {{ ref('fct_imr_decisions') }}

),

marts as (

    {% for mart in ['overturn_rates_by_service_category', 'overturn_rates_by_service_subcategory', 'overturn_rates_by_guideline',
                    'overturn_rates_by_specialty', 'overturn_rates_by_month', 'overturn_rates_by_ca_evidence',
                    'guideline_family_agreement'] %}
    select '{{ mart }}' as mart, sum(decisions) as decisions from {{ ref(mart) }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select marts.mart, marts.decisions, fact.decisions as fact_decisions
from marts
cross join fact
where marts.decisions <> fact.decisions
