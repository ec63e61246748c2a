with source as (
    select * from {{ source_or_empty('qvoice_raw', 'campaigns_status') }}
)

select
    campaign_id,
    name as campaign_name,
    status as campaign_status,
    total_leads,
    snapshot_at
from source
