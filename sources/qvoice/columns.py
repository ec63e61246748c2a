"""Declared columns of the raw QVoice tables (dlt's snake_case names).

Declared so the transforms find them on a night no record carries a value.
"""

from sources.common.columns import typed_columns as _typed

LEADS_HISTORY = _typed(
    history_key="text",
    call_id="text",
    datetime="text",
    timestamp="bigint",
    campaign_name="text",
    lead_name="text",
    lead_number="text",
    agent_name="text",
    agent_extension="text",
    status="text",
    disposition="text",
    hangup_cause="text",
    agent_talk_time="bigint",
    answered_time="bigint",
)

CAMPAIGN_LEADS = _typed(
    id="text",
    campaign_id="text",
    number="text",
    status="text",
    retries="bigint",
    priority="bigint",
    created="bigint",
    first_name="text",
    last_name="text",
)

CAMPAIGNS_STATUS = _typed(
    campaign_id="text",
    name="text",
    status="text",
    total_leads="bigint",
    snapshot_at="timestamp",
)

QUEUES_STATUS = _typed(
    id="text",
    name="text",
    extension="text",
    snapshot_at="timestamp",
)
