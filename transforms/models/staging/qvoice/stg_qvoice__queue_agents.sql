with queues as (
    select * from {{ source_or_empty('qvoice_raw', 'queues_status') }}
),

agents as (
    select * from {{ source_or_empty('qvoice_raw', 'queues_status__agents') }}
)

select
    queues.id as queue_id,
    queues.name as queue_name,
    queues.snapshot_at,
    agents.id as agent_user_id,
    nullif(trim(agents.name), '') as agent_name,
    nullif(trim(agents.extension), '') as agent_extension
from queues
inner join agents on queues._dlt_id = agents._dlt_parent_id
