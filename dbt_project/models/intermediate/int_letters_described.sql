-- Letter-level attributes analysts group by: the reviewer's normalized primary specialty,
-- licensure, the patient's age band, decision month and turnaround; and the diagnoses list, which
-- int_letter_diagnoses reads here rather than redo staging's choice of current documents. Months
-- are dates (date_trunc gives a timestamp) and days integers (DuckDB's date difference is a
-- bigint, Spark's an int).
with

letters as (

    select * from {{ ref('stg_imr__letters') }}

),

specialty_variants as (

    select * from {{ ref('reviewer_specialty_variants') }}

),

age_bands as (

    select * from {{ ref('age_bands') }}

),

with_primary_specialty as (

    select
        letters.*,
        {{ list_first('letters.reviewer_specialties') }} as primary_specialty_as_written,
        {{ list_join('letters.reviewer_licensure', "','") }} as reviewer_licensure_states,
        {{ list_length('letters.reviewer_licensure') }} as reviewer_licensure_count
    from letters

),

described as (

    select
        with_primary_specialty.letter_key,
        with_primary_specialty.letter_sha256,
        with_primary_specialty.case_number,
        with_primary_specialty.decision_date,
        {{ dbt.cast(dbt.date_trunc('month', 'with_primary_specialty.decision_date'), 'date') }} as decision_month,
        with_primary_specialty.date_assigned,
        with_primary_specialty.date_of_injury,
        with_primary_specialty.ur_denial_date,
        with_primary_specialty.application_received_date,
        {{ dbt.cast(dbt.datediff('with_primary_specialty.application_received_date', 'with_primary_specialty.decision_date', 'day'),
                    dbt.type_int()) }} as days_application_to_decision,
        with_primary_specialty.priority,
        with_primary_specialty.primary_specialty_as_written,
        coalesce(specialty_variants.specialty, with_primary_specialty.primary_specialty_as_written)
            as reviewer_specialty,
        with_primary_specialty.reviewer_licensure_states,
        with_primary_specialty.reviewer_licensure_count,
        with_primary_specialty.patient_age,
        coalesce(age_bands.age_band, 'unknown') as patient_age_band,
        coalesce(with_primary_specialty.patient_sex, 'unknown') as patient_sex,
        with_primary_specialty.determination,
        with_primary_specialty.diagnoses
    from with_primary_specialty
    left join specialty_variants
        on with_primary_specialty.primary_specialty_as_written = specialty_variants.variant
    left join age_bands
        on with_primary_specialty.patient_age between age_bands.min_age and age_bands.max_age

)

select * from described
