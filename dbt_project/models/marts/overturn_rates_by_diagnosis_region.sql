-- Overturn rate by the body region of each item's letter's first-listed diagnosis (one region per
-- item, so the regions add up to the fact; 'No diagnosis' when the letter lists none).
with

decisions as (

    select * from {{ ref('fct_imr_decisions') }}

),

rates as (

    select
        primary_diagnosis_body_region as diagnosis_body_region,
        {{ overturn_rate_columns() }}
    from decisions
    group by primary_diagnosis_body_region

)

select * from rates
