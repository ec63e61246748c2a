-- One row per lead, all vendors, as last read from the vendor. No phone numbers.
-- QVoice: the current version of each lead's snapshot history (leads that left
-- their campaign are not current, so not here).
with ipscape_leads as (
    select * from {{ ref('stg_ipscape__leads') }}
),

qvoice_leads as (
    select * from {{ ref('stg_qvoice__campaign_leads') }}
    where valid_to is null
),

-- CloudAgent: each lead's latest row version (by updatedDate) from the callbacks
cloudagent_leads as (
    select * from {{ ref('stg_cloudagent__dial_status') }}
    qualify row_number() over (
        partition by campaign_name, lead_key order by updated_at desc nulls last, received_at desc
    ) = 1
)

select
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
