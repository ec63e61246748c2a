-- One row per (source_system, campaign_id): the campaign's current name and its
-- reporting time zone. The name is the vendor's own list (ipSCAPE campaign list,
-- QVoice status report) where the campaign is listed, else the name on its most
-- recent fact; the zone is the campaign's own where the vendor gives one, else the
-- source's configured zone.
with ipscape_listed as (
    select
        campaign_id,
        campaign_name,
        campaign_timezone
    from {{ ref('stg_ipscape__campaigns') }}
),

ipscape_facts as (
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

-- the name on the latest fact (ties: the name that sorts last); an aggregate, not a
-- window over every fact: this table is rebuilt on every build
ipscape_latest_fact_names as (
    select
        campaign_id,
        max({ 'seen_at': seen_at, 'campaign_name': campaign_name }).campaign_name as campaign_name
    from ipscape_facts
    where campaign_id is not null and campaign_name is not null
    group by campaign_id
),

ipscape as (
    select
        'ipscape' as source_system,
        coalesce(ipscape_listed.campaign_id, ipscape_latest_fact_names.campaign_id) as campaign_id,
        coalesce(ipscape_listed.campaign_name, ipscape_latest_fact_names.campaign_name) as campaign_name,
        ipscape_listed.campaign_timezone,
        ipscape_listed.campaign_id is not null as is_listed
    from ipscape_listed
    full outer join ipscape_latest_fact_names
        on ipscape_listed.campaign_id = ipscape_latest_fact_names.campaign_id
),

qvoice_listed as (
    select
        campaign_id,
        campaign_name
    from {{ ref('stg_qvoice__campaigns_status') }}
    qualify row_number() over (partition by campaign_id order by snapshot_at desc) = 1
),

qvoice as (
    select
        'qvoice' as source_system,
        campaign_id,
        campaign_name,
        null as campaign_timezone,
        true as is_listed
    from qvoice_listed
    union all
    select
        'qvoice' as source_system,
        campaign_id,
        campaign_name,
        null as campaign_timezone,
        false as is_listed
    from {{ ref('qvoice_campaign_ids') }}
    where not is_reported
),

-- CloudAgent names campaigns and has no ids: the name is the id
cloudagent as (
    select distinct
        'cloudagent' as source_system,
        campaign_name as campaign_id,
        campaign_name,
        null as campaign_timezone,
        false as is_listed
    from {{ ref('stg_cloudagent__dial_status') }}
),

campaigns as (
    select * from ipscape
    union all
    select * from qvoice
    union all
    select * from cloudagent
)

select
    source_system,
    campaign_id,
    campaign_name,
    coalesce(campaign_timezone, {{ default_timezone('source_system') }}) as timezone,
    is_listed
from campaigns
