with

source as (

    select * from {{ source('imr', 'ingest_runs') }}

),

renamed as (

    select
        load_id,
        started_at,
        ended_at,
        parser_version,
        files_seen,
        loaded as files_loaded,
        duplicates as files_duplicate,
        quarantined as files_quarantined,
        reparsed as letters_reparsed,
        status as run_status

    from source

)

select * from renamed
