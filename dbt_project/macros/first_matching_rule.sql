{#-
    The rule_id of the first rule of a rules seed (columns rule_id, priority, pattern, and
    optionally a column that must equal another expression) whose regular expression matches
    `text`, as one CASE expression built from the seed when the model compiles. Each pattern is a
    constant, so the engine compiles it once, not once per row. The rules stay in the seed; this
    only writes them out.
-#}
{% macro first_matching_rule(text, seed, when_column=none, equals=none) -%}
    {%- if execute -%}
        {#- The seed's own table, not ref(): in a dbt unit test ref() names the test's fixture, and
            the rules must come from the real seed. The calling model refs the seed itself, so the
            seed is built first. (Not the seed's node from `graph` either: unit tests compile
            without the graph.) Spark's target has no database, and its relations take none. -#}
        {%- set relation = api.Relation.create(database=target.get('database'), schema=generate_schema_name(var('seed_schema'), none),
                                               identifier=seed) -%}
        {%- set columns = 'rule_id, pattern' ~ (', ' ~ when_column if when_column else '') -%}
        {%- set rules = run_query('select ' ~ columns ~ ' from ' ~ relation ~ ' order by priority, rule_id') -%}
        case
        {%- for rule in rules.rows %}
            when {% if when_column %}{{ equals }} = {{ sql_string(rule[2]) }} and {% endif -%}
                {{ regex_matches(text, sql_string(rule[1], regex=true)) }} then {{ sql_string(rule[0]) }}
        {%- endfor %}
        end
    {%- else -%}
        cast(null as {{ dbt.type_string() }})
    {%- endif -%}
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
