{#-
    Make the raw tables reachable as the `imr` sources say. On DuckDB they already are (the
    profile attaches the ingest database). On Spark each source becomes an external Parquet table,
    raw.<table> over the folder <meta.parquet_location>/<table>, re-created at every run so a new
    export's files and columns are read; dropping an external table leaves its files alone. A
    managed table of that name (its data would go with it) is an error, never dropped.
    Called from on-run-start; returns no SQL of its own.
-#}
{% macro register_raw_sources() -%}
    {{ return(adapter.dispatch('register_raw_sources', 'imr_warehouse')()) }}
{%- endmacro %}

{% macro default__register_raw_sources() -%}
{%- endmacro %}

{% macro spark__register_raw_sources() -%}
    {%- if execute -%}
        {%- set sources = graph.sources.values() | selectattr('source_name', 'equalto', 'imr') | list -%}
        {%- set schema = sources[0].schema -%}
        {%- do run_query('create schema if not exists ' ~ schema) -%}
        {%- set managed = [] -%}
        {%- for table in run_query('show table extended in ' ~ schema ~ " like '*'") -%}
            {%- do managed.append(table['tableName']) if 'Type: MANAGED' in table['information'] -%}
        {%- endfor -%}
        {%- for source in sources -%}
            {%- set relation = api.Relation.create(schema=schema, identifier=source.identifier) -%}
            {%- if source.identifier in managed -%}
                {{ exceptions.raise_compiler_error(relation ~ ' is a managed table: the raw sources are external tables over '
                                                   ~ source.source_meta.parquet_location ~ '; move it or set var raw_schema') }}
            {%- endif -%}
            {%- do run_query('drop table if exists ' ~ relation) -%}
            {%- do run_query('create table ' ~ relation ~ ' using parquet location '
                             ~ sql_string(source.source_meta.parquet_location ~ '/' ~ source.identifier)) -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
