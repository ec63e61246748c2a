-- One row per (source_system, agent_id): the agent's latest known name, from the
-- vendor's user list where the agent is listed, else from the most recent interaction.
with listed as (
    select
        user_id as agent_id,
        full_name as agent_name
    from {{ ref('stg_ipscape__users') }}
),

latest_fact_names as (
    select
        agent_id,
        agent_name
    from {{ ref('stg_ipscape__activities') }}
    where agent_id is not null and agent_name is not null
    qualify row_number() over (
        partition by agent_id order by created_at desc, agent_name desc
    ) = 1
),

interaction_agents as (
    select distinct agent_id
    from {{ ref('stg_ipscape__activities') }}
    where agent_id is not null
),

ipscape as (
    select
        'ipscape' as source_system,
        interaction_agents.agent_id,
        coalesce(listed.agent_name, latest_fact_names.agent_name) as agent_name,
        listed.agent_id is not null as is_listed
    from interaction_agents
    left join listed on interaction_agents.agent_id = listed.agent_id
    left join latest_fact_names on interaction_agents.agent_id = latest_fact_names.agent_id
)

select * from ipscape
