with source as (
    select * from {{ source_or_empty('ipscape_raw', 'lead_lists') }}
)

select
    cast(id as varchar) as list_id,
    name as list_name,
    cast(campaign_id as varchar) as campaign_id,
    campaign_name,
    in_dialler,
    weight,
    timestamps__created as created_at
from source
