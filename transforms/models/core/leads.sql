-- One row per lead, all vendors, as last read from the vendor. No phone numbers.
-- QVoice: the current version of each lead's snapshot history (leads that left
-- their campaign are not current, so not here).
-- Incremental: ipSCAPE leads loaded since the last build and CloudAgent leads with a
-- row version loaded since are rebuilt; QVoice's current versions (a small list, whose
-- retired versions keep their load id) are replaced in full every build.
{{ config(
    unique_key=['source_system', 'lead_id'],
    post_hook="{{ record_consumed_loads([ref('stg_ipscape__leads'), ref('stg_cloudagent__dial_status')]) }}",
) }}

with ipscape_leads as (
    select * from {{ ref('stg_ipscape__leads') }}
    {% if is_incremental() %}
        where {{ loaded_since_last_build(ref('stg_ipscape__leads')) }}
    {% endif %}
),

qvoice_leads as (
    select * from {{ ref('stg_qvoice__campaign_leads') }}
    where valid_to is null
),

{% if is_incremental() %}
    changed_cloudagent_leads as (
        select distinct
            campaign_name,
            lead_key
        from {{ ref('stg_cloudagent__dial_status') }}
        where {{ loaded_since_last_build(ref('stg_cloudagent__dial_status')) }}
    ),
{% endif %}

cloudagent_rows as (
    select dial_status.* from {{ ref('stg_cloudagent__dial_status') }} as dial_status
    {% if is_incremental() %}
        inner join changed_cloudagent_leads
            on
                dial_status.campaign_name = changed_cloudagent_leads.campaign_name
                and dial_status.lead_key = changed_cloudagent_leads.lead_key
    {% endif %}
),

-- CloudAgent: each lead's latest row version (by updatedDate) from the callbacks
cloudagent_leads as (
    select * from cloudagent_rows
    qualify row_number() over (
        partition by campaign_name, lead_key order by updated_at desc nulls last, received_at desc
    ) = 1
),

-- (AM07: an incremental batch appends its deletions to these rows by name)
leads as (
    select  -- noqa: AM07
        'ipscape' as source_system,
        lead_id,
        campaign_id,
        list_id,
        status_code,
        status,
        completed,
        total_attempts,
        created_at,
        modified_at
    from ipscape_leads
    union all
    select
        'qvoice' as source_system,
        lead_id,
        campaign_id,
        cast(null as varchar) as list_id,
        cast(null as varchar) as status_code,
        status,
        cast(null as boolean) as completed,
        retries as total_attempts,
        created_at,
        valid_from as modified_at
    from qvoice_leads
    union all
    select
        'cloudagent' as source_system,
        coalesce(lead_id, 'phone:' || sha256(lead_key)) as lead_id,
        campaign_name as campaign_id,
        cast(null as varchar) as list_id,
        cast(null as varchar) as status_code,
        lead_status as status,
        cast(null as boolean) as completed,
        attempts as total_attempts,
        created_at,
        updated_at as modified_at
    from cloudagent_leads
)

{% if is_incremental() %}
    select
        *,
        false as _deleted
    from leads
    union all by name
    -- the QVoice leads as last built (replaced in full), and every id a changed
    -- CloudAgent lead's versions can carry (its row as last built among them)
    select
        source_system,
        lead_id,
        true as _deleted
    from {{ this }}
    where source_system = 'qvoice'
    union all by name
    select distinct
        'cloudagent' as source_system,
        coalesce(lead_id, 'phone:' || sha256(lead_key)) as lead_id,
        true as _deleted
    from cloudagent_rows
{% else %}
    select * from leads
{% endif %}
