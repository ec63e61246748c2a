with source as (
    select * from {{ source_or_empty('qvoice_raw', 'campaign_leads') }}
)

select
    id as lead_id,
    campaign_id,
    status,
    retries,
    priority,
    to_timestamp(created) as created_at,
    _dlt_valid_from as valid_from,
    _dlt_valid_to as valid_to
from source
