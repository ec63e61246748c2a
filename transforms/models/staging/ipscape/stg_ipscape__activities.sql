with source as (
    select * from {{ source_or_empty('ipscape_raw', 'activities') }}
)

select
    cast(data__activity_id as varchar) as activity_id,
    type as activity_type,
    cast(data__attempt_id as varchar) as attempt_id,
    cast(data__lead_id as varchar) as lead_id,
    cast(data__campaign_id as varchar) as campaign_id,
    data__campaign_name as campaign_name,
    cast(data__agent_id as varchar) as agent_id,
    data__agent_full_name as agent_name,
    cast(data__wrap_code as varchar) as wrap_code,
    data__wrap_description as wrap_description,
    data__activity_status_name as activity_status,
    data__durations__ivr as ivr_seconds,
    data__durations__queue as queue_seconds,
    data__durations__dial as dial_seconds,
    data__durations__hold as hold_seconds,
    data__durations__talk as talk_seconds,
    data__durations__interaction as interaction_seconds,
    data__durations__wrap as wrap_seconds,
    data__timestamps__created as created_at,
    data__timestamps__answered as answered_at,
    data__timestamps__hang_up as hung_up_at,
    data__timestamps__wrap_up as wrapped_up_at,
    _dlt_load_id
from source
