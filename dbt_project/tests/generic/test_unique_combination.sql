{#- No two rows share the same values in `columns` (a composite key, checked without building a
    string key per row, which costs more than the check at millions of rows). -#}
{% test unique_combination(model, columns) %}
select
    {{ columns | join(', ') }},
    count(*) as rows_with_this_key
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
