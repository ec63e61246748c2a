-- One row per (source_system, campaign_id, report_date) with at least one attempt.
-- Counts by canonical outcome add up to attempts; rates are DOUBLE, NULL on a zero
-- denominator; talk_seconds sums hang-up minus answer over connects.
-- Incremental: a build recomputes, from all of core.dial_attempts, the campaign days
-- whose attempts changed (queued by dial_attempts: their old and new days) and every
-- day of a campaign whose current name changed.
{{ config(
    unique_key=['source_system', 'campaign_id', 'report_date'],
    post_hook="{{ clear_pending_report_keys() }}",
) }}

with campaigns as (
    select * from {{ ref('campaigns') }}
),

{% if is_incremental() %}
    -- the keys to rebuild: queued by dial_attempts (the old and new keys of changed attempts),
    -- and every key of a campaign whose current name changed
    touched as (
        {{ touched_report_keys('campaign_id', 'campaigns', 'campaign_name') }}
    ),
{% endif %}

attempts as (
    select attempts.* from {{ ref('dial_attempts') }} as attempts
    {% if is_incremental() %}
        inner join touched
            on
                attempts.source_system = touched.source_system
                and attempts.campaign_id is not distinct from touched.campaign_id
                and attempts.report_date = touched.report_date
    {% endif %}
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
),

final as (
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
)

{{ with_touched_keys_replaced('final') }}
