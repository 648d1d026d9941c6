-- Each item of a current letter, classified by the rules in the seeds: service category,
-- subcategory and drug class (service_taxonomy), body region (body_region_rules), laterality
-- (laterality_rules), and flags (item_flag_rules). The first matching rule by priority wins.
with

items as (

    select * from {{ ref('stg_imr__items') }}

),

letters as (

    select * from {{ ref('stg_imr__letters') }}

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

flag_rules as (

    select * from {{ ref('item_flag_rules') }}

),

current_items as (

    select
        items.item_key,
        items.letter_sha256,
        items.item_ordinal,
        items.treatment,
        items.original_request,
        items.decision,
        lower(items.treatment) as treatment_text
    from items
    inner join letters
        on items.letter_sha256 = letters.letter_sha256

),

matched as (

    select
        current_items.*,
        {{ first_matching_rule('current_items.treatment_text', 'service_taxonomy') }} as service_rule_id,
        {{ first_matching_rule('current_items.treatment_text', 'body_region_rules') }} as body_region_rule_id,
        {{ first_matching_rule('current_items.treatment_text', 'laterality_rules') }} as laterality_rule_id
    from current_items

),

flags as (

    select
        current_items.item_key,
        max(case when flag_rules.flag = 'is_retrospective' then 1 else 0 end) = 1 as is_retrospective,
        max(case when flag_rules.flag = 'is_associated_surgical_service' then 1 else 0 end) = 1
            as is_associated_surgical_service
    from current_items
    inner join flag_rules
        on {{ regex_matches('current_items.treatment_text', 'flag_rules.pattern') }}
    group by current_items.item_key

),

classified as (

    select
        matched.item_key,
        matched.letter_sha256,
        matched.item_ordinal,
        matched.treatment,
        matched.original_request,
        matched.decision,
        matched.decision = 'overturned' as is_overturned,
        coalesce(taxonomy.service_category, 'Other') as service_category,
        coalesce(taxonomy.service_subcategory, 'Other') as service_subcategory,
        taxonomy.drug_class,
        matched.service_rule_id,
        coalesce(body_region_rules.body_region, 'Unspecified') as body_region,
        coalesce(laterality_rules.laterality, 'unspecified') as laterality,
        coalesce(flags.is_retrospective, false) as is_retrospective,
        matched.original_request is not null as is_modified_ur,
        coalesce(flags.is_associated_surgical_service, false) as is_associated_surgical_service
    from matched
    left join taxonomy
        on matched.service_rule_id = taxonomy.rule_id
    left join body_region_rules
        on matched.body_region_rule_id = body_region_rules.rule_id
    left join laterality_rules
        on matched.laterality_rule_id = laterality_rules.rule_id
    left join flags
        on matched.item_key = flags.item_key

)

select * from classified
