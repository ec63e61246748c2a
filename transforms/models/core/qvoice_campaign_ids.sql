-- One row per QVoice campaign name seen in a status report or on a dial: the
-- campaign_id it resolves to. History rows name their campaign but carry no id: the
-- id is the one the status report gives that name (its latest report), else the name.
with reported as (
    select
        campaign_name,
        campaign_id
    from {{ ref('stg_qvoice__campaigns_status') }}
    where campaign_name is not null
    qualify row_number() over (
        partition by campaign_name order by snapshot_at desc, campaign_id desc
    ) = 1
),

dialled as (
    select distinct campaign_name
    from {{ ref('stg_qvoice__leads_history') }}
    where campaign_name is not null
)

select
    coalesce(reported.campaign_name, dialled.campaign_name) as campaign_name,
    coalesce(reported.campaign_id, dialled.campaign_name) as campaign_id,
    reported.campaign_id is not null as is_reported
from reported
full outer join dialled on reported.campaign_name = dialled.campaign_name
