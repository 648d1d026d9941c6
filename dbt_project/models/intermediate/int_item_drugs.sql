-- The drug each pharmaceutical item asks for: the generic ingredients (drug_names and
-- compound_ingredients), the strength and the quantity as written (drug_parse_rules), and the
-- quantity's band (drug_quantity_bands). The parse runs once per distinct text and joins back.
-- The strength and quantity rules are read when the model compiles:
-- depends_on: {{ ref('drug_parse_rules') }}
with

items as (

    select * from {{ ref('int_items_classified') }}

),

drug_names as (

    select * from {{ ref('drug_names') }}

),

compound_ingredients as (

    select * from {{ ref('compound_ingredients') }}

),

prefix_blocklist as (

    select * from {{ ref('drug_name_prefix_blocklist') }}

),

quantity_bands as (

    select * from {{ ref('drug_quantity_bands') }}

),

pharmaceutical_items as (

    select
        letter_key,
        item_ordinal,
        lower(treatment) as treatment_text
    from items
    where service_category = 'Pharmaceuticals'

),

treatment_texts as (

    select distinct treatment_text
    from pharmaceutical_items

),

-- The misspelling fallback: the first 7 letters of every one-word name of 7 or more letters, where
-- all such names mean the same ingredient or product (not hydroco-done/-rtisone) and the prefix
-- begins no English word (the blocklist: "restori" begins "restoring").
name_prefixes as (

    select
        substr(drug_names.name, 1, 7) as prefix,
        max(drug_names.ingredient) as ingredient,
        max(drug_names.product) as product
    from drug_names
    left join prefix_blocklist
        on substr(drug_names.name, 1, 7) = prefix_blocklist.prefix
    where instr(drug_names.name, ' ') = 0
        and length(drug_names.name) >= 7
        and prefix_blocklist.prefix is null
    group by substr(drug_names.name, 1, 7)
    having count(distinct coalesce(drug_names.ingredient, '') || '|' || coalesce(drug_names.product, '')) = 1
        and max(coalesce(drug_names.ingredient, drug_names.product, '')) <> ''

),

-- The name key: every run of characters other than a-z0-9 becomes one space, as the seed's names
-- are written. k1 and k2 drop the first one and two words, so that the non-overlapping matches of
-- "w w" in k0 and k1 are every word pair, and of "w w w" in k0, k1 and k2 every triple.
keys as (

    select
        treatment_text,
        trim({{ regexp_replace_all('treatment_text', "'[^a-z0-9]+'", ' ') }}) as k0
    from treatment_texts

),

shifted_once as (

    select
        treatment_text,
        k0,
        case when instr(k0, ' ') > 0 then substr(k0, instr(k0, ' ') + 1) else '' end as k1
    from keys

),

shifted as (

    select
        treatment_text,
        k0,
        k1,
        case when instr(k1, ' ') > 0 then substr(k1, instr(k1, ' ') + 1) else '' end as k2
    from shifted_once

),

-- Every word, pair and triple of each text, exploded from one list (one pass over the texts; a
-- union of six explodes computed the keys six times). No distinct: a repeated word repeats rows
-- that the set aggregate at the end collapses, and a distinct here was two thirds of the time.
{% set word = '[a-z0-9]+' %}
{% set gram_lists = [] %}
{% for key, words in [('k0', 1), ('k0', 2), ('k1', 2), ('k0', 3), ('k1', 3), ('k2', 3)] %}
    {% do gram_lists.append('regexp_extract_all(' ~ key ~ ", '" ~ ([word] * words) | join(' ') ~ "', 0)") %}
{% endfor %}
all_grams as (

    select
        treatment_text,
        {{ explode('concat(' ~ gram_lists | join(', ') ~ ')') }} as gram
    from shifted

),

grams as (

    select
        treatment_text,
        gram,
        length(gram) - length(replace(gram, ' ', '')) + 1 as words
    from all_grams

),

-- Each gram's meaning: a name of drug_names (equality join), or, for a word of 7+ letters that is
-- no name, its prefix's meaning (misspellings). One reader of the grams, so they are made once.
gram_meanings as (

    select
        grams.treatment_text,
        grams.gram,
        grams.words,
        drug_names.name is not null as is_name,
        coalesce(drug_names.ingredient, name_prefixes.ingredient) as ingredient,
        coalesce(drug_names.product, name_prefixes.product) as product
    from grams
    left join drug_names
        on grams.gram = drug_names.name
    left join name_prefixes
        on drug_names.name is null
        and grams.words = 1
        and length(grams.gram) >= 7
        and substr(grams.gram, 1, 7) = name_prefixes.prefix
    where drug_names.name is not null
        or name_prefixes.prefix is not null

),

matched as (

    select * from gram_meanings
    where is_name

),

-- The longest name wins: a word inside a matched pair or triple, or a pair inside a matched
-- triple, does not count alone ("terocin patch" is not also the lotion "terocin").
covered_words as (

    select distinct treatment_text, word
    from (
        select
            treatment_text,
            {{ explode("regexp_extract_all(gram, '" ~ word ~ "', 0)") }} as word
        from matched
        where words >= 2
    ) as words_of_matches

),

covered_pairs as (

    select distinct treatment_text, pair
    from (
        select treatment_text, regexp_extract(gram, '^{{ word }} {{ word }}', 0) as pair
        from matched
        where words = 3
        union all
        select treatment_text, regexp_extract(gram, '{{ word }} {{ word }}$', 0) as pair
        from matched
        where words = 3
    ) as pairs_of_triples

),

kept as (

    select
        matched.treatment_text,
        matched.ingredient,
        matched.product
    from matched
    left join covered_words
        on matched.words = 1
        and matched.treatment_text = covered_words.treatment_text
        and matched.gram = covered_words.word
    left join covered_pairs
        on matched.words = 2
        and matched.treatment_text = covered_pairs.treatment_text
        and matched.gram = covered_pairs.pair
    where covered_words.word is null
        and covered_pairs.pair is null

),

-- A misspelled word counts unless it lies in a matched name.
misspelled as (

    select
        gram_meanings.treatment_text,
        gram_meanings.ingredient,
        gram_meanings.product
    from gram_meanings
    left join covered_words
        on gram_meanings.treatment_text = covered_words.treatment_text
        and gram_meanings.gram = covered_words.word
    where not gram_meanings.is_name
        and covered_words.word is null

),

-- A combination product or kit stands for its ingredients; ignore-words (salts, forms) for nothing.
ingredients as (

    select
        found.treatment_text,
        coalesce(compound_ingredients.ingredient, found.ingredient) as ingredient
    from (
        select * from kept
        union all
        select * from misspelled
    ) as found
    left join compound_ingredients
        on found.product = compound_ingredients.product
    where coalesce(compound_ingredients.ingredient, found.ingredient, '') <> ''

),

names_found as (

    select
        treatment_text,
        {{ sorted_distinct_join('ingredient', "' / '") }} as drug_name
    from ingredients
    group by treatment_text

),

-- Strength: every strength expression in written order, whitespace removed, one space between a
-- digit and its unit, joined ' / '. Quantity: the first quantity rule matching the text with ';'
-- after it (so a count at the very end is closed); a quantity of 0 is none.
parsed as (

    select
        treatment_text,
        nullif(replace(
            {{ regexp_replace_all(
                regexp_replace_all(
                    list_join('regexp_extract_all(treatment_text, ' ~ first_rule_pattern('drug_parse_rules', 'field', 'strength') ~ ', 0)', "';'"),
                    sql_string('\\s', regex=true), ''),
                sql_string('(\\d)([a-z])', regex=true), '\\1 \\2') }},
            ';', ' / '), '') as drug_strength,
        nullif(cast({{ first_rule_capture("(treatment_text || ';')", 'drug_parse_rules', 'field', 'quantity') }} as integer), 0)
            as drug_quantity
    from treatment_texts

),

drugs_by_text as (

    select
        parsed.treatment_text,
        names_found.drug_name,
        parsed.drug_strength,
        parsed.drug_quantity,
        coalesce(quantity_bands.quantity_band, 'not stated') as drug_quantity_band
    from parsed
    left join names_found
        on parsed.treatment_text = names_found.treatment_text
    left join quantity_bands
        on parsed.drug_quantity between quantity_bands.min_quantity and quantity_bands.max_quantity

),

item_drugs as (

    select
        pharmaceutical_items.letter_key,
        pharmaceutical_items.item_ordinal,
        drugs_by_text.drug_name,
        drugs_by_text.drug_strength,
        drugs_by_text.drug_quantity,
        drugs_by_text.drug_quantity_band
    from pharmaceutical_items
    inner join drugs_by_text
        on pharmaceutical_items.treatment_text = drugs_by_text.treatment_text

)

select * from item_drugs
