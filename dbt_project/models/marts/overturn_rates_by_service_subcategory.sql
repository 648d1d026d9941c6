-- Overturn rate of each DWC subcategory within its category (the drug class for medicines).
with

decisions as (

    select * from {{ ref('fct_imr_decisions') }}

),

rates as (

    select
        service_category,
        service_subcategory,
        {{ overturn_rate_columns() }}
    from decisions
    group by service_category, service_subcategory

)

select * from rates
