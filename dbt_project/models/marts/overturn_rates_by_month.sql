-- The monthly trend: overturn rate by the month of the decision.
with

decisions as (

    select * from {{ ref('fct_imr_decisions') }}

),

rates as (

    select
        decision_month,
        {{ overturn_rate_columns() }}
    from decisions
    group by decision_month

)

select * from rates
