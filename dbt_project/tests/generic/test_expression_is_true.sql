{#- Every row satisfies a boolean SQL expression (a row-level invariant). -#}
{% test expression_is_true(model, expression) %}
select *
from {{ model }}
where not ({{ expression }})
{% endtest %}
