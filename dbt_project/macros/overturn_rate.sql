{#-
    The columns every overturn-rate mart shares, over rows of fct_imr_decisions grouped by the
    caller: counts, the rate, its Wilson score 95% interval, and whether the group is too small
    to read (fewer decisions than var('min_group_decisions')). Counts are bigints on every engine
    and output (DuckDB's sum of integers is a 128-bit HUGEINT, which PostgreSQL reads as numeric).
-#}
{% macro overturn_rate_columns(overturned='is_overturned', z=1.96) -%}
    {{ count_of('*') }} as decisions,
    {{ count_of('case when ' ~ overturned ~ ' then 1 else 0 end', 'sum') }} as overturned,
    {{ wilson_interval('sum(case when ' ~ overturned ~ ' then 1 else 0 end)', 'count(*)', z) }},
    count(*) < {{ var('min_group_decisions') }} as is_small_group
{%- endmacro %}

{#-
    The rate (a column named `rate`), ci_low and ci_high for k successes out of n trials. The
    bounds are clamped to [0, rate] and [rate, 1], which they keep in exact arithmetic: floating
    point can put the lower bound of a zero rate a hair off zero, either way. The rate is a double
    on every engine (Spark would divide `1.0 * k` as a decimal of six places).
-#}
{% macro wilson_interval(k, n, z=1.96, rate='overturn_rate') -%}
    {%- set p = '(' ~ dbt.cast(k, 'double') ~ ' / ' ~ n ~ ')' -%}
    {%- set z2 = z * z -%}
    {{ p }} as {{ rate }},
    greatest(0.0, least({{ p }}, ({{ p }} + {{ z2 }} / (2.0 * {{ n }})
        - {{ z }} * sqrt({{ p }} * (1 - {{ p }}) / {{ n }} + {{ z2 }} / (4.0 * {{ n }} * {{ n }})))
        / (1 + {{ z2 }} / {{ n }}))) as ci_low,
    least(1.0, greatest({{ p }}, ({{ p }} + {{ z2 }} / (2.0 * {{ n }})
        + {{ z }} * sqrt({{ p }} * (1 - {{ p }}) / {{ n }} + {{ z2 }} / (4.0 * {{ n }} * {{ n }})))
        / (1 + {{ z2 }} / {{ n }}))) as ci_high
{%- endmacro %}

{#- A count as a bigint: `count` or `sum` of `expression` (a sum of integers is HUGEINT on DuckDB). -#}
{% macro count_of(expression, aggregate='count') -%}
    {{ dbt.cast(aggregate ~ '(' ~ expression ~ ')', dbt.type_bigint()) }}
{%- endmacro %}
