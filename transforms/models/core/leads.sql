-- One row per lead, all vendors, as last read from the vendor. No phone numbers.
with ipscape_leads as (
    select * from {{ ref('stg_ipscape__leads') }}
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
