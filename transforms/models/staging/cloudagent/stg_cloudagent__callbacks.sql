with source as (
    select * from {{ source_or_empty('cloudagent_raw', 'callbacks') }}
)

select
    callback_file,
    unique_id,
    campaign_name,
    received_at,
    content_type,
    row_count,
    parse_error
from source
