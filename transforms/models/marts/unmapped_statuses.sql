-- One row per (source_system, kind, raw_value) the mapping seeds do not know:
-- dial statuses that fell to 'other' and dispositions of category 'unmapped'.
-- raw_value keeps the case of its earliest occurrence; first_seen / last_seen are the
-- event times of the earliest and latest fact carrying it. Empty when all is mapped.
with unmapped_dial_statuses as (
    select
        source_system,
        'dial_status' as kind,
        coalesce(dial_status, '(missing)') as raw_value,
        dialled_at as seen_at
    from {{ ref('dial_attempts') }}
    where is_unmapped_status
),

unmapped_dispositions as (
    select
        source_system,
        'disposition' as kind,
        disposition_raw as raw_value,
        started_at as seen_at
    from {{ ref('agent_interactions') }}
    where category = 'unmapped'
),

unmapped as (
    select * from unmapped_dial_statuses
    union all
    select * from unmapped_dispositions
)

select
    source_system,
    kind,
    first(raw_value order by seen_at, raw_value) as raw_value,
    count(*) as occurrences,
    min(seen_at) as first_seen,
    max(seen_at) as last_seen
from unmapped
group by source_system, kind, lower(raw_value)
