"""Declared columns of the raw ipSCAPE tables (dlt's snake_case names).

The transforms read these columns; declaring them keeps them in the table even on a
night when no record carries a value (dlt creates undeclared columns only when a
value is seen). The cursor feeds declare every field the API documents: their pages are
written to Parquet files in the raw table's column order, and a column first seen
halfway through a backfill makes dlt rewrite the files written before it. Other fields
the API sends still land: the schema evolves.

The feeds read as Arrow tables also declare their lists as JSON (a page table keeps a
list in its row, and a page taking the record way must do the same) and `_dlt_id` as
optional: dlt gives that row id only to records, not to Arrow rows. Their cursors are
never null (a record without one is quarantined), and the page tables say so.
"""

from sources.common.columns import typed_columns as _typed

_ARROW_AND_RECORDS = {
    "_dlt_id": {"name": "_dlt_id", "data_type": "text", "nullable": True, "row_key": False}
}


def _never_null(columns: dict, name: str) -> dict:
    return columns | {name: columns[name] | {"nullable": False}}


DIALLER_ATTEMPTS = _never_null(
    _typed(
        attempt_id="bigint",
        dial_status_id="bigint",
        dial_status_name="text",
        phone_index="bigint",
        phone_number="text",
        lead_id="bigint",
        timestamps__dialled="timestamp",
        timestamps__answered="timestamp",
        timestamps__hang_up="timestamp",
        type="text",
        campaign_id="bigint",
        campaign_name="text",
        activity_id="bigint",
    )
    | _ARROW_AND_RECORDS,
    "timestamps__dialled",
)

ACTIVITIES = _never_null(
    _typed(
        type="text",
        data__activity_id="bigint",
        data__attempt_id="bigint",
        data__lead_id="bigint",
        data__campaign_id="bigint",
        data__campaign_name="text",
        data__agent_id="bigint",
        data__agent_full_name="text",
        data__wrap_code="bigint",
        data__wrap_description="text",
        data__activity_status_id="bigint",
        data__activity_status_name="text",
        data__durations__ivr="bigint",
        data__durations__queue="bigint",
        data__durations__dial="bigint",
        data__durations__hold="bigint",
        data__durations__talk="bigint",
        data__durations__interaction="bigint",
        data__durations__wrap="bigint",
        data__timestamps__created="timestamp",
        data__timestamps__join_queue="timestamp",
        data__timestamps__answered="timestamp",
        data__timestamps__hang_up="timestamp",
        data__timestamps__wrap_up="timestamp",
        data__voicemail_metadata="json",
        data__parent_activity_id="bigint",
        data__root_activity_id="bigint",
        data__source="text",
        data__destination="text",
        data__agent_interaction_id="bigint",
        data__recording_status="text",
        data__recording_metadata__media_id="bigint",
        data__recording_metadata__media_uri="text",
        data__recording_metadata__duration="bigint",
        data__recording_metadata__deleted="bool",
        data__survey__started="bool",
        data__survey__start_timestamp="timestamp",
        data__survey__workflow_id="bigint",
        data__survey__workflow_name="text",
        data__call_quality_score="bigint",
        data__dial_status_id="bigint",
        data__dial_status_name="text",
        data__phone_index="bigint",
        data__phone_number="text",
    )
    | _ARROW_AND_RECORDS,
    "data__timestamps__created",
)

LEADS = (
    _typed(
        lead_id="bigint",
        campaign_id="bigint",
        campaign_name="text",
        list_id="bigint",
        list_name="text",
        timezone="text",
        completed="bool",
        customer_key="text",
        agent_id="bigint",
        last_status_code="bigint",
        last_status_description="text",
        outcomes_info__total_attempts="bigint",
        timestamps__created="timestamp",
        timestamps__modified="timestamp",
        timestamps__next_attempt="timestamp",
        phones="json",
        agent_full_name="text",
        outcome_type="text",
        outcomes_info__outcomes_by_code__count="bigint",
        outcomes_info__outcomes_by_code__status_code="bigint",
        outcomes_info__outcomes_by_code__description="text",
    )
    | _ARROW_AND_RECORDS
)

LEAD_LISTS = _typed(
    id="bigint",
    name="text",
    campaign_id="bigint",
    campaign_name="text",
    in_dialler="bool",
    weight="bigint",
    timestamps__created="timestamp",
)

CAMPAIGNS = _typed(
    campaign_id="bigint",
    campaign_title="text",
    campaign_type="text",
    is_running="bool",
    timezone="text",
)

USERS = _typed(
    user_id="bigint",
    first_name="text",
    last_name="text",
    username="text",
    user_type="text",
    account_is_active="bool",
)
