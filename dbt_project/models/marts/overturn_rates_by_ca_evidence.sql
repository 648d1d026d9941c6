-- Overturn rate when the claims administrator cited no medical evidence, versus when it did.
with

decisions as (

    select * from {{ ref('fct_imr_decisions') }}

),

rates as (

    select
        ca_cited_evidence,
        {{ overturn_rate_columns() }}
    from decisions
    group by ca_cited_evidence

)

select * from rates
