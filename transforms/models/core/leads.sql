-- One row per lead, all vendors, as last read from the vendor. No phone numbers.
-- QVoice: the current version of each lead's snapshot history (leads that left
-- their campaign are not current, so not here).
with ipscape_leads as (
    select * from {{ ref('stg_ipscape__leads') }}
),

qvoice_leads as (
    select * from {{ ref('stg_qvoice__campaign_leads') }}
    where valid_to is null
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
