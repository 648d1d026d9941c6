{#- Every row's `columns` match a row of `to` on `to_columns` (a foreign key of several columns). -#}
{% test relationships_combination(model, columns, to, to_columns) %}
with

parents as (

    select distinct {{ to_columns | join(', ') }}
    from {{ to }}

)

select child.*
from {{ model }} as child
left join parents
    on {% for column in columns -%}
        child.{{ column }} = parents.{{ to_columns[loop.index0] }}{{ ' and ' if not loop.last }}
    {%- endfor %}
where parents.{{ to_columns[0] }} is null
{% endtest %}
