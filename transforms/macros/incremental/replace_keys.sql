{#-
    Incremental strategy `replace_keys`: the model's incremental select returns, for each
    key (config unique_key) to rebuild, its new rows, or a row with `_deleted` true when
    the key must go (a fact that no longer qualifies, a report key left with no facts).
    Every target row whose key is in that batch is deleted, the batch's other rows are
    inserted, all in the model's one transaction.

    The batch's keys are kept (transform_state.<model>_rebuilt_keys) for this invocation's
    tests of the model. With config `queue_report_keys` ({mart: [source_system, entity
    column, report_date]}), the report keys of the rows replaced and of the rows inserted
    are first queued for those marts (see transform_state.sql), so a fact that moved to
    another date, campaign or agent gets its old key rebuilt too.
-#}
{% macro get_incremental_replace_keys_sql(arg_dict) -%}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set batch = arg_dict['temp_relation'] -%}
    {%- set keys = arg_dict['unique_key'] -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    {%- set kept = 'not coalesce(_deleted, false)' if '_deleted' in (
        adapter.get_columns_in_relation(batch) | map(attribute='name') | list
    ) else 'true' -%}
    {%- set batch_keys -%}
        (select distinct {{ keys | join(', ') }} from {{ batch }}) as batch_keys
    {%- endset -%}
    {%- set key_matches = [] -%}
    {%- for key in keys -%}
        {%- do key_matches.append('target.' ~ key ~ ' is not distinct from batch_keys.' ~ key) -%}
    {%- endfor -%}
    {%- set matches_batch_key = key_matches | join(' and ') -%}

    {%- for mart, report_key in config.get('queue_report_keys', {}).items() %}
    insert into {{ transform_state_schema() }}.pending_report_keys
    select distinct '{{ mart }}', {{ report_key | join(', ') }}
    from (
        select {% for column in report_key %}target.{{ column }}{{ ', ' if not loop.last }}{% endfor %}
        from {{ target }} as target
        inner join {{ batch_keys }} on {{ matches_batch_key }}
        union all
        select {{ report_key | join(', ') }} from {{ batch }} where {{ kept }}
    );
    {%- endfor %}

    create or replace table {{ transform_state_schema() }}.{{ target.identifier }}_rebuilt_keys as
    select distinct {{ keys | join(', ') }} from {{ batch }};

    delete from {{ target }} as target
    using {{ batch_keys }}
    where {{ matches_batch_key }};

    insert into {{ target }} ({{ columns }})
    select {{ columns }} from {{ batch }} where {{ kept }}
{%- endmacro %}
