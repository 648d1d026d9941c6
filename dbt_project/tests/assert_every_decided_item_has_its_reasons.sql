-- Every decided item of fct_imr_decisions has at least one reason in fct_item_reasons, exactly
-- one of them primary, and 'other' only alone (an item with a recognised reason is never 'other').
with

decisions as (

    select * from {{ ref('fct_imr_decisions') }}

),

reasons as (

    select * from {{ ref('fct_item_reasons') }}

),

per_item as (

    select
        item_key,
        count(*) as reasons,
        sum(case when is_primary_reason then 1 else 0 end) as primary_reasons,
        sum(case when reason = 'other' then 1 else 0 end) as other_reasons
    from reasons
    group by item_key

)

select
    decisions.item_key,
    per_item.reasons,
    per_item.primary_reasons,
    per_item.other_reasons
from decisions
left join per_item
    on decisions.item_key = per_item.item_key
where per_item.item_key is null
    or per_item.primary_reasons <> 1
    or (per_item.other_reasons > 0 and per_item.reasons > 1)
