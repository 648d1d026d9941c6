-- Citations of current letters with one canonical guideline family and chapter each, from the
-- guideline_chapters seed (first matching rule for the citation's source, by priority).
-- A view on DuckDB: its one model reader (int_item_guidelines) aggregates it to one row per item,
-- and writing millions of citation rows to a table costs more than reading them through once.
-- A table on Spark, whose Derby metastore cannot keep a view's text this long (the rules' CASE).
{{ config(materialized='table' if target.type == 'spark' else 'view') }}
with

citations as (

    select * from {{ ref('stg_imr__citations') }}

),

letters as (

    select * from {{ ref('int_letters_described') }}

),

chapter_rules as (

    select * from {{ ref('guideline_chapters') }}

),

current_citations as (

    select citations.*
    from citations
    inner join letters
        on citations.letter_key = letters.letter_key

),

-- The rules run once per distinct (source, title), not once per citation: titles repeat.
citation_titles as (

    select distinct
        guideline_source,
        lower(guideline_title) as title_text
    from current_citations

),

matched as (

    select
        guideline_source,
        title_text,
        {{ first_matching_rule('title_text', 'guideline_chapters',
                               when_column='source', equals='guideline_source') }}
            as chapter_rule_id
    from citation_titles

),

normalized as (

    select
        current_citations.letter_key,
        current_citations.item_ordinal,
        current_citations.party,
        current_citations.citation_ordinal,
        current_citations.guideline_source,
        coalesce(chapter_rules.guideline_family, current_citations.guideline_family) as guideline_family,
        coalesce(chapter_rules.chapter, current_citations.guideline_title) as guideline_chapter,
        matched.chapter_rule_id,
        current_citations.guideline_title,
        current_citations.edition_year,
        current_citations.sections
    from current_citations
    inner join matched
        on current_citations.guideline_source = matched.guideline_source
        and lower(current_citations.guideline_title) = matched.title_text
    left join chapter_rules
        on matched.chapter_rule_id = chapter_rules.rule_id

)

select * from normalized
