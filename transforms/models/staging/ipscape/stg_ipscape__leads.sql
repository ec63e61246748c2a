with source as (
    select * from {{ source_or_empty('ipscape_raw', 'leads') }}
)

select
    cast(lead_id as varchar) as lead_id,
    cast(campaign_id as varchar) as campaign_id,
    campaign_name,
    cast(list_id as varchar) as list_id,
    list_name,
    customer_key,
    timezone as lead_timezone,
    completed,
    cast(agent_id as varchar) as agent_id,
    cast(last_status_code as varchar) as status_code,
    last_status_description as status,
    outcomes_info__total_attempts as total_attempts,
    timestamps__created as created_at,
    timestamps__modified as modified_at,
    timestamps__next_attempt as next_attempt_at,
    _dlt_load_id
from source
