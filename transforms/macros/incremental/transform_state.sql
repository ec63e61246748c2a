{#-
    The bookkeeping of incremental builds, in the warehouse itself (schema transform_state),
    so it commits in the same transactions as the tables it describes:

    consumed_loads: per incremental model and input (a staging view or core table with a
      _dlt_load_id column), the newest dlt load id the model has built from. A model
      rewrites its own rows in a post-hook, in the transaction that rebuilds its table.
    pending_report_keys: per mart, the report keys (source_system, campaign or agent id,
      report_date) whose facts changed since the mart last rebuilt them: the old and the
      new key of every changed fact, queued by the fact's model in its transaction and
      removed by the mart in the transaction that rebuilds those keys.
    built_campaign_rules: per fact table, the campaign ids and zones it was built with
      (see campaign_rules.sql), rewritten in the transaction that rebuilds the table.
    <model>_rebuilt_keys: the keys an incremental model rebuilt in this dbt invocation
      (dropped when the next one starts), which scope that model's tests.
    last_build: the fingerprint of the last complete build, kept by the transform step
      (warehouse/transform.py), which runs a full refresh when it no longer matches.

    A build killed halfway therefore leaves every watermark at what its table holds and
    every changed report key queued until a mart has rebuilt it.
-#}
{% macro transform_state_schema() -%}
    transform_state
{%- endmacro %}

{#- on-run-start: the state tables, and no rebuilt keys from an earlier invocation. -#}
{% macro prepare_transform_state() -%}
    create schema if not exists {{ transform_state_schema() }};
    create table if not exists {{ transform_state_schema() }}.consumed_loads (
        model varchar not null,
        input varchar not null,
        load_id varchar not null,
        recorded_at timestamptz not null
    );
    create table if not exists {{ transform_state_schema() }}.built_campaign_rules (
        model varchar not null,
        source_system varchar,
        campaign_key varchar,
        campaign_id varchar,
        timezone varchar
    );
    create table if not exists {{ transform_state_schema() }}.pending_report_keys (
        mart varchar not null,
        source_system varchar,
        entity_id varchar,
        report_date date
    );
    {%- if execute %}
        {%- for table in run_query(
            "select table_name from duckdb_tables() where schema_name = '"
            ~ transform_state_schema() ~ "' and suffix(table_name, '_rebuilt_keys')"
        ).columns[0].values() %}
    drop table if exists {{ transform_state_schema() }}.{{ table }};
        {%- endfor %}
    {%- endif %}
{%- endmacro %}

{#- The key columns of what `relation` rebuilt incrementally in this invocation (none if it did not). -#}
{% macro rebuilt_key_columns(relation) -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {{ return(run_query(
        "select column_name from duckdb_columns() where schema_name = '" ~ transform_state_schema()
        ~ "' and table_name = '" ~ relation.identifier ~ "_rebuilt_keys' order by column_index"
    ).columns[0].values() | list) }}
{%- endmacro %}
