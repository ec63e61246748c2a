{#- Each source's configured zone, for campaigns without their own (dbt vars set by the job). -#}
{% macro default_timezone(source_system_column) -%}
    case {{ source_system_column }}
        when 'ipscape' then '{{ var("ipscape_timezone") }}'
        when 'qvoice' then '{{ var("qvoice_timezone") }}'
        when 'cloudagent' then '{{ var("cloudagent_timezone") }}'
    end
{%- endmacro %}
