-- Citations of current letters with one canonical guideline family and chapter each, from the
-- guideline_chapters seed (first matching rule for the citation's source, by priority).
with

citations as (

    select * from {{ ref('stg_imr__citations') }}

),

letters as (

    select * from {{ ref('stg_imr__letters') }}

),

chapter_rules as (

    select * from {{ ref('guideline_chapters') }}

),

current_citations as (

    select citations.*
    from citations
    inner join letters
        on citations.letter_sha256 = letters.letter_sha256

),

matched as (

    select
        current_citations.*,
        {{ first_matching_rule('lower(current_citations.guideline_title)', 'guideline_chapters',
                               when_column='source', equals='current_citations.guideline_source') }}
            as chapter_rule_id
    from current_citations

),

normalized as (

    select
        matched.citation_key,
        matched.item_key,
        matched.letter_sha256,
        matched.item_ordinal,
        matched.party,
        matched.citation_ordinal,
        matched.guideline_source,
        coalesce(chapter_rules.guideline_family, matched.guideline_family) as guideline_family,
        coalesce(chapter_rules.chapter, matched.guideline_title) as guideline_chapter,
        matched.chapter_rule_id,
        matched.guideline_title,
        matched.edition_year,
        matched.sections,
        matched.citation_text
    from matched
    left join chapter_rules
        on matched.chapter_rule_id = chapter_rules.rule_id

)

select * from normalized
