-- One row per CloudAgent dial: (campaign, lead, lastDialedTime), the version with the
-- latest updatedDate (ties: the later callback). Rows of leads never dialled are not
-- dials. attempt_id is a hash of the key (the key may hold a phone number).
-- Incremental: a build re-picks the winning version of the dials that received a
-- version since the last build; _dlt_load_id is the newest load among a dial's versions.
{{ config(
    unique_key=['attempt_id'],
    post_hook="{{ record_consumed_loads([ref('stg_cloudagent__dial_status')]) }}",
) }}

with dial_versions as (
    select * from {{ ref('stg_cloudagent__dial_status') }}
    where last_dialed_at is not null
),

{% if is_incremental() %}
    -- the dials that received a version since the last build
    changed_dials as (
        select distinct
            campaign_name,
            lead_key,
            last_dialed_at
        from dial_versions
        where {{ loaded_since_last_build(ref('stg_cloudagent__dial_status')) }}
    ),
{% endif %}

latest_versions as (
    select
        dial_versions.*,
        max(dial_versions._dlt_load_id) over (
            partition by dial_versions.campaign_name, dial_versions.lead_key, dial_versions.last_dialed_at
        ) as last_load_id
    from dial_versions
    {% if is_incremental() %}
        inner join changed_dials
            on
                dial_versions.campaign_name = changed_dials.campaign_name
                and dial_versions.lead_key = changed_dials.lead_key
                and dial_versions.last_dialed_at = changed_dials.last_dialed_at
    {% endif %}
    qualify row_number() over (
        partition by dial_versions.campaign_name, dial_versions.lead_key, dial_versions.last_dialed_at
        order by dial_versions.updated_at desc nulls last, dial_versions.received_at desc
    ) = 1
)

select
    md5(campaign_name || '|' || lead_key || '|' || cast(epoch(last_dialed_at) as varchar))
        as attempt_id,
    campaign_name,
    lead_id,
    coalesce(lead_id, 'phone:' || sha256(lead_key)) as lead_key,
    dial_status,
    disposition,
    agent_id,
    agent_name,
    talk_seconds,
    last_dialed_at,
    updated_at,
    last_load_id as _dlt_load_id
from latest_versions
