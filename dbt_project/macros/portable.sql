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
