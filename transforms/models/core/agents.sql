-- One row per (source_system, agent_id) that handled a call: the agent's latest known
-- name, from the vendor's own list (ipSCAPE users, QVoice queue members) where the
-- agent is listed, else from the agent's most recent interaction.
with interactions as (
    select
        source_system,
        agent_id,
        agent_name,
        started_at
    from {{ ref('agent_interactions') }}
),

listed as (
    select
        'ipscape' as source_system,
        user_id as agent_id,
        full_name as agent_name
    from {{ ref('stg_ipscape__users') }}
    union all
    select
        'qvoice' as source_system,
        agent_extension as agent_id,
        agent_name
    from {{ ref('stg_qvoice__queue_agents') }}
    where agent_extension is not null
    qualify row_number() over (
        partition by agent_extension order by snapshot_at desc, queue_id asc
    ) = 1
),

-- every agent with a call, and the name on their latest call (ties: the name that sorts
-- last): one aggregate over the calls, as this table is rebuilt on every build
interaction_agents as (
    select
        source_system,
        agent_id,
        max({ 'started_at': started_at, 'agent_name': agent_name }) filter (
            where agent_name is not null
        ) as latest_named_call
    from interactions
    group by source_system, agent_id
)

select
    interaction_agents.source_system,
    interaction_agents.agent_id,
    coalesce(listed.agent_name, interaction_agents.latest_named_call.agent_name) as agent_name,
    listed.agent_id is not null as is_listed
from interaction_agents
left join listed
    on
        interaction_agents.source_system = listed.source_system
        and interaction_agents.agent_id = listed.agent_id
