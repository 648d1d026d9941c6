-- Per item, the guideline each side cited first (family and canonical chapter) and how many
-- citations each side gave. An item whose side cited nothing gets 'None cited'.
with

citations as (

    select * from {{ ref('int_citations_normalized') }}

),

items as (

    select * from {{ ref('int_items_classified') }}

),

per_item as (

    select
        letter_sha256,
        item_ordinal,
        sum(case when party = 'reviewer' then 1 else 0 end) as reviewer_citation_count,
        sum(case when party = 'claims_administrator' then 1 else 0 end) as ca_citation_count,
        max(case when party = 'reviewer' and citation_ordinal = 1 then guideline_family end)
            as reviewer_guideline_family,
        max(case when party = 'reviewer' and citation_ordinal = 1 then guideline_chapter end)
            as reviewer_guideline_chapter,
        max(case when party = 'claims_administrator' and citation_ordinal = 1 then guideline_family end)
            as ca_guideline_family,
        max(case when party = 'claims_administrator' and citation_ordinal = 1 then guideline_chapter end)
            as ca_guideline_chapter
    from citations
    group by letter_sha256, item_ordinal

),

guidelines as (

    select
        items.item_key,
        coalesce(per_item.reviewer_citation_count, 0) as reviewer_citation_count,
        coalesce(per_item.ca_citation_count, 0) as ca_citation_count,
        coalesce(per_item.ca_citation_count, 0) > 0 as ca_cited_evidence,
        coalesce(per_item.reviewer_guideline_family, 'None cited') as reviewer_guideline_family,
        coalesce(per_item.reviewer_guideline_chapter, 'None cited') as reviewer_guideline_chapter,
        coalesce(per_item.ca_guideline_family, 'None cited') as ca_guideline_family,
        coalesce(per_item.ca_guideline_chapter, 'None cited') as ca_guideline_chapter
    from items
    left join per_item
        on items.letter_sha256 = per_item.letter_sha256
        and items.item_ordinal = per_item.item_ordinal

)

select * from guidelines
