with source as (
    select * from {{ source_or_empty('qvoice_raw', 'leads_history') }}
)

select
    history_key,
    nullif(trim(call_id), '') as call_id,
    campaign_name,
    lead_name,
    lead_number,
    nullif(trim(agent_name), '') as agent_name,
    nullif(trim(agent_extension), '') as agent_extension,
    nullif(trim(status), '') as dial_status,
    nullif(trim(disposition), '') as disposition,
    hangup_cause,
    agent_talk_time as talk_seconds,
    to_timestamp(timestamp) as dialled_at,
    to_timestamp(nullif(answered_time, 0)) as answered_at,
    _dlt_load_id
from source
