-- One row per (source_system, campaign_id): the campaign's current name and its
-- reporting time zone. The name is the vendor's campaign list title where the
-- campaign is listed, else the name on its most recent fact; the zone is the
-- campaign's own where the vendor gives one, else the source's configured zone.
with listed as (
    select
        campaign_id,
        campaign_name,
        campaign_timezone
    from {{ ref('stg_ipscape__campaigns') }}
),

facts as (
    select
        campaign_id,
        campaign_name,
        dialled_at as seen_at
    from {{ ref('stg_ipscape__dialler_attempts') }}
    union all
    select
        campaign_id,
        campaign_name,
        created_at as seen_at
    from {{ ref('stg_ipscape__activities') }}
    where agent_id is not null
),

latest_fact_names as (
    select
        campaign_id,
        campaign_name
    from facts
    where campaign_id is not null and campaign_name is not null
    qualify row_number() over (
        partition by campaign_id order by seen_at desc, campaign_name desc
    ) = 1
),

ipscape as (
    select
        'ipscape' as source_system,
        coalesce(listed.campaign_id, latest_fact_names.campaign_id) as campaign_id,
        coalesce(listed.campaign_name, latest_fact_names.campaign_name) as campaign_name,
        coalesce(listed.campaign_timezone, '{{ var("ipscape_timezone") }}') as timezone,
        listed.campaign_id is not null as is_listed
    from listed
    full outer join latest_fact_names
        on listed.campaign_id = latest_fact_names.campaign_id
)

select * from ipscape
