-- The reasons each decided item's rationale gives, one row per item and reason, by the rules in
-- seeds rationale_quote_rules and rationale_reason_rules (docs/warehouse.md, "Why: the reasons"):
--   1. the lower-cased rationale is cut into sentences (var rationale_sentence_break);
--   2. an upheld item's sentence is not read when a boilerplate rule matches it, or a quote rule
--      does and no case rule does: a quotation of the guideline, not the reviewer's finding. An
--      overturned item's sentences are all read (its quotations state the criteria the reviewer
--      then finds met);
--   3. every reason rule of the item's decision whose pattern matches a read sentence adds its
--      reason; an item that no rule matches gets 'other'.
-- The rules are read when the model compiles (matching_rule_ids, any_rule_matches):
-- depends_on: {{ ref('rationale_quote_rules') }}
with

items as (

    select * from {{ ref('stg_imr__items') }}

),

letters as (

    select * from {{ ref('int_letters_described') }}

),

reason_rules as (

    select * from {{ ref('rationale_reason_rules') }}

),

vocabulary as (

    select * from {{ ref('rationale_reasons') }}

),

current_items as (

    select
        items.letter_key,
        items.item_ordinal,
        items.decision,
        items.rationale
    from items
    inner join letters
        on items.letter_key = letters.letter_key

),

sentences as (

    select
        letter_key,
        item_ordinal,
        decision,
        {{ explode_with_position(split_regex('lower(rationale)', sql_string(var('rationale_sentence_break'), regex=true)),
                                 'sentence_ordinal', 'sentence') }}
    from current_items

),

-- The rules read each distinct (decision, sentence) once: reviewers paste the same guideline
-- passages and conclusions into many letters, and the regular expressions are the model's cost.
distinct_sentences as (

    select distinct
        decision,
        sentence
    from sentences

),

read_sentences as (

    select *
    from distinct_sentences
    where decision = 'overturned'
        or not (
            {{ any_rule_matches('sentence', 'rationale_quote_rules', 'kind', 'boilerplate') }}
            or ({{ any_rule_matches('sentence', 'rationale_quote_rules', 'kind', 'quote') }}
                and not {{ any_rule_matches('sentence', 'rationale_quote_rules', 'kind', 'case') }})
        )

),

matched as (

    select
        decision,
        sentence,
        {{ matching_rule_ids('sentence', 'rationale_reason_rules', when_column='decision', equals='decision') }}
            as rule_ids
    from read_sentences

),

sentence_hits as (

    select
        decision,
        sentence,
        {{ explode(split_regex('rule_ids', "'[|]'")) }} as rule_id
    from matched
    where rule_ids <> ''

),

rule_hits as (

    select
        sentences.letter_key,
        sentences.item_ordinal,
        sentence_hits.rule_id
    from sentences
    inner join sentence_hits
        on sentences.decision = sentence_hits.decision
        and sentences.sentence = sentence_hits.sentence

),

given_reasons as (

    select
        rule_hits.letter_key,
        rule_hits.item_ordinal,
        reason_rules.reason,
        {{ sorted_distinct_join('rule_hits.rule_id', "','") }} as rule_ids
    from rule_hits
    inner join reason_rules
        on rule_hits.rule_id = reason_rules.rule_id
    group by rule_hits.letter_key, rule_hits.item_ordinal, reason_rules.reason

),

-- Every decided item: its reasons, or 'other' when no rule matched.
item_reasons as (

    select
        current_items.letter_key,
        current_items.item_ordinal,
        current_items.decision,
        coalesce(given_reasons.reason, 'other') as reason,
        given_reasons.rule_ids
    from current_items
    left join given_reasons
        on current_items.letter_key = given_reasons.letter_key
        and current_items.item_ordinal = given_reasons.item_ordinal

),

ranked as (

    select
        item_reasons.letter_key,
        item_reasons.item_ordinal,
        item_reasons.decision,
        item_reasons.reason,
        row_number() over (
            partition by item_reasons.letter_key, item_reasons.item_ordinal
            order by vocabulary.priority
        ) = 1 as is_primary_reason,
        item_reasons.rule_ids
    from item_reasons
    inner join vocabulary
        on item_reasons.reason = vocabulary.reason
        and item_reasons.decision = vocabulary.decision

)

select * from ranked
