{#- The report keys queued for this mart: (source_system, entity_id, report_date). -#}
{% macro pending_report_keys() -%}
    (
        select distinct
            source_system,
            entity_id,
            report_date
        from {{ transform_state_schema() }}.pending_report_keys
        where mart = '{{ this.identifier }}'
    )
{%- endmacro %}

{#- Post-hook of a mart: its queued keys are rebuilt (or the whole mart was). -#}
{% macro clear_pending_report_keys() -%}
    delete from {{ transform_state_schema() }}.pending_report_keys where mart = '{{ this.identifier }}'
{%- endmacro %}

{#- The report keys a daily mart rebuilds: those queued for it by its fact model (the old
    and new keys of changed facts), and every key of an entity (campaign or agent) whose
    current name, in `names`, differs from the one the mart holds. -#}
{% macro touched_report_keys(entity_column, names, name_column) -%}
    select
        source_system,
        entity_id as {{ entity_column }},
        report_date
    from {{ pending_report_keys() }}
    union
    select
        built.source_system,
        built.{{ entity_column }},
        built.report_date
    from {{ this }} as built
    left join {{ names }}
        on
            built.source_system = {{ names }}.source_system
            and built.{{ entity_column }} = {{ names }}.{{ entity_column }}
    where built.{{ name_column }} is distinct from {{ names }}.{{ name_column }}
{%- endmacro %}

{#- A daily mart's rows: on an incremental build every touched key is deleted (a row
    flagged `_deleted`) and the keys that still have facts come back from `final`. -#}
{% macro with_touched_keys_replaced(final) -%}
    {% if is_incremental() %}
        select  -- noqa: AM07
            *,
            false as _deleted
        from {{ final }}
        union all by name
        select
            *,
            true as _deleted
        from touched
    {% else %}
        select * from {{ final }}
    {% endif %}
{%- endmacro %}
