with

source as (

    select * from {{ source('imr', 'citations') }}

),

renamed as (

    select
        {{ sha256_key('sha256') }} as letter_key,
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
