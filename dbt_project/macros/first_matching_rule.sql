{#-
    The rule_id of the first rule of a rules seed (columns rule_id, priority, pattern, and
    optionally a column that must equal another expression) whose regular expression matches
    `text`, as one CASE expression built from the seed when the model compiles. Each pattern is a
    constant, so the engine compiles it once, not once per row. The rules stay in the seed; this
    only writes them out.
-#}
{% macro first_matching_rule(text, seed, when_column=none, equals=none) -%}
    {%- if execute -%}
        {%- set columns = 'rule_id, pattern' ~ (', ' ~ when_column if when_column else '') -%}
        {%- set rules = seed_rows(seed, columns, 'priority, rule_id') -%}
        case
        {%- for rule in rules %}
            when {{ rule_applies(text, rule[1], equals, rule[2] if when_column else none) }} then {{ sql_string(rule[0]) }}
        {%- endfor %}
        end
    {%- else -%}
        cast(null as {{ dbt.type_string() }})
    {%- endif -%}
{%- endmacro %}


{#-
    The rule_id of every rule of a rules seed (columns rule_id, pattern, and optionally a column
    that must equal another expression) whose regular expression matches `text`, joined with '|'
    in rule_id order: '' when none does. Built from the seed when the model compiles, one
    constant pattern per rule, as in first_matching_rule.
-#}
{% macro matching_rule_ids(text, seed, when_column=none, equals=none) -%}
    {%- if execute -%}
        {%- set columns = 'rule_id, pattern' ~ (', ' ~ when_column if when_column else '') -%}
        {%- set rules = seed_rows(seed, columns, 'rule_id') -%}
        concat_ws('|'
        {%- for rule in rules %},
            case when {{ rule_applies(text, rule[1], equals, rule[2] if when_column else none) }} then {{ sql_string(rule[0]) }} end
        {%- endfor %})
    {%- else -%}
        cast(null as {{ dbt.type_string() }})
    {%- endif -%}
{%- endmacro %}


{#- One rule's condition: `equals` is the rule's `when_value` (when it has one) and its pattern matches `text`. -#}
{% macro rule_applies(text, pattern, equals=none, when_value=none) -%}
    {%- if when_value is not none -%}{{ equals }} = {{ sql_string(when_value) }} and {% endif -%}
    {{ regex_matches(text, sql_string(pattern, regex=true)) }}
{%- endmacro %}


{#-
    True when any rule of a rules seed whose `where_column` equals `value` matches `text`, as an
    OR of constant patterns built when the model compiles (false when the seed has no such rule).
-#}
{% macro any_rule_matches(text, seed, where_column, value) -%}
    {%- if execute -%}
        {%- set patterns = [] -%}
        {%- for rule in seed_rows(seed, 'pattern, ' ~ where_column, 'pattern') if rule[1] == value -%}
            {%- do patterns.append(regex_matches(text, sql_string(rule[0], regex=true))) -%}
        {%- endfor -%}
        ({{ patterns | join(' or ') if patterns else 'false' }})
    {%- else -%}
        cast(null as boolean)
    {%- endif -%}
{%- endmacro %}


{#-
    What the first rule (by priority) of a rules seed matching `text` captures, as a string: the
    rules whose `where_column` equals `value` are read when the model compiles (columns rule_id,
    priority, pattern, value_group, fixed_value), and each becomes one branch of a CASE of constant
    patterns. A rule gives its pattern's group `value_group`, else its `fixed_value`, else null (a
    rule that matches to say "no value here" and stops the rules after it). Null when none matches.
-#}
{% macro first_rule_capture(text, seed, where_column, value) -%}
    {%- if execute -%}
        case
        {%- for rule in seed_rules(seed, 'pattern, value_group, fixed_value', where_column, value) %}
            {%- set pattern = sql_string(rule[0], regex=true) %}
            when {{ regex_matches(text, pattern) }} then
                {%- if rule[1] is not none %} regexp_extract({{ text }}, {{ pattern }}, {{ rule[1] | int }})
                {%- elif rule[2] is not none %} {{ sql_string(rule[2] | int) }}
                {%- else %} cast(null as {{ dbt.type_string() }})
                {%- endif %}
        {%- endfor %}
        end
    {%- else -%}
        cast(null as {{ dbt.type_string() }})
    {%- endif -%}
{%- endmacro %}


{#- The pattern of the first rule (by priority) of a rules seed whose `where_column` equals `value`,
    as an SQL string literal, read when the model compiles. -#}
{% macro first_rule_pattern(seed, where_column, value) -%}
    {%- if execute -%}
        {{ sql_string(seed_rules(seed, 'pattern', where_column, value)[0][0], regex=true) }}
    {%- else -%}
        ''
    {%- endif -%}
{%- endmacro %}


{#- The given columns of a rules seed's rules whose `where_column` equals `value`, by priority;
    a compile error when there is none (an empty CASE is no SQL). -#}
{% macro seed_rules(seed, columns, where_column, value) -%}
    {%- set rules = [] -%}
    {%- for row in seed_rows(seed, columns ~ ', ' ~ where_column, 'priority, rule_id') if row[-1] == value -%}
        {%- do rules.append(row) -%}
    {%- endfor -%}
    {%- if not rules -%}
        {{ exceptions.raise_compiler_error(seed ~ ' has no rule whose ' ~ where_column ~ ' is ' ~ value) }}
    {%- endif -%}
    {{ return(rules) }}
{%- endmacro %}


{#- The rows of a seed's table (the given columns, in the given order), read at compile time. -#}
{% macro seed_rows(seed, columns, order_by) -%}
    {#- The seed's own table, not ref(): in a dbt unit test ref() names the test's fixture, and
        the rules must come from the real seed. The calling model refs the seed itself, so the
        seed is built first. (Not the seed's node from `graph` either: unit tests compile
        without the graph.) Spark's target has no database, and its relations take none. -#}
    {%- set relation = api.Relation.create(database=target.get('database'), schema=generate_schema_name(var('seed_schema'), none),
                                           identifier=seed) -%}
    {{ return(run_query('select ' ~ columns ~ ' from ' ~ relation ~ ' order by ' ~ order_by).rows) }}
{%- endmacro %}


{#- A string as an SQL literal; Spark also reads backslashes in literals as escapes. -#}
{% macro sql_string(value, regex=false) -%}
    {{ return(adapter.dispatch('sql_string', 'imr_warehouse')(value, regex)) }}
{%- endmacro %}

{% macro default__sql_string(value, regex) -%}
    '{{ value | string | replace("'", "''") }}'
{%- endmacro %}

{% macro spark__sql_string(value, regex) -%}
    '{{ value | string | replace("\\", "\\\\") | replace("'", "\\'") }}'
{%- endmacro %}
