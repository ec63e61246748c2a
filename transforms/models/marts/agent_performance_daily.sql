-- One row per (source_system, agent_id, report_date) with at least one handled call.
-- handle_seconds = talk + hold + wrap; conversion_rate = success_calls / calls_handled.
with interactions as (
    select * from {{ ref('agent_interactions') }}
),

agents as (
    select * from {{ ref('agents') }}
),

daily as (
    select
        source_system,
        agent_id,
        report_date,
        count(*) as calls_handled,
        count(distinct campaign_id) as campaigns_worked,
        cast(sum(talk_seconds) as bigint) as talk_seconds,
        cast(sum(hold_seconds) as bigint) as hold_seconds,
        cast(sum(wrap_seconds) as bigint) as wrap_seconds,
        count(*) filter (where is_success) as success_calls,
        count(*) filter (where is_contact) as contact_calls
    from interactions
    group by source_system, agent_id, report_date
)

select
    daily.source_system,
    daily.agent_id,
    agents.agent_name,
    daily.report_date,
    daily.calls_handled,
    daily.campaigns_worked,
    daily.talk_seconds,
    daily.hold_seconds,
    daily.wrap_seconds,
    daily.talk_seconds + daily.hold_seconds + daily.wrap_seconds as handle_seconds,
    {{ ratio('daily.talk_seconds + daily.hold_seconds + daily.wrap_seconds', 'daily.calls_handled') }}
        as avg_handle_seconds,
    daily.success_calls,
    daily.contact_calls,
    {{ ratio('daily.success_calls', 'daily.calls_handled') }} as conversion_rate
from daily
left join agents
    on
        daily.source_system = agents.source_system
        and daily.agent_id = agents.agent_id
