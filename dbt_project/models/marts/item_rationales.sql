-- The reviewer's decision rationale of every decided item, keyed like fct_imr_decisions and
-- fct_item_reasons (item_key): the text an analyst reads behind any number.
with

decisions as (

    select * from {{ ref('fct_imr_decisions') }}

),

items as (

    select * from {{ ref('stg_imr__items') }}

),

rationales as (

    select
        decisions.item_key,
        decisions.letter_sha256,
        decisions.case_number,
        decisions.item_ordinal,
        decisions.treatment,
        decisions.decision,
        items.rationale
    from decisions
    inner join items
        on decisions.letter_sha256 = items.letter_sha256
        and decisions.item_ordinal = items.item_ordinal

)

select * from rationales
