-- One row per call an agent handled, all vendors: durations in seconds (a missing
-- duration is 0), the disposition mapped to its category and flags, and the local
-- report_date in the campaign's zone.
with ipscape_activities as (
    select * from {{ ref('stg_ipscape__activities') }}
    where agent_id is not null
),

qvoice_history as (
    select * from {{ ref('stg_qvoice__leads_history') }}
    where agent_name is not null
),

qvoice_campaign_ids as (
    select * from {{ ref('qvoice_campaign_ids') }}
),

cloudagent_dials as (
    select * from {{ ref('cloudagent_dials') }}
    where agent_id is not null
),

campaigns as (
    select * from {{ ref('campaigns') }}
),

disposition_flags as (
    select
        *,
        lower(trim(disposition)) as disposition_key
    from {{ ref('disposition_flags') }}
),

ipscape as (
    select
        'ipscape' as source_system,
        activity_id as interaction_id,
        attempt_id,
        campaign_id,
        campaign_name,
        agent_id,
        agent_name,
        created_at as started_at,
        nullif(trim(wrap_description), '') as disposition_raw,
        case when nullif(trim(wrap_description), '') is not null then wrap_code end
            as disposition_code,
        coalesce(talk_seconds, interaction_seconds, 0) as talk_seconds,
        coalesce(hold_seconds, 0) as hold_seconds,
        coalesce(
            wrap_seconds, cast(epoch(wrapped_up_at) - epoch(hung_up_at) as bigint), 0
        ) as wrap_seconds
    from ipscape_activities
),

-- QVoice: a dial with an agent; the agent is its extension; no wrap codes, hold or wrap
qvoice as (
    select
        'qvoice' as source_system,
        qvoice_history.history_key as interaction_id,
        qvoice_history.history_key as attempt_id,
        qvoice_campaign_ids.campaign_id,
        qvoice_history.campaign_name,
        coalesce(qvoice_history.agent_extension, qvoice_history.agent_name) as agent_id,
        qvoice_history.agent_name,
        qvoice_history.dialled_at as started_at,
        qvoice_history.disposition as disposition_raw,
        cast(null as varchar) as disposition_code,
        coalesce(qvoice_history.talk_seconds, 0) as talk_seconds,
        0 as hold_seconds,
        0 as wrap_seconds
    from qvoice_history
    left join qvoice_campaign_ids
        on qvoice_history.campaign_name = qvoice_campaign_ids.campaign_name
),

-- CloudAgent: a dial with an agent; talk is callDuration; no wrap codes, hold or wrap
cloudagent as (
    select
        'cloudagent' as source_system,
        attempt_id as interaction_id,
        attempt_id,
        campaign_name as campaign_id,
        campaign_name,
        agent_id,
        agent_name,
        last_dialed_at as started_at,
        disposition as disposition_raw,
        cast(null as varchar) as disposition_code,
        coalesce(talk_seconds, 0) as talk_seconds,
        0 as hold_seconds,
        0 as wrap_seconds
    from cloudagent_dials
),

interactions as (
    select * from ipscape
    union all
    select * from qvoice
    union all
    select * from cloudagent
),

located as (
    select
        interactions.*,
        coalesce(
            campaigns.timezone, {{ default_timezone('interactions.source_system') }}
        ) as timezone
    from interactions
    left join campaigns
        on
            interactions.source_system = campaigns.source_system
            and interactions.campaign_id = campaigns.campaign_id
)

select
    interactions.source_system,
    interactions.interaction_id,
    interactions.attempt_id,
    interactions.campaign_id,
    interactions.campaign_name,
    interactions.agent_id,
    interactions.agent_name,
    interactions.started_at,
    interactions.timezone,
    {{ local_date('interactions.timezone', 'interactions.started_at') }} as report_date,
    interactions.disposition_raw,
    interactions.disposition_code,
    case
        when interactions.disposition_raw is null then '(none)'
        else coalesce(disposition_flags.disposition, interactions.disposition_raw)
    end as disposition,
    case
        when interactions.disposition_raw is null then 'none'
        else coalesce(disposition_flags.category, 'unmapped')
    end as category,
    coalesce(disposition_flags.is_success, false) as is_success,
    coalesce(disposition_flags.is_contact, false) as is_contact,
    coalesce(disposition_flags.is_dnc, false) as is_dnc,
    coalesce(disposition_flags.is_callback, false) as is_callback,
    coalesce(disposition_flags.is_final, false) as is_final,
    interactions.talk_seconds,
    interactions.hold_seconds,
    interactions.wrap_seconds
from located as interactions
left join disposition_flags
    on lower(interactions.disposition_raw) = disposition_flags.disposition_key
