with

source as (

    select * from {{ source('imr', 'sources') }}

),

renamed as (

    select
        sha256 as file_sha256,
        source_path,
        load_id,
        first_seen_at

    from source

)

select * from renamed
