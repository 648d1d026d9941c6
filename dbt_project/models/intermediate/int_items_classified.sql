-- Each item of a current letter, classified by the rules in the seeds: service category,
-- subcategory and drug class (service_taxonomy), body region, laterality, and flags
-- (retrospective, associated surgical service). The first matching rule by priority wins.
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

service_matches as (

    select
        current_items.item_key,
        taxonomy.rule_id as service_rule_id,
        taxonomy.service_category,
        taxonomy.service_subcategory,
        taxonomy.drug_class,
        row_number() over (
            partition by current_items.item_key order by taxonomy.priority, taxonomy.rule_id
        ) as match_rank
    from current_items
    inner join taxonomy
        on {{ regex_matches('current_items.treatment_text', 'taxonomy.pattern') }}

),

region_matches as (

    select
        current_items.item_key,
        body_region_rules.body_region,
        row_number() over (
            partition by current_items.item_key order by body_region_rules.priority, body_region_rules.rule_id
        ) as match_rank
    from current_items
    inner join body_region_rules
        on {{ regex_matches('current_items.treatment_text', 'body_region_rules.pattern') }}

),

laterality_matches as (

    select
        current_items.item_key,
        laterality_rules.laterality,
        row_number() over (
            partition by current_items.item_key order by laterality_rules.priority, laterality_rules.rule_id
        ) as match_rank
    from current_items
    inner join laterality_rules
        on {{ regex_matches('current_items.treatment_text', 'laterality_rules.pattern') }}

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
        current_items.item_key,
        current_items.letter_sha256,
        current_items.item_ordinal,
        current_items.treatment,
        current_items.original_request,
        current_items.decision,
        current_items.decision = 'overturned' as is_overturned,
        coalesce(service_matches.service_category, 'Other') as service_category,
        coalesce(service_matches.service_subcategory, 'Other') as service_subcategory,
        service_matches.drug_class,
        service_matches.service_rule_id,
        coalesce(region_matches.body_region, 'Unspecified') as body_region,
        coalesce(laterality_matches.laterality, 'unspecified') as laterality,
        coalesce(flags.is_retrospective, false) as is_retrospective,
        current_items.original_request is not null as is_modified_ur,
        coalesce(flags.is_associated_surgical_service, false) as is_associated_surgical_service
    from current_items
    left join service_matches
        on current_items.item_key = service_matches.item_key and service_matches.match_rank = 1
    left join region_matches
        on current_items.item_key = region_matches.item_key and region_matches.match_rank = 1
    left join laterality_matches
        on current_items.item_key = laterality_matches.item_key and laterality_matches.match_rank = 1
    left join flags
        on current_items.item_key = flags.item_key

)

select * from classified
