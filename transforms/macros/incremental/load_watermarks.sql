{#-
    dlt writes every raw row with the id of the load that wrote it (`_dlt_load_id`, the
    load's unix time as text: ten digits, a point, decimals, so ids sort as text as they
    sort as times); a merge rewrites a re-read row under the new id. A source's pipeline
    loads its packages in order, and a merge writes a table's rows of one load in one
    transaction, so the rows an incremental model has not seen yet are those with an id
    above the newest one it consumed, per input. (Append-only raw tables, whose files
    land one by one, feed only tables rebuilt in full.)
-#}

{#- SQL condition: the row came in a load this model has not built from (true on a full build).
    The newest consumed id is read by the query itself, not at compile time, so the
    compiled SQL of an incremental build is the same from one night to the next and a
    night may replay it (warehouse/night_replay.py). -#}
{% macro loaded_since_last_build(input) -%}
    {%- if is_incremental() -%}
        _dlt_load_id > coalesce((
            select max(consumed_loads.load_id)
            from {{ transform_state_schema() }}.consumed_loads as consumed_loads
            where
                consumed_loads.model = '{{ this.identifier }}'
                and consumed_loads.input = '{{ input.identifier }}'
        ), '')
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#- Post-hook: record the newest load id of each input as consumed (inputs don't change during a build). -#}
{% macro record_consumed_loads(inputs) -%}
    delete from {{ transform_state_schema() }}.consumed_loads where model = '{{ this.identifier }}';
    {%- for input in inputs %}
    insert into {{ transform_state_schema() }}.consumed_loads
    select '{{ this.identifier }}', '{{ input.identifier }}', max(_dlt_load_id), now()
    from {{ input }}
    having max(_dlt_load_id) is not null;
    {%- endfor %}
{%- endmacro %}
