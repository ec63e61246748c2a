with source as (
    select * from {{ source_or_empty('ipscape_raw', 'campaigns') }}
)

select
    cast(campaign_id as varchar) as campaign_id,
    campaign_title as campaign_name,
    campaign_type,
    is_running,
    nullif(trim(timezone), '') as campaign_timezone
from source
