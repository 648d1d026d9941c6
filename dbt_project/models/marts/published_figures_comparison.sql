-- The warehouse beside each rate and share the state (DWC) and CWCI published: the same measure
-- over the items decided in the figure's year (and category), with its Wilson 95% interval, and
-- whether the two agree or the letters loaded are too few to say. Volume and turnaround figures
-- are not proportions of decided items and stay in the seed.
--   overturn_rate, uphold_rate: overturned (upheld) items of the year and category / its items
--   share_of_requests, share_of_service_decisions: items of the category / all items of the year
--   share_of_pharmaceutical_requests, ..._service_decisions: items of the drug class / medicines
with

figures as (

    select * from {{ ref('published_imr_figures') }}

),

decisions as (

    select * from {{ ref('fct_imr_decisions') }}

),

-- Small first: decided items by year, category and subcategory.
counts as (

    select
        cast(extract(year from decision_date) as integer) as decision_year,
        service_category,
        service_subcategory,
        count(*) as decisions,
        sum(case when is_overturned then 1 else 0 end) as overturned
    from decisions
    group by cast(extract(year from decision_date) as integer), service_category, service_subcategory

),

rate_figures as (

    select
        figures.*,
        measure in ('overturn_rate', 'uphold_rate') as is_rate,
        measure in ('share_of_pharmaceutical_requests', 'share_of_pharmaceutical_service_decisions') as is_share_of_category
    from figures
    where measure in ('overturn_rate', 'uphold_rate', 'share_of_requests', 'share_of_service_decisions',
                      'share_of_pharmaceutical_requests', 'share_of_pharmaceutical_service_decisions')

),

-- Per figure, the items it counts (in_scope: the denominator) and those it measures (the numerator).
scoped as (

    select
        rate_figures.figure_id,
        counts.decisions,
        counts.overturned,
        (rate_figures.service_category is null or counts.service_category = rate_figures.service_category)
            and (rate_figures.service_subcategory is null or counts.service_subcategory = rate_figures.service_subcategory)
            as is_figure_scope,
        counts.service_category = rate_figures.service_category as is_figure_category,
        rate_figures.is_rate,
        rate_figures.is_share_of_category,
        rate_figures.measure
    from rate_figures
    inner join counts
        on rate_figures.data_year = counts.decision_year

),

measured as (

    select
        figure_id,
        -- bigint on both engines (DuckDB sums to a 128-bit integer, which readers take as a decimal)
        cast(sum(case
            when is_rate and is_figure_scope then decisions
            when is_share_of_category and is_figure_category then decisions
            when not is_rate and not is_share_of_category then decisions
            else 0
        end) as bigint) as warehouse_decisions,
        cast(sum(case
            when not is_figure_scope then 0
            when measure = 'overturn_rate' then overturned
            when measure = 'uphold_rate' then decisions - overturned
            else decisions
        end) as bigint) as warehouse_count
    from scoped
    group by figure_id

),

compared as (

    select
        rate_figures.figure_id,
        rate_figures.publisher,
        rate_figures.data_year,
        rate_figures.period,
        rate_figures.measure,
        rate_figures.service_category,
        rate_figures.service_subcategory,
        rate_figures.unit,
        rate_figures.value as published_value,
        rate_figures.qualifier,
        rate_figures.value_high as published_value_high,
        case rate_figures.qualifier when 'at_most' then 0.0 else rate_figures.value end as published_low,
        case rate_figures.qualifier when 'at_least' then 1.0 when 'range' then rate_figures.value_high else rate_figures.value end
            as published_high,
        coalesce(measured.warehouse_decisions, 0) as warehouse_decisions,
        coalesce(measured.warehouse_count, 0) as warehouse_count,
        rate_figures.source,
        rate_figures.note
    from rate_figures
    left join measured
        on rate_figures.figure_id = measured.figure_id

),

with_interval as (

    select
        compared.*,
        {{ wilson_interval('warehouse_count', 'nullif(warehouse_decisions, 0)', rate='warehouse_value') }}
    from compared

),

judged as (

    select
        figure_id,
        publisher,
        data_year,
        period,
        measure,
        service_category,
        service_subcategory,
        unit,
        published_value,
        qualifier,
        published_value_high,
        warehouse_decisions,
        warehouse_count,
        warehouse_value,
        case when warehouse_decisions > 0 then ci_low end as ci_low,
        case when warehouse_decisions > 0 then ci_high end as ci_high,
        warehouse_decisions < {{ var('min_group_decisions') }} as is_small_group,
        case
            when warehouse_decisions = 0 then 'no letters'
            when warehouse_decisions < {{ var('min_group_decisions') }} then 'too few letters'
            when ci_high < published_low then 'warehouse lower'
            when ci_low > published_high then 'warehouse higher'
            else 'consistent'
        end as comparison,
        source,
        note
    from with_interval

)

select * from judged
