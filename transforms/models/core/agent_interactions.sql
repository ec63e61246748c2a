-- One row per call an agent handled, all vendors: durations in seconds (a missing
-- duration is 0), the disposition mapped to its category and flags, and the local
-- report_date in the campaign's zone.
-- Incremental: a build recomputes the calls whose raw rows were loaded (new or re-read)
-- since the last build, and those of the campaigns whose zone or QVoice campaign id
-- changed since; a record that no longer names an agent leaves the table. The old and
-- new report keys of every recomputed call are queued for the marts built on it.
{{ config(
    unique_key=['source_system', 'interaction_id'],
    queue_report_keys={
        'dispositions_daily': ['source_system', 'campaign_id', 'report_date'],
        'agent_performance_daily': ['source_system', 'agent_id', 'report_date'],
    },
    post_hook=[
        "{{ record_consumed_loads([
            ref('stg_ipscape__activities'), ref('stg_qvoice__leads_history'), ref('cloudagent_dials')
        ]) }}",
        "{{ record_campaign_rules() }}",
    ],
) }}

with qvoice_campaign_ids as (
    select * from {{ ref('qvoice_campaign_ids') }}
),

campaigns as (
    select * from {{ ref('campaigns') }}
),

{% if is_incremental() %}
    -- the campaigns whose id or zone changed since this table was built: all their
    -- records are rebuilt
    changed_campaigns as (
        select * from {{ campaigns_with_changed_rules() }}
    ),
{% endif %}

-- the records to build: every record on a full build, else the changed ones, agent or not
ipscape_activities as (
    {{ rows_to_rebuild(ref('stg_ipscape__activities'), 'ipscape', 'campaign_id') }}
),

qvoice_history as (
    {{ rows_to_rebuild(ref('stg_qvoice__leads_history'), 'qvoice', 'campaign_name') }}
),

cloudagent_dials as (
    {{ rows_to_rebuild(ref('cloudagent_dials'), 'cloudagent', 'campaign_name') }}
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
        ) as wrap_seconds,
        agent_id is not null as is_interaction
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
        0 as wrap_seconds,
        qvoice_history.agent_name is not null as is_interaction
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
        0 as wrap_seconds,
        agent_id is not null as is_interaction
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
),

calls as (
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
        interactions.wrap_seconds,
        interactions.is_interaction
    from located as interactions
    left join disposition_flags
        on lower(interactions.disposition_raw) = disposition_flags.disposition_key
)

{% if is_incremental() %}
    -- a changed record that names no agent (any more): its call leaves the table
    select
        * exclude (is_interaction),
        not is_interaction as _deleted
    from calls
{% else %}
    select * exclude (is_interaction) from calls
    where is_interaction
{% endif %}
