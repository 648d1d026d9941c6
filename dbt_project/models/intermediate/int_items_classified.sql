-- Each item of a current letter, classified by the rules in the seeds: service category,
-- subcategory and drug class (service_taxonomy), body region (body_region_rules), laterality
-- (laterality_rules), and flags (item_flag_rules). The first matching rule by priority wins.
-- The flag rules are read when the model compiles (any_rule_matches):
-- depends_on: {{ ref('item_flag_rules') }}
with

items as (

    select * from {{ ref('stg_imr__items') }}

),

letters as (

    select * from {{ ref('int_letters_described') }}

),

taxonomy as (

    select * from {{ ref('service_taxonomy') }}

),

body_region_rules as (

    select * from {{ ref('body_region_rules') }}

),

laterality_rules as (

    select * from {{ ref('laterality_rules') }}

),

current_items as (

    select
        items.letter_key,
        items.item_ordinal,
        items.treatment,
        items.original_request,
        items.decision,
        lower(items.treatment) as treatment_text
    from items
    inner join letters
        on items.letter_key = letters.letter_key

),

-- The rules run once per distinct text, not once per item: names repeat across letters.
treatment_texts as (

    select distinct treatment_text
    from current_items

),

matched as (

    select
        treatment_text,
        {{ first_matching_rule('treatment_text', 'service_taxonomy') }} as service_rule_id,
        {{ first_matching_rule('treatment_text', 'body_region_rules') }} as body_region_rule_id,
        {{ first_matching_rule('treatment_text', 'laterality_rules') }} as laterality_rule_id,
        {{ any_rule_matches('treatment_text', 'item_flag_rules', 'flag', 'is_retrospective') }} as is_retrospective,
        {{ any_rule_matches('treatment_text', 'item_flag_rules', 'flag', 'is_associated_surgical_service') }}
            as is_associated_surgical_service
    from treatment_texts

),

classified as (

    select
        current_items.letter_key,
        current_items.item_ordinal,
        current_items.treatment,
        current_items.original_request,
        current_items.decision,
        current_items.decision = 'overturned' as is_overturned,
        coalesce(taxonomy.service_category, 'Other') as service_category,
        coalesce(taxonomy.service_subcategory, 'Other') as service_subcategory,
        taxonomy.drug_class,
        matched.service_rule_id,
        coalesce(body_region_rules.body_region, 'Unspecified') as body_region,
        coalesce(laterality_rules.laterality, 'unspecified') as laterality,
        matched.is_retrospective,
        current_items.original_request is not null as is_modified_ur,
        matched.is_associated_surgical_service
    from current_items
    inner join matched
        on current_items.treatment_text = matched.treatment_text
    left join taxonomy
        on matched.service_rule_id = taxonomy.rule_id
    left join body_region_rules
        on matched.body_region_rule_id = body_region_rules.rule_id
    left join laterality_rules
        on matched.laterality_rule_id = laterality_rules.rule_id

)

select * from classified
