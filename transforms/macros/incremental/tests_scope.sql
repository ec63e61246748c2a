{#-
    What a data test reads (dbt's get_where_subquery, plus the test's `where` config as
    usual): when this invocation rebuilt the tested model incrementally, only the rows of
    the keys it rebuilt. Every other row was tested by the build that wrote it, and a
    duplicate of a tested key (every uniqueness test here covers the model's unique_key)
    can only be among the rows of that key.
-#}
{% macro duckdb__get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- set keys = rebuilt_key_columns(relation) -%}
    {%- if not keys and not where -%}
        {{ return(relation) }}
    {%- endif -%}
    {%- set conditions = [] -%}
    {%- if keys -%}
        {%- set key_matches = [] -%}
        {%- for key in keys -%}
            {%- do key_matches.append('tested.' ~ key ~ ' is not distinct from rebuilt.' ~ key) -%}
        {%- endfor -%}
        {%- do conditions.append(
            'exists (select 1 from ' ~ transform_state_schema() ~ '.' ~ relation.identifier
            ~ '_rebuilt_keys as rebuilt where ' ~ key_matches | join(' and ') ~ ')'
        ) -%}
    {%- endif -%}
    {%- if where -%}
        {%- do conditions.append('(' ~ where ~ ')') -%}
    {%- endif -%}
    {{ return(
        '(select tested.* from ' ~ relation ~ ' as tested where ' ~ conditions | join(' and ') ~ ') dbt_subquery'
    ) }}
{%- endmacro %}
