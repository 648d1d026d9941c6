-- One current document per case: a re-issued letter (same case number, other bytes) replaces
-- the earlier one by decision date, then by load time. Letters without a case number stand alone.
-- A letter set aside (a row-level check failed, not released) is left out before the ranking.
with

source as (

    select * from {{ source('imr', 'letters') }}

),

set_aside as (

    select * from {{ source('imr', 'set_aside') }}

),

held as (

    select distinct sha256
    from set_aside
    where released_at is null

),

kept as (

    select source.*
    from source
    left join held
        on source.sha256 = held.sha256
    where held.sha256 is null

),

renamed as (

    select
        {{ sha256_key('sha256') }} as letter_key,
        sha256 as letter_sha256,
        case_number,
        source_file,
        source_path,
        file_size as file_size_bytes,
        decision_date,
        date_assigned,
        date_of_injury,
        ur_denial_date,
        application_received as application_received_date,
        priority,
        reviewer_licensure,
        reviewer_specialties,
        patient_age,
        patient_sex,
        diagnoses,
        determination,
        parser_version,
        load_id,
        loaded_at

    from kept

),

ranked as (

    select
        renamed.*,
        row_number() over (
            partition by coalesce(case_number, letter_sha256)
            order by decision_date desc nulls last, loaded_at desc, letter_sha256
        ) as document_rank
    from renamed

)

select
    letter_key,
    letter_sha256,
    case_number,
    source_file,
    source_path,
    file_size_bytes,
    decision_date,
    date_assigned,
    date_of_injury,
    ur_denial_date,
    application_received_date,
    priority,
    reviewer_licensure,
    reviewer_specialties,
    patient_age,
    patient_sex,
    diagnoses,
    determination,
    parser_version,
    load_id,
    loaded_at
from ranked
where document_rank = 1
