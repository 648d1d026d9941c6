-- Overturn rate by the guideline the reviewer cited first: family (MTUS, ODG, ACOEM, OTHER,
-- or None cited) and canonical chapter.
with

decisions as (

    select * from {{ ref('fct_imr_decisions') }}

),

rates as (

    select
        reviewer_guideline_family as guideline_family,
        reviewer_guideline_chapter as guideline_chapter,
        {{ overturn_rate_columns() }}
    from decisions
    group by reviewer_guideline_family, reviewer_guideline_chapter

)

select * from rates
