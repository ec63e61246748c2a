-- One row per dial attempt, all vendors: canonical outcome, talk seconds and the
-- local report_date in the campaign's zone. No phone numbers: a lead without an id
-- is keyed by a hash of its number.
with ipscape_attempts as (
    select * from {{ ref('stg_ipscape__dialler_attempts') }}
),

campaigns as (
    select * from {{ ref('campaigns') }}
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
        hung_up_at
    from ipscape_attempts
),

attempts as (
    select * from ipscape
),

classified as (
    select
        attempts.*,
        coalesce(outcomes.outcome, 'other') as outcome,
        outcomes.outcome is null as is_unmapped_status,
        coalesce(
            campaigns.timezone, '{{ var("ipscape_timezone") }}'
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
    case
        when
            outcome in ('human_answer', 'abandoned', 'machine')
            and answered_at is not null
            and hung_up_at is not null
            then cast(epoch(hung_up_at) - epoch(answered_at) as bigint)
        else 0
    end as talk_seconds,
    timezone,
    {{ local_date('timezone', 'dialled_at') }} as report_date
from classified
