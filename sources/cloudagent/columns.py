"""Declared columns of the raw CloudAgent tables (dlt's snake_case names).

Ids and phone numbers are text whatever the vendor's JSON or CSV makes them look like.
"""

from sources.common.columns import typed_columns

DIAL_STATUS = typed_columns(
    campaign_name="text",
    lead_key="text",
    lead_id="text",
    phone_number="text",
    name="text",
    status="text",
    dial_status="text",
    disposition="text",
    agent_id="text",
    agent_name="text",
    attempts="bigint",
    call_duration="bigint",
    priority="bigint",
    skill="text",
    last_dialed_time="text",
    updated_date="text",
    created_date="text",
    last_dialed_at="timestamp",
    updated_at="timestamp",
    created_at="timestamp",
    _unique_id="text",
    _received_at="timestamp",
)

CALLBACKS = typed_columns(
    callback_file="text",
    unique_id="text",
    campaign_name="text",
    received_at="timestamp",
    content_type="text",
    row_count="bigint",
    parse_error="text",
)
