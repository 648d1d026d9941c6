with

source as (

    select * from {{ source('imr', 'quarantine') }}

),

renamed as (

    select
        source_path,
        source_file,
        sha256 as file_sha256,
        file_size as file_size_bytes,
        error_kind,
        message as error_message,
        load_id,
        quarantined_at

    from source

)

select * from renamed
