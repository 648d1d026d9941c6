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
