-- One row per decided item of a current letter, wide: what was asked, what IMR decided, how the
-- item is classified, who reviewed it, what each side cited, and when; for medicines the drug,
-- strength and quantity, and the letter's first-listed (primary) diagnosis grouped by region and condition.
with

items as (

    select * from {{ ref('int_items_classified') }}

),

guidelines as (

    select * from {{ ref('int_item_guidelines') }}

),

letters as (

    select * from {{ ref('int_letters_described') }}

),

drugs as (

    select * from {{ ref('int_item_drugs') }}

),

primary_diagnoses as (

    select * from {{ ref('int_letter_diagnoses') }}
    where diagnosis_ordinal = 1

),

decisions as (

    select
        {{ dbt.concat(['letters.letter_sha256', "'-'", dbt.cast('items.item_ordinal', api.Column.translate_type('string'))]) }}
            as item_key,
        letters.letter_sha256,
        letters.case_number,
        items.item_ordinal,
        items.treatment,
        items.original_request,
        items.decision,
        items.is_overturned,
        items.service_category,
        items.service_subcategory,
        items.drug_class,
        items.body_region,
        items.laterality,
        items.is_retrospective,
        items.is_modified_ur,
        items.is_associated_surgical_service,
        letters.reviewer_specialty,
        letters.primary_specialty_as_written as reviewer_specialty_as_written,
        letters.reviewer_licensure_states,
        coalesce(guidelines.reviewer_guideline_family, 'None cited') as reviewer_guideline_family,
        coalesce(guidelines.reviewer_guideline_chapter, 'None cited') as reviewer_guideline_chapter,
        coalesce(guidelines.reviewer_citation_count, 0) as reviewer_citation_count,
        coalesce(guidelines.ca_guideline_family, 'None cited') as ca_guideline_family,
        coalesce(guidelines.ca_guideline_chapter, 'None cited') as ca_guideline_chapter,
        coalesce(guidelines.ca_citation_count, 0) as ca_citation_count,
        coalesce(guidelines.ca_citation_count, 0) > 0 as ca_cited_evidence,
        letters.determination as letter_determination,
        letters.priority,
        letters.decision_date,
        letters.decision_month,
        letters.date_of_injury,
        letters.application_received_date,
        letters.days_application_to_decision,
        letters.patient_age,
        letters.patient_age_band,
        letters.patient_sex,
        drugs.drug_name,
        drugs.drug_strength,
        drugs.drug_quantity,
        drugs.drug_quantity_band,
        primary_diagnoses.diagnosis as primary_diagnosis,
        coalesce(primary_diagnoses.body_region, 'No diagnosis') as primary_diagnosis_body_region,
        coalesce(primary_diagnoses.condition_group, 'No diagnosis') as primary_diagnosis_condition_group
    from items
    left join guidelines
        on items.letter_key = guidelines.letter_key
        and items.item_ordinal = guidelines.item_ordinal
    inner join letters
        on items.letter_key = letters.letter_key
    left join drugs
        on items.letter_key = drugs.letter_key
        and items.item_ordinal = drugs.item_ordinal
    left join primary_diagnoses
        on items.letter_key = primary_diagnoses.letter_key

)

select * from decisions
