-- Overturn rate of each DWC service category (the state's "treatment request categories").
with

decisions as (

    select * from {{ ref('fct_imr_decisions') }}

),

rates as (

    select
        service_category,
        {{ overturn_rate_columns() }}
    from decisions
    group by service_category

)

select * from rates
