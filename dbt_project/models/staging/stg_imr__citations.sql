with

source as (

    select * from {{ source('imr', 'citations') }}

),

renamed as (

    select
        {{ dbt.concat([
            "sha256", "'-'", dbt.cast("item_ordinal", api.Column.translate_type("string")), "'-'", "party", "'-'",
            dbt.cast("citation_ordinal", api.Column.translate_type("string")),
        ]) }} as citation_key,
        {{ dbt.concat(["sha256", "'-'", dbt.cast("item_ordinal", api.Column.translate_type("string"))]) }} as item_key,
        sha256 as letter_sha256,
        item_ordinal,
        party,
        citation_ordinal,
        source as guideline_source,
        family as guideline_family,
        title as guideline_title,
        year as edition_year,
        sections,
        text as citation_text,
        load_id

    from source

)

select * from renamed
