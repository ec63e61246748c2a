-- One row per (source_system, campaign_id, report_date, disposition) over agent
-- interactions. share_of_calls is this disposition's calls over all interactions of
-- the campaign and day; avg_handle_seconds is (talk + hold + wrap) / calls.
-- Incremental: a build recomputes, from all of core.agent_interactions, the campaign
-- days whose calls changed (queued by agent_interactions: their old and new days) and
-- every day of a campaign whose current name changed.
{{ config(
    unique_key=['source_system', 'campaign_id', 'report_date'],
    post_hook="{{ clear_pending_report_keys() }}",
) }}

with campaigns as (
    select * from {{ ref('campaigns') }}
),

{% if is_incremental() %}
    -- the keys to rebuild: queued by agent_interactions (the old and new keys of changed calls),
    -- and every key of a campaign whose current name changed
    touched as (
        {{ touched_report_keys('campaign_id', 'campaigns', 'campaign_name') }}
    ),
{% endif %}

interactions as (
    select interactions.* from {{ ref('agent_interactions') }} as interactions
    {% if is_incremental() %}
        inner join touched
            on
                interactions.source_system = touched.source_system
                and interactions.campaign_id is not distinct from touched.campaign_id
                and interactions.report_date = touched.report_date
    {% endif %}
),

daily as (
    select
        source_system,
        campaign_id,
        report_date,
        disposition,
        min(disposition_code) as disposition_code,
        any_value(category) as category,
        bool_or(is_success) as is_success,
        bool_or(is_contact) as is_contact,
        bool_or(is_dnc) as is_dnc,
        bool_or(is_callback) as is_callback,
        bool_or(is_final) as is_final,
        count(*) as calls,
        cast(sum(talk_seconds) as bigint) as talk_seconds,
        cast(sum(wrap_seconds) as bigint) as wrap_seconds,
        cast(sum(talk_seconds + hold_seconds + wrap_seconds) as bigint) as handle_seconds
    from interactions
    group by source_system, campaign_id, report_date, disposition
),

with_totals as (
    select
        *,
        sum(calls) over (
            partition by source_system, campaign_id, report_date
        ) as campaign_day_calls
    from daily
),

final as (
    select
        daily.source_system,
        daily.campaign_id,
        campaigns.campaign_name,
        daily.report_date,
        daily.disposition,
        daily.disposition_code,
        daily.category,
        daily.is_success,
        daily.is_contact,
        daily.is_dnc,
        daily.is_callback,
        daily.is_final,
        daily.calls,
        {{ ratio('daily.calls', 'daily.campaign_day_calls') }} as share_of_calls,
        daily.talk_seconds,
        daily.wrap_seconds,
        {{ ratio('daily.handle_seconds', 'daily.calls') }} as avg_handle_seconds
    from with_totals as daily
    left join campaigns
        on
            daily.source_system = campaigns.source_system
            and daily.campaign_id = campaigns.campaign_id
)

{{ with_touched_keys_replaced('final') }}
