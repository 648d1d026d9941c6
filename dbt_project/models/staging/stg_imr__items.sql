with

source as (

    select * from {{ source('imr', 'items') }}

),

renamed as (

    select
        {{ dbt.concat(["sha256", "'-'", dbt.cast("ordinal", api.Column.translate_type("string"))]) }} as item_key,
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
