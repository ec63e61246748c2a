{#- The local calendar date of a UTC instant in a named IANA zone (DST-correct). -#}
{% macro local_date(zone_column, instant_column) -%}
    cast(timezone({{ zone_column }}, {{ instant_column }}) as date)
{%- endmacro %}
