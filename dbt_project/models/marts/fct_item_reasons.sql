-- One row per decided item and reason its rationale gives (int_item_reasons), with the item's
-- keys, decision, classification and dates from fct_imr_decisions: what the reason-rate marts
-- count, and where an analyst asks "why" of any slice of the fact.
with

reasons as (

    select * from {{ ref('int_item_reasons') }}

),

letters as (

    select * from {{ ref('int_letters_described') }}

),

decisions as (

    select * from {{ ref('fct_imr_decisions') }}

),

reasons_by_letter_hash as (

    select
        letters.letter_sha256,
        reasons.item_ordinal,
        reasons.reason,
        reasons.is_primary_reason,
        reasons.rule_ids
    from reasons
    inner join letters
        on reasons.letter_key = letters.letter_key

),

item_reasons as (

    select
        decisions.item_key,
        decisions.letter_sha256,
        decisions.case_number,
        decisions.item_ordinal,
        reasons_by_letter_hash.reason,
        reasons_by_letter_hash.is_primary_reason,
        reasons_by_letter_hash.rule_ids,
        decisions.decision,
        decisions.is_overturned,
        decisions.service_category,
        decisions.service_subcategory,
        decisions.drug_class,
        decisions.decision_date,
        decisions.decision_month
    from reasons_by_letter_hash
    inner join decisions
        on reasons_by_letter_hash.letter_sha256 = decisions.letter_sha256
        and reasons_by_letter_hash.item_ordinal = decisions.item_ordinal

)

select * from item_reasons
