-- One row per (source_system, check_name, table_name, detail): what the loads could not
-- take as it came. check_name is
--   quarantined_record: records set aside (detail = the field at fault), per resource;
--   unreadable_callback: CloudAgent callback bodies that gave no rows (detail = why);
--   type_clash: a field whose type changed, kept in a variant column (detail = column).
-- occurrences counts records (type_clash: values in the variant column); first_seen /
-- last_seen are when they were set aside or received (NULL for type clashes).
{%- set raw_schemas = {'ipscape': 'ipscape_raw', 'qvoice': 'qvoice_raw', 'cloudagent': 'cloudagent_raw'} %}
{%- set variant_columns = [] %}
{%- if execute %}
    {%- set found = run_query(
        "select table_schema, table_name, column_name from information_schema.columns "
        ~ "where table_schema in ('ipscape_raw', 'qvoice_raw', 'cloudagent_raw') "
        ~ "and column_name like '%\\_\\_v\\_%' escape '\\' order by all"
    ) %}
    {%- for row in found.rows if row | length == 3 %}
        {%- do variant_columns.append(row) %}
    {%- endfor %}
{%- endif %}

with quarantined as (
    {%- for source_system, schema in raw_schemas.items() %}
    select
        '{{ source_system }}' as source_system,
        'quarantined_record' as check_name,
        resource as table_name,
        field as detail,
        count(*) as occurrences,
        min(quarantined_at) as first_seen,
        max(quarantined_at) as last_seen
    from {{ source_or_empty(schema, '_quarantine') }}
    group by resource, field
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

unreadable_callbacks as (
    select
        'cloudagent' as source_system,
        'unreadable_callback' as check_name,
        'callbacks' as table_name,
        parse_error as detail,
        count(*) as occurrences,
        min(received_at) as first_seen,
        max(received_at) as last_seen
    from {{ ref('stg_cloudagent__callbacks') }}
    where parse_error is not null
    group by parse_error
),

type_clashes as (
    {%- for schema, table, column in variant_columns %}
    select
        '{{ schema | replace("_raw", "") }}' as source_system,
        'type_clash' as check_name,
        '{{ table }}' as table_name,
        '{{ column }}' as detail,
        count("{{ column }}") as occurrences,
        cast(null as timestamptz) as first_seen,
        cast(null as timestamptz) as last_seen
    from {{ schema }}."{{ table }}"
    union all
    {%- endfor %}
    select
        cast(null as varchar) as source_system,
        cast(null as varchar) as check_name,
        cast(null as varchar) as table_name,
        cast(null as varchar) as detail,
        cast(0 as bigint) as occurrences,
        cast(null as timestamptz) as first_seen,
        cast(null as timestamptz) as last_seen
    where false
)

select * from quarantined
union all
select * from unreadable_callbacks
union all
select * from type_clashes
