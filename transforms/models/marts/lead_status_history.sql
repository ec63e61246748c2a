-- One row per (source_system, lead_id, valid_from): a period during which a lead kept
-- one status in one campaign. Built from the scd2 history of the nightly lead
-- snapshots; versions that differ only in other fields (retries, priority) merge into
-- one period, a change of status or campaign starts a new one, and a lead that left
-- its campaign has its last period closed (valid_to = the snapshot that missed it).
with versions as (
    select
        'qvoice' as source_system,
        lead_id,
        campaign_id,
        status,
        valid_from,
        valid_to
    from {{ ref('stg_qvoice__campaign_leads') }}
),

with_previous as (
    select
        *,
        lag(status) over (
            partition by source_system, lead_id order by valid_from
        ) as previous_status,
        lag(campaign_id) over (
            partition by source_system, lead_id order by valid_from
        ) as previous_campaign_id,
        lag(valid_to) over (
            partition by source_system, lead_id order by valid_from
        ) as previous_valid_to
    from versions
),

marked as (
    select
        *,
        case
            when
                previous_valid_to = valid_from
                and coalesce(previous_status, '') = coalesce(status, '')
                and coalesce(previous_campaign_id, '') = coalesce(campaign_id, '')
                then 0
            else 1
        end as starts_period
    from with_previous
),

periods as (
    select
        *,
        sum(starts_period) over (
            partition by source_system, lead_id order by valid_from
            rows between unbounded preceding and current row
        ) as period_number
    from marked
)

select
    source_system,
    lead_id,
    any_value(campaign_id) as campaign_id,
    any_value(status) as status,
    min(valid_from) as valid_from,
    -- arg_max_null: the latest version's valid_to even when it is NULL (still current)
    arg_max_null(valid_to, valid_from) as valid_to
from periods
group by source_system, lead_id, period_number
