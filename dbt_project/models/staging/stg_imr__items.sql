with

source as (

    select * from {{ source('imr', 'items') }}

),

renamed as (

    select
        {{ sha256_key('sha256') }} as letter_key,
        sha256 as letter_sha256,
        ordinal as item_ordinal,
        treatment,
        original_request,
        decision,
        rationale,
        load_id

    from source

)

select * from renamed
