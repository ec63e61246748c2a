with source as (
    select * from {{ source_or_empty('ipscape_raw', 'users') }}
)

select
    cast(user_id as varchar) as user_id,
    nullif(trim(concat_ws(' ', trim(first_name), trim(last_name))), '') as full_name,
    username,
    user_type,
    account_is_active
from source
