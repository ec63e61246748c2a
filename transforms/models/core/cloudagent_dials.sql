-- One row per CloudAgent dial: (campaign, lead, lastDialedTime), the version with the
-- latest updatedDate (ties: the later callback). Rows of leads never dialled are not
-- dials. attempt_id is a hash of the key (the key may hold a phone number).
with latest_versions as (
    select * from {{ ref('stg_cloudagent__dial_status') }}
    where last_dialed_at is not null
    qualify row_number() over (
        partition by campaign_name, lead_key, last_dialed_at
        order by updated_at desc nulls last, received_at desc
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
    updated_at
from latest_versions
