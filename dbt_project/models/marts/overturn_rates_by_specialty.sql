-- Overturn rate by the reviewer's primary specialty (the first one listed), normalized to DWC's
-- vocabulary.
with

decisions as (

    select * from {{ ref('fct_imr_decisions') }}

),

rates as (

    select
        reviewer_specialty,
        {{ overturn_rate_columns() }}
    from decisions
    group by reviewer_specialty

)

select * from rates
