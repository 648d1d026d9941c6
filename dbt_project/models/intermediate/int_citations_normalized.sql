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

chapter_matches as (

    select
        current_citations.citation_key,
        chapter_rules.guideline_family,
        chapter_rules.chapter,
        row_number() over (
            partition by current_citations.citation_key order by chapter_rules.priority, chapter_rules.rule_id
        ) as match_rank
    from current_citations
    inner join chapter_rules
        on current_citations.guideline_source = chapter_rules.source
        and {{ regex_matches('lower(current_citations.guideline_title)', 'chapter_rules.pattern') }}

),

normalized as (

    select
        current_citations.citation_key,
        current_citations.item_key,
        current_citations.letter_sha256,
        current_citations.item_ordinal,
        current_citations.party,
        current_citations.citation_ordinal,
        current_citations.guideline_source,
        coalesce(chapter_matches.guideline_family, current_citations.guideline_family) as guideline_family,
        coalesce(chapter_matches.chapter, current_citations.guideline_title) as guideline_chapter,
        current_citations.guideline_title,
        current_citations.edition_year,
        current_citations.sections,
        current_citations.citation_text
    from current_citations
    left join chapter_matches
        on current_citations.citation_key = chapter_matches.citation_key and chapter_matches.match_rank = 1

)

select * from normalized
