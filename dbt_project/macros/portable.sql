{#-
    SQL that differs between DuckDB and Spark, behind adapter.dispatch so that the models stay
    the same on both engines.
-#}

{#- Does `text` match the regular expression `pattern` (unanchored search)? -#}
{% macro regex_matches(text, pattern) -%}
    {{ return(adapter.dispatch('regex_matches', 'imr_warehouse')(text, pattern)) }}
{%- endmacro %}

{% macro default__regex_matches(text, pattern) -%}
    regexp_matches({{ text }}, {{ pattern }})
{%- endmacro %}

{% macro spark__regex_matches(text, pattern) -%}
    ({{ text }} rlike {{ pattern }})
{%- endmacro %}


{#- The first element of a list column (lists are 1-based in DuckDB, 0-based in Spark). -#}
{% macro list_first(list) -%}
    {{ return(adapter.dispatch('list_first', 'imr_warehouse')(list)) }}
{%- endmacro %}

{% macro default__list_first(list) -%}
    list_extract({{ list }}, 1)
{%- endmacro %}

{% macro spark__list_first(list) -%}
    element_at({{ list }}, 1)
{%- endmacro %}


{#- A list column's elements joined into one string. -#}
{% macro list_join(list, separator) -%}
    {{ return(adapter.dispatch('list_join', 'imr_warehouse')(list, separator)) }}
{%- endmacro %}

{% macro default__list_join(list, separator) -%}
    array_to_string({{ list }}, {{ separator }})
{%- endmacro %}

{% macro spark__list_join(list, separator) -%}
    array_join({{ list }}, {{ separator }})
{%- endmacro %}


{#- How many elements a list column holds. -#}
{% macro list_length(list) -%}
    {{ return(adapter.dispatch('list_length', 'imr_warehouse')(list)) }}
{%- endmacro %}

{% macro default__list_length(list) -%}
    len({{ list }})
{%- endmacro %}

{% macro spark__list_length(list) -%}
    size({{ list }})
{%- endmacro %}


{#- A continuous percentile of a numeric column. -#}
{% macro percentile(column, fraction) -%}
    {{ return(adapter.dispatch('percentile', 'imr_warehouse')(column, fraction)) }}
{%- endmacro %}

{% macro default__percentile(column, fraction) -%}
    quantile_cont({{ column }}, {{ fraction }})
{%- endmacro %}

{% macro spark__percentile(column, fraction) -%}
    percentile({{ column }}, {{ fraction }})
{%- endmacro %}


{#- A letter's integer key: the first 15 hex digits (60 bits) of its SHA-256 as a bigint, the same
    number on both engines. The models join and group on it instead of the 64-character hash,
    which made the biggest joins slower and spill (docs/warehouse.md); a test checks no two documents share one (two of 1.7M would, by chance, about once in
    a million builds). -#}
{% macro sha256_key(sha256) -%}
    {{ return(adapter.dispatch('sha256_key', 'imr_warehouse')(sha256)) }}
{%- endmacro %}

{% macro default__sha256_key(sha256) -%}
    cast(('0x' || substr({{ sha256 }}, 1, 15)) as bigint)
{%- endmacro %}

{% macro spark__sha256_key(sha256) -%}
    cast(conv(substr({{ sha256 }}, 1, 15), 16, 10) as bigint)
{%- endmacro %}


{#- One row per element of a list column, as a select-list expression (DuckDB unnest, Spark explode). -#}
{% macro explode(list) -%}
    {{ return(adapter.dispatch('explode', 'imr_warehouse')(list)) }}
{%- endmacro %}

{% macro default__explode(list) -%}
    unnest({{ list }})
{%- endmacro %}

{% macro spark__explode(list) -%}
    explode({{ list }})
{%- endmacro %}


{#- One row per element of a list column with its position, counted from 0, as select-list columns
    named `position` and `value` (the names given). -#}
{% macro explode_with_position(list, position='position', value='value') -%}
    {{ return(adapter.dispatch('explode_with_position', 'imr_warehouse')(list, position, value)) }}
{%- endmacro %}

{% macro default__explode_with_position(list, position, value) -%}
    generate_subscripts({{ list }}, 1) - 1 as {{ position }}, unnest({{ list }}) as {{ value }}
{%- endmacro %}

{% macro spark__explode_with_position(list, position, value) -%}
    posexplode({{ list }}) as ({{ position }}, {{ value }})
{%- endmacro %}


{#- A string split on every match of a regular expression, as a list. -#}
{% macro split_regex(text, pattern) -%}
    {{ return(adapter.dispatch('split_regex', 'imr_warehouse')(text, pattern)) }}
{%- endmacro %}

{% macro default__split_regex(text, pattern) -%}
    string_split_regex({{ text }}, {{ pattern }})
{%- endmacro %}

{% macro spark__split_regex(text, pattern) -%}
    split({{ text }}, {{ pattern }}, -1)
{%- endmacro %}


{#- Every match of a regular expression replaced; `replacement` names groups as \1, \2 (written
    as Java's $1, $2 on Spark). -#}
{% macro regexp_replace_all(text, pattern, replacement) -%}
    {{ return(adapter.dispatch('regexp_replace_all', 'imr_warehouse')(text, pattern, replacement)) }}
{%- endmacro %}

{% macro default__regexp_replace_all(text, pattern, replacement) -%}
    regexp_replace({{ text }}, {{ pattern }}, {{ sql_string(replacement) }}, 'g')
{%- endmacro %}

{% macro spark__regexp_replace_all(text, pattern, replacement) -%}
    regexp_replace({{ text }}, {{ pattern }}, {{ sql_string(modules.re.sub('\\\\(\\d)', '$\\1', replacement)) }})
{%- endmacro %}


{#- The distinct values of a string column within a group, sorted and joined with `separator`
    (an aggregate). -#}
{% macro sorted_distinct_join(column, separator) -%}
    {{ return(adapter.dispatch('sorted_distinct_join', 'imr_warehouse')(column, separator)) }}
{%- endmacro %}

{% macro default__sorted_distinct_join(column, separator) -%}
    string_agg(distinct {{ column }}, {{ separator }} order by {{ column }})
{%- endmacro %}

{% macro spark__sorted_distinct_join(column, separator) -%}
    array_join(array_sort(collect_set({{ column }})), {{ separator }})
{%- endmacro %}
