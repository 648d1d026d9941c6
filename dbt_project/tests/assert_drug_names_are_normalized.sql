-- Drug names are written one way. Every name of seed drug_names is already a name key (lower case,
-- each run of other characters one space), since the models match keys made so; and every
-- drug_name of int_item_drugs is made of known ingredients, distinct, sorted and joined ' / '.
with

drug_names as (

    select * from {{ ref('drug_names') }}

),

compound_ingredients as (

    select * from {{ ref('compound_ingredients') }}

),

item_drugs as (

    select * from {{ ref('int_item_drugs') }}

),

known_ingredients as (

    select ingredient from drug_names where ingredient is not null
    union
    select ingredient from compound_ingredients

),

item_drug_names as (

    select distinct drug_name
    from item_drugs
    where drug_name is not null

),

parts as (

    select
        drug_name,
        {{ explode(split_regex('drug_name', "' / '")) }} as ingredient
    from item_drug_names

),

rebuilt as (

    select
        drug_name,
        {{ sorted_distinct_join('ingredient', "' / '") }} as rebuilt_name,
        count(*) as parts
    from parts
    group by drug_name

)

select name as value, 'not a name key' as problem
from drug_names
where name <> trim({{ regexp_replace_all('name', "'[^a-z0-9]+'", ' ') }})

union all

select parts.ingredient as value, 'not a known ingredient' as problem
from parts
left join known_ingredients
    on parts.ingredient = known_ingredients.ingredient
where known_ingredients.ingredient is null

union all

select drug_name as value, 'not distinct, sorted and joined with " / "' as problem
from rebuilt
where rebuilt_name <> drug_name

