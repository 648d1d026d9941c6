-- Each diagnosis of a current letter, in the letter's order, with its body region
-- (diagnosis_region_rules) and condition group (diagnosis_condition_rules): the first matching
-- rule by priority wins. The rules run once per distinct lower-cased diagnosis.
with

letters as (

    select * from {{ ref('int_letters_described') }}

),

region_rules as (

    select * from {{ ref('diagnosis_region_rules') }}

),

condition_rules as (

    select * from {{ ref('diagnosis_condition_rules') }}

),

letter_diagnoses as (

    select
        letter_key,
        {{ explode_with_position('diagnoses', 'position', 'diagnosis') }}
    from letters

),

diagnosis_texts as (

    select distinct lower(diagnosis) as diagnosis_text
    from letter_diagnoses

),

matched as (

    select
        diagnosis_text,
        {{ first_matching_rule('diagnosis_text', 'diagnosis_region_rules') }} as region_rule_id,
        {{ first_matching_rule('diagnosis_text', 'diagnosis_condition_rules') }} as condition_rule_id
    from diagnosis_texts

),

grouped as (

    select
        letter_diagnoses.letter_key,
        letter_diagnoses.position + 1 as diagnosis_ordinal,
        letter_diagnoses.diagnosis,
        coalesce(region_rules.body_region, 'Unspecified') as body_region,
        coalesce(condition_rules.condition_group, 'Unclassified') as condition_group,
        matched.region_rule_id,
        matched.condition_rule_id
    from letter_diagnoses
    inner join matched
        on lower(letter_diagnoses.diagnosis) = matched.diagnosis_text
    left join region_rules
        on matched.region_rule_id = region_rules.rule_id
    left join condition_rules
        on matched.condition_rule_id = condition_rules.rule_id

)

select * from grouped
