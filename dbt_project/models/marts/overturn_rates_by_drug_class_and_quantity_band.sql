-- Overturn rate by quantity band within each drug class (the DWC subcategory of a medicine: a band
-- of opioid tablets and one of cream tubes are not the same amount).
with

decisions as (

    select * from {{ ref('fct_imr_decisions') }}

),

quantity_bands as (

    select * from {{ ref('drug_quantity_bands') }}

),

rates as (

    select
        service_subcategory,
        drug_quantity_band,
        {{ overturn_rate_columns() }}
    from decisions
    where service_category = 'Pharmaceuticals'
    group by service_subcategory, drug_quantity_band

),

ordered as (

    select
        rates.service_subcategory,
        rates.drug_quantity_band,
        quantity_bands.band_order,
        rates.decisions,
        rates.overturned,
        rates.overturn_rate,
        rates.ci_low,
        rates.ci_high,
        rates.is_small_group
    from rates
    left join quantity_bands
        on rates.drug_quantity_band = quantity_bands.quantity_band

)

select * from ordered
