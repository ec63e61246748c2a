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
