-- One row per dial attempt, all vendors: canonical outcome, talk seconds and the
-- local report_date in the campaign's zone. No phone numbers: a lead without an id
-- is keyed by a hash of its number.
-- Incremental: a build recomputes the attempts whose raw rows were loaded (new or
-- re-read) since the last build, and those of the campaigns whose zone or QVoice
-- campaign id changed since; it queues their old and new report keys for
-- dial_outcomes_daily.
{{ config(
    unique_key=['source_system', 'attempt_id'],
    queue_report_keys={'dial_outcomes_daily': ['source_system', 'campaign_id', 'report_date']},
    post_hook=[
        "{{ record_consumed_loads([
            ref('stg_ipscape__dialler_attempts'), ref('stg_qvoice__leads_history'), ref('cloudagent_dials')
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

ipscape_attempts as (
    {{ rows_to_rebuild(ref('stg_ipscape__dialler_attempts'), 'ipscape', 'campaign_id') }}
),

qvoice_history as (
    {{ rows_to_rebuild(ref('stg_qvoice__leads_history'), 'qvoice', 'campaign_name') }}
),

cloudagent_dials as (
    {{ rows_to_rebuild(ref('cloudagent_dials'), 'cloudagent', 'campaign_name') }}
),

outcomes as (
    select
        source_system,
        outcome,
        lower(trim(raw_value)) as status_key
    from {{ ref('dial_status_outcomes') }}
),

ipscape as (
    select
        'ipscape' as source_system,
        attempt_id,
        campaign_id,
        campaign_name,
        lead_id,
        coalesce(lead_id, 'phone:' || sha256(phone_number)) as lead_key,
        dial_status,
        dial_status_code,
        dialled_at,
        answered_at,
        hung_up_at,
        cast(null as bigint) as vendor_talk_seconds
    from ipscape_attempts
),

-- QVoice history rows carry no lead id: the lead is its number (kept only as a hash)
qvoice as (
    select
        'qvoice' as source_system,
        qvoice_history.history_key as attempt_id,
        qvoice_campaign_ids.campaign_id,
        qvoice_history.campaign_name,
        cast(null as varchar) as lead_id,
        'phone:' || sha256(coalesce(qvoice_history.lead_number, '')) as lead_key,
        qvoice_history.dial_status,
        cast(null as varchar) as dial_status_code,
        qvoice_history.dialled_at,
        qvoice_history.answered_at,
        cast(null as timestamptz) as hung_up_at,
        coalesce(qvoice_history.talk_seconds, 0) as vendor_talk_seconds
    from qvoice_history
    left join qvoice_campaign_ids
        on qvoice_history.campaign_name = qvoice_campaign_ids.campaign_name
),

-- CloudAgent names its campaigns (no ids) and gives the talk time of a connect
cloudagent as (
    select
        'cloudagent' as source_system,
        attempt_id,
        campaign_name as campaign_id,
        campaign_name,
        lead_id,
        lead_key,
        dial_status,
        cast(null as varchar) as dial_status_code,
        last_dialed_at as dialled_at,
        cast(null as timestamptz) as answered_at,
        cast(null as timestamptz) as hung_up_at,
        coalesce(talk_seconds, 0) as vendor_talk_seconds
    from cloudagent_dials
),

attempts as (
    select * from ipscape
    union all
    select * from qvoice
    union all
    select * from cloudagent
),

classified as (
    select
        attempts.*,
        coalesce(outcomes.outcome, 'other') as outcome,
        outcomes.outcome is null as is_unmapped_status,
        coalesce(
            campaigns.timezone, {{ default_timezone('attempts.source_system') }}
        ) as timezone
    from attempts
    left join outcomes
        on
            attempts.source_system = outcomes.source_system
            and lower(trim(attempts.dial_status)) = outcomes.status_key
    left join campaigns
        on
            attempts.source_system = campaigns.source_system
            and attempts.campaign_id = campaigns.campaign_id
)

select
    source_system,
    attempt_id,
    campaign_id,
    campaign_name,
    lead_id,
    lead_key,
    dial_status,
    dial_status_code,
    outcome,
    is_unmapped_status,
    dialled_at,
    answered_at,
    hung_up_at,
    -- talk of a connect: the vendor's own figure (QVoice), else hang-up minus answer
    case
        when outcome in ('human_answer', 'abandoned', 'machine')
            then coalesce(
                vendor_talk_seconds, cast(epoch(hung_up_at) - epoch(answered_at) as bigint), 0
            )
        else 0
    end as talk_seconds,
    timezone,
    {{ local_date('timezone', 'dialled_at') }} as report_date
from classified
