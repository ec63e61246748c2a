with source as (
    select * from {{ source_or_empty('cloudagent_raw', 'dial_status') }}
)

select
    campaign_name,
    lead_key,
    nullif(trim(lead_id), '') as lead_id,
    phone_number,
    status as lead_status,
    nullif(trim(dial_status), '') as dial_status,
    nullif(trim(disposition), '') as disposition,
    nullif(trim(agent_id), '') as agent_id,
    nullif(trim(agent_name), '') as agent_name,
    attempts,
    call_duration as talk_seconds,
    last_dialed_at,
    updated_at,
    created_at,
    _unique_id as unique_id,
    _received_at as received_at,
    _dlt_load_id
from source
