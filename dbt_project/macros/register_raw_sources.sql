{#-
    Make the raw tables reachable as the `imr` sources say. On DuckDB they already are (the
    profile attaches the ingest database). On Spark each source becomes an external Parquet table,
    raw.<table> over the folder <meta.parquet_location>/<table>, re-created at every run so a new
    export's files and columns are read; dropping an external table leaves its files alone.
    Called from on-run-start; returns no SQL of its own.
-#}
{% macro register_raw_sources() -%}
    {{ return(adapter.dispatch('register_raw_sources', 'imr_warehouse')()) }}
{%- endmacro %}

{% macro default__register_raw_sources() -%}
{%- endmacro %}

{% macro spark__register_raw_sources() -%}
    {%- if execute -%}
        {%- for source in graph.sources.values() if source.source_name == 'imr' -%}
            {%- set relation = api.Relation.create(schema=source.schema, identifier=source.identifier) -%}
            {%- if loop.first -%}
                {%- do run_query('create schema if not exists ' ~ source.schema) -%}
            {%- endif -%}
            {%- do run_query('drop table if exists ' ~ relation) -%}
            {%- do run_query('create table ' ~ relation ~ ' using parquet location '
                             ~ sql_string(source.source_meta.parquet_location ~ '/' ~ source.identifier)) -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
