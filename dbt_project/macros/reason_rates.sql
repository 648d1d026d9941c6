{#-
    A reason-rate mart: for each group of upheld items (the `group_by` columns of
    fct_imr_decisions, rows kept by `where`) and each reason an upheld item can give (seed
    rationale_reasons, 'other' included), how many of the group's upheld items give it, that share
    with its Wilson 95% interval, and whether the group is too small to read (fewer upheld items
    than var('min_group_decisions')). Every pair has a row, zero counts included. An item may
    give several reasons, so a group's shares add up to 1 or more.
-#}
{% macro reason_rates(group_by, where='1 = 1') -%}
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

upheld_groups as (

    select
        {{ group_by | join(', ') }},
        count(*) as upheld_items
    from decisions
    where decision = 'upheld' and {{ where }}
    group by {{ group_by | join(', ') }}

),

reason_counts as (

    select
        {{ group_by | join(', ') }},
        reason,
        count(*) as items_with_reason
    from reasons
    where decision = 'upheld' and {{ where }}
    group by {{ group_by | join(', ') }}, reason

),

rates as (

    select
        {%- for column in group_by %}
        upheld_groups.{{ column }},
        {%- endfor %}
        vocabulary.reason,
        upheld_groups.upheld_items,
        coalesce(reason_counts.items_with_reason, 0) as items_with_reason,
        {{ wilson_interval('coalesce(reason_counts.items_with_reason, 0)', 'upheld_groups.upheld_items', rate='reason_share') }},
        upheld_groups.upheld_items < {{ var('min_group_decisions') }} as is_small_group
    from upheld_groups
    cross join vocabulary
    left join reason_counts
        on {% for column in group_by -%}
            upheld_groups.{{ column }} = reason_counts.{{ column }} and
        {% endfor -%}
        vocabulary.reason = reason_counts.reason
    where vocabulary.decision = 'upheld'

)

select * from rates
{%- endmacro %}
