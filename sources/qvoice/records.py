"""Per-record checks and shaping for the Campaigns API v2 feeds."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

from sources.common.quarantine import Quarantine, check_not_negative
from sources.common.timestamps import BadRecordError


class UnexpectedShape(ValueError):
    """A report whose body is JSON but not of the documented shape."""


def keyed_history_rows(pages: Iterable[list[dict]], quarantine: Quarantine) -> Iterator[list[dict]]:
    """History pages with `timestamp` checked (unix seconds) and `history_key` added.

    The key is `call_id` when the platform sends one, else
    `timestamp|lead_number|campaign_name` (the same dial read twice gets the same key).
    A row without a usable timestamp, or with a negative talk time, goes to quarantine.
    """
    for page in pages:
        kept = []
        for row in page:
            try:
                timestamp = _unix_seconds(row)
                check_not_negative(
                    row,
                    {"agent_talk_time": row.get("agent_talk_time")},
                    "leads_history",
                    row.get("call_id") or row.get("datetime"),
                )
            except BadRecordError as error:
                quarantine.add(error, row)
                continue
            row["timestamp"] = timestamp
            call_id = str(row.get("call_id") or "").strip()
            row["history_key"] = call_id or (
                f"{row['timestamp']}|{row.get('lead_number')}|{row.get('campaign_name')}"
            )
            kept.append(row)
        if kept:
            yield kept


def campaign_status_rows(report: dict, snapshot_at: datetime) -> list[dict]:
    """`{campaign_id: {...}}` as one row per campaign, stamped with the snapshot time."""
    if not isinstance(report, dict):
        raise UnexpectedShape("campaigns_status: the status report is not a JSON object")
    return [
        {"campaign_id": str(campaign_id), **(details or {}), "snapshot_at": snapshot_at}
        for campaign_id, details in report.items()
    ]


def queue_rows(report: list, snapshot_at: datetime) -> list[dict]:
    """Queues (with nested agents) stamped with the snapshot time."""
    if not isinstance(report, list):
        raise UnexpectedShape("queues_status: the queues report is not a JSON array")
    for queue in report:
        if not queue.get("id"):
            raise BadRecordError("queues_status", queue.get("name"), "id", "is missing")
        queue["snapshot_at"] = snapshot_at
    return report


def checked_campaign_leads(page: list[dict], quarantine: Quarantine) -> list[dict]:
    """The leads of a page that have an `id`; the others go to quarantine."""
    kept = []
    for lead in page:
        if lead.get("id"):
            kept.append(lead)
        else:
            quarantine.add(BadRecordError("campaign_leads", None, "id", "is missing"), lead)
    return kept


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
