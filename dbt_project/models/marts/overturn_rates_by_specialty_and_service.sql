-- Overturn rate by the reviewer's specialty within each service (category and subcategory: does an
-- orthopedic surgeon decide physical therapy differently from a chiropractor?), beside the rate
-- of the same service across all reviewers.
with

decisions as (

    select * from {{ ref('fct_imr_decisions') }}

),

rates as (

    select
        reviewer_specialty,
        service_category,
        service_subcategory,
        {{ overturn_rate_columns() }}
    from decisions
    group by reviewer_specialty, service_category, service_subcategory

),

services as (

    select
        service_category,
        service_subcategory,
        count(*) as service_decisions,
        {{ dbt.cast('sum(case when is_overturned then 1 else 0 end)', 'double') }} / count(*) as service_overturn_rate
    from decisions
    group by service_category, service_subcategory

),

beside_service as (

    select
        rates.*,
        services.service_decisions,
        services.service_overturn_rate
    from rates
    inner join services
        on rates.service_category = services.service_category
        and rates.service_subcategory = services.service_subcategory

)

select * from beside_service
