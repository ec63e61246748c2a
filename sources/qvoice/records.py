"""Per-record checks and shaping for the Campaigns API v2 feeds."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

from sources.common.timestamps import BadRecordError


def keyed_history_rows(pages: Iterable[list[dict]]) -> Iterator[list[dict]]:
    """History pages with `timestamp` checked (unix seconds) and `history_key` added.

    The key is `call_id` when the platform sends one, else
    `timestamp|lead_number|campaign_name` (the same dial read twice gets the same key).
    """
    for page in pages:
        for row in page:
            row["timestamp"] = _unix_seconds(row)
            call_id = str(row.get("call_id") or "").strip()
            row["history_key"] = call_id or (
                f"{row['timestamp']}|{row.get('lead_number')}|{row.get('campaign_name')}"
            )
        yield page


def campaign_status_rows(report: dict, snapshot_at: datetime) -> list[dict]:
    """`{campaign_id: {...}}` as one row per campaign, stamped with the snapshot time."""
    if not isinstance(report, dict):
        raise BadRecordError("campaigns_status", None, "(body)", "is not a JSON object")
    return [
        {"campaign_id": str(campaign_id), **(details or {}), "snapshot_at": snapshot_at}
        for campaign_id, details in report.items()
    ]


def queue_rows(report: list, snapshot_at: datetime) -> list[dict]:
    """Queues (with nested agents) stamped with the snapshot time."""
    if not isinstance(report, list):
        raise BadRecordError("queues_status", None, "(body)", "is not a JSON array")
    for queue in report:
        if not queue.get("id"):
            raise BadRecordError("queues_status", queue.get("name"), "id", "is missing")
        queue["snapshot_at"] = snapshot_at
    return report


def check_campaign_lead(lead: dict) -> dict:
    if not lead.get("id"):
        raise BadRecordError("campaign_leads", None, "id", "is missing")
    return lead


def _unix_seconds(row: dict) -> int:
    value = row.get("timestamp")
    record_id = row.get("call_id") or row.get("datetime")
    if value is None or value == "":
        raise BadRecordError("leads_history", record_id, "timestamp", "is missing")
    try:
        return int(float(value))
    except (TypeError, ValueError) as error:
        raise BadRecordError(
            "leads_history", record_id, "timestamp", f"is not unix seconds: {value!r}"
        ) from error
