-- Overturn rate by the quantity a pharmaceutical item asks for, in bands (seed drug_quantity_bands),
-- over all medicines; the unit depends on the form (tablets, patches, tubes), so read it beside
-- overturn_rates_by_drug_class_and_quantity_band.
with

decisions as (

    select * from {{ ref('fct_imr_decisions') }}

),

quantity_bands as (

    select * from {{ ref('drug_quantity_bands') }}

),

rates as (

    select
        drug_quantity_band,
        {{ overturn_rate_columns() }}
    from decisions
    where service_category = 'Pharmaceuticals'
    group by drug_quantity_band

),

ordered as (

    select
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
