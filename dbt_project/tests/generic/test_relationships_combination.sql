{#- Every row's `columns` match a row of `to` on `to_columns` (a foreign key of several columns). The
    model is read in a CTE, so that a `where` config (which makes it a subquery) can narrow it. -#}
{% test relationships_combination(model, columns, to, to_columns) %}
with

child as (

    select * from {{ model }}

),

parents as (

    select distinct {{ to_columns | join(', ') }}
    from {{ to }}

)

select child.*
from child
left join parents
    on {% for column in columns -%}
        child.{{ column }} = parents.{{ to_columns[loop.index0] }}{{ ' and ' if not loop.last }}
    {%- endfor %}
where parents.{{ to_columns[0] }} is null
{% endtest %}
