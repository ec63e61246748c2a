"""Per-row checks and shaping of dial-status rows before loading.

Vendor times are naive `YYYY-MM-DD HH:MM:SS` in the account zone: the zone is attached
(never converted from the machine's zone) and kept beside the vendor's text as UTC.
"""

from __future__ import annotations

from datetime import datetime

from sources.common.quarantine import check_not_negative
from sources.common.timestamps import BadRecordError, parse_vendor_timestamp

INTEGER_FIELDS = ("attempts", "callDuration", "priority")
TIME_FIELDS = {
    "lastDialedTime": "last_dialed_at",
    "updatedDate": "updated_at",
    "createdDate": "created_at",
}


def shaped_row(
    row: dict, campaign_name: str | None, unique_id: str | None, received_at: datetime, zone: str
) -> dict:
    """One row as loaded: the vendor's fields, plus keys, UTC times and the callback's id.

    The key of a row version is (campaignName, lead_key, lastDialedTime, updatedDate);
    `lead_key` is the leadId, else the phone number; a never-dialled lead has an empty
    lastDialedTime.
    """
    campaign = str(row.get("campaignName") or campaign_name or "").strip()
    lead = str(row.get("leadId") or "").strip() or str(row.get("phoneNumber") or "").strip()
    record = f"{campaign}/{row.get('leadId') or '(no leadId)'}"
    if not campaign:
        raise BadRecordError("dial_status", record, "campaignName", "is missing")
    if not lead:
        raise BadRecordError("dial_status", record, "leadId", "is missing (and no phoneNumber)")
    shaped = dict(row)
    shaped["campaignName"] = campaign
    shaped["lead_key"] = lead
    for name in ("lastDialedTime", "updatedDate", "createdDate"):
        shaped[name] = str(row.get(name) or "").strip()
    for name, target in TIME_FIELDS.items():
        text = shaped[name]
        try:
            shaped[target] = parse_vendor_timestamp(text, zone) if text else None
        except ValueError as error:
            raise BadRecordError("dial_status", record, name, f"is not a time: {text!r}") from error
    for name in INTEGER_FIELDS:
        shaped[name] = _integer(row.get(name), record, name)
    check_not_negative(row, {"callDuration": shaped["callDuration"]}, "dial_status", record)
    shaped["_unique_id"] = unique_id
    shaped["_received_at"] = received_at
    return shaped


def _integer(value: object, record: str, field: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(float(value))
    except (TypeError, ValueError) as error:
        raise BadRecordError("dial_status", record, field, f"is not a number: {value!r}") from error
