-- Every reason-rate mart partitions the upheld items it covers: for each reason, its groups'
-- upheld items add up to the fact's upheld items, and its items giving the reason to
-- fct_item_reasons' upheld rows of that reason (drug classes: medicines with a class only).
{%- set marts = [('reason_rates_by_service_category', '1 = 1'),
                 ('reason_rates_by_service_subcategory', '1 = 1'),
                 ('reason_rates_by_drug_class', 'drug_class is not null')] %}
with

decisions as (

    select * from {{ ref('fct_imr_decisions') }}

),

reasons as (

    select * from {{ ref('fct_item_reasons') }}

),

vocabulary as (

    select * from {{ ref('rationale_reasons') }}

),

expected as (

    {% for mart, where in marts %}
    select
        '{{ mart }}' as mart,
        vocabulary.reason,
        upheld.items as upheld_items,
        coalesce(counts.items, 0) as items_with_reason
    from vocabulary
    cross join (select count(*) as items from decisions where decision = 'upheld' and {{ where }}) as upheld
    left join (
        select reason, count(*) as items from reasons where decision = 'upheld' and {{ where }} group by reason
    ) as counts
        on vocabulary.reason = counts.reason
    where vocabulary.decision = 'upheld'
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

actual as (

    {% for mart, where in marts %}
    select '{{ mart }}' as mart, reason, sum(upheld_items) as upheld_items, sum(items_with_reason) as items_with_reason
    from {{ ref(mart) }}
    group by reason
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select
    expected.*,
    actual.upheld_items as mart_upheld_items,
    actual.items_with_reason as mart_items_with_reason
from expected
left join actual
    on expected.mart = actual.mart
    and expected.reason = actual.reason
where coalesce(actual.upheld_items, 0) <> expected.upheld_items
    or coalesce(actual.items_with_reason, 0) <> expected.items_with_reason
