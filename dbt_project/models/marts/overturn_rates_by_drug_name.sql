-- Overturn rate of each drug asked for, by its generic ingredients (brands and kits resolved), over
-- the pharmaceutical items; 'Not named' holds medicines whose name the seeds do not know.
with

decisions as (

    select * from {{ ref('fct_imr_decisions') }}

),

rates as (

    select
        coalesce(drug_name, 'Not named') as drug_name,
        {{ overturn_rate_columns() }}
    from decisions
    where service_category = 'Pharmaceuticals'
    group by coalesce(drug_name, 'Not named')

)

select * from rates
