-- Overturn rate by the condition group of each item's letter's first-listed diagnosis (one group
-- per item, so the groups add up to the fact; 'No diagnosis' when the letter lists none).
with

decisions as (

    select * from {{ ref('fct_imr_decisions') }}

),

rates as (

    select
        primary_diagnosis_condition_group as condition_group,
        {{ overturn_rate_columns() }}
    from decisions
    group by primary_diagnosis_condition_group

)

select * from rates
