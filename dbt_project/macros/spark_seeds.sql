{#-
    dbt-spark's seed loader with literals in place of bindings. Its session method pastes every
    bound value between quotes as it is: a quote or a backslash in a rule's pattern breaks the
    statement, and an empty cell arrives as the text 'None'. Here each value is written as the
    SQL literal it is (null, a number, or a string through sql_string), so the seeds load the same
    on every connection method and on DuckDB.
-#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                ({%- for value in row -%}
                    {%- set column_type = column_override.get(agate_table.column_names[loop.index0],
                                                              adapter.convert_type(agate_table, loop.index0)) -%}
                    cast({{ seed_literal(value) }} as {{ column_type }}){{ ', ' if not loop.last }}
                {%- endfor -%}){{ ',' if not loop.last }}
            {% endfor %}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- do statements.append(sql) if loop.first -%}
    {%- endfor -%}
    {#- The first statement, for the compiled file, as dbt-spark's loader returns it -#}
    {{ return(statements[0]) }}
{% endmacro %}


{#- One CSV cell as an SQL literal. -#}
{% macro seed_literal(value) -%}
    {%- if value is none -%}
        null
    {%- elif value is number -%}
        {{ value }}
    {%- else -%}
        {{ sql_string(value) }}
    {%- endif -%}
{%- endmacro %}
