-- One row per (source_system, campaign_id, report_date) with at least one attempt.
-- Counts by canonical outcome add up to attempts; rates are DOUBLE, NULL on a zero
-- denominator; talk_seconds sums hang-up minus answer over connects.
with attempts as (
    select * from {{ ref('dial_attempts') }}
),

campaigns as (
    select * from {{ ref('campaigns') }}
),

daily as (
    select
        source_system,
        campaign_id,
        report_date,
        any_value(timezone) as timezone,
        count(*) as attempts,
        count(distinct lead_key) as leads_dialled,
        count(*) filter (where outcome = 'human_answer') as human_answers,
        count(*) filter (where outcome = 'abandoned') as abandoned,
        count(*) filter (where outcome = 'machine') as machine_answers,
        count(*) filter (where outcome = 'no_answer') as no_answers,
        count(*) filter (where outcome = 'busy') as busy,
        count(*) filter (where outcome = 'failed') as failed,
        count(*) filter (where outcome = 'other') as other,
        cast(sum(talk_seconds) as bigint) as talk_seconds
    from attempts
    group by source_system, campaign_id, report_date
)

select
    daily.source_system,
    daily.campaign_id,
    campaigns.campaign_name,
    daily.report_date,
    daily.timezone,
    daily.attempts,
    daily.leads_dialled,
    daily.human_answers,
    daily.abandoned,
    daily.machine_answers,
    daily.no_answers,
    daily.busy,
    daily.failed,
    daily.other,
    daily.human_answers + daily.abandoned as live_answers,
    daily.human_answers + daily.abandoned + daily.machine_answers as connects,
    {{ ratio('daily.human_answers + daily.abandoned + daily.machine_answers', 'daily.attempts') }}
        as connect_rate,
    {{ ratio('daily.human_answers + daily.abandoned', 'daily.attempts') }} as live_answer_rate,
    {{ ratio('daily.abandoned', 'daily.human_answers + daily.abandoned') }} as abandon_rate,
    {{ ratio('daily.attempts', 'daily.leads_dialled') }} as attempts_per_lead,
    daily.talk_seconds
from daily
left join campaigns
    on
        daily.source_system = campaigns.source_system
        and daily.campaign_id = campaigns.campaign_id
