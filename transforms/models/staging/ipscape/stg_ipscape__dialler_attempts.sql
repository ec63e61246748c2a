with source as (
    select * from {{ source_or_empty('ipscape_raw', 'dialler_attempts') }}
)

select
    cast(attempt_id as varchar) as attempt_id,
    cast(campaign_id as varchar) as campaign_id,
    campaign_name,
    cast(lead_id as varchar) as lead_id,
    phone_number,
    phone_index,
    cast(dial_status_id as varchar) as dial_status_code,
    nullif(trim(dial_status_name), '') as dial_status,
    timestamps__dialled as dialled_at,
    timestamps__answered as answered_at,
    timestamps__hang_up as hung_up_at,
    cast(activity_id as varchar) as activity_id,
    type as call_type,
    _dlt_load_id
from source
