"""Lead items as the API serves them at a clock.

A lead's state comes from its dials visible at the clock (dialled <= clock): the latest
sets `lastStatusCode`; a completing outcome (Sale, Do Not Call or Wrong Number wrap,
Invalid Number dial) counts once that call is revealed; `modified` is the latest change
(upload, a dial, or a call's reveal). Leads show current names, not dated ones.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import datetime, timedelta
from operator import attrgetter
from typing import Any

from simulator.ipscape.facts import Attempt, Lead
from simulator.ipscape.timestamps import format_timestamp, offset_style, wall_time
from simulator.ipscape.vocabulary import LEAD_NEW, LEAD_STATUS_BY_DIAL_STATUS

CUSTOMER_KEY_BASE = 9_950_000  # lead 50001 has customerKey "10000001"
RETRY_AFTER_SECONDS = 4 * 3600
DIALLING_HOURS = (9, 20)  # nextAttempt falls on a whole local hour in [09:00, 20:00)


def visible_attempts(lead: Lead, clock: float) -> list[Attempt]:
    """The lead's dials with dialled <= clock, in dial order."""
    return lead.attempts[: bisect_right(lead.attempts, clock, key=attrgetter("dialled"))]


def lead_item(lead: Lead, clock: float) -> dict[str, Any]:
    """One `GET /v3.0/leads` item."""
    style = offset_style(lead.lead_id)
    attempts = visible_attempts(lead, clock)
    last = attempts[-1] if attempts else None
    status = LEAD_STATUS_BY_DIAL_STATUS[last.dial_status.code] if last else LEAD_NEW
    completed = any(a.completes_lead and a.reveal_at <= clock for a in attempts)
    modified = max(
        [lead.created] + [a.reveal_at if a.reveal_at <= clock else a.dialled for a in attempts]
    )
    item: dict[str, Any] = {
        "leadId": lead.lead_id,
        "campaignId": lead.campaign_id,
        "campaignName": lead.campaign.title,
        "listId": lead.list_id,
        "listName": lead.lead_list.name,
        "timezone": lead.zone.key,
        "completed": completed,
        "customerKey": str(CUSTOMER_KEY_BASE + lead.lead_id),
    }
    agent_attempt = next((a for a in reversed(attempts) if a.ending), None)
    if agent_attempt:
        item["agentId"] = agent_attempt.ending.agent.user_id
        item["agentFullName"] = agent_attempt.ending.agent.full_name
    same_status = (
        sum(1 for a in attempts if a.dial_status.code == last.dial_status.code) if last else 0
    )
    timestamps = {
        "created": format_timestamp(lead.created, lead.zone, style),
        "modified": format_timestamp(modified, lead.zone, style),
    }
    if not completed:
        timestamps["nextAttempt"] = format_timestamp(next_attempt(lead, last), lead.zone, style)
    item.update(
        {
            "dataFields": {"state": lead.state, "age": lead.age, "name": lead.full_name},
            "lastStatusCode": status.code,
            "lastStatusDescription": status.name,
            "phones": [{"phone": lead.phone, "phoneIndex": 1, "completed": completed}],
            "outcomeType": "preview",
            "outcomesInfo": {
                "totalAttempts": len(attempts),
                "outcomesByCode": {
                    "count": same_status,
                    "statusCode": status.code,
                    "description": status.name,
                },
            },
            "timestamps": timestamps,
        }
    )
    return item


def next_attempt(lead: Lead, last: Attempt | None) -> int:
    """The next whole local hour 4 h after the last dial (or after upload), moved into
    the dialling hours 09:00-20:00; epoch seconds."""
    base = last.dialled + RETRY_AFTER_SECONDS if last else lead.created
    local = datetime.fromtimestamp(base, lead.zone)
    day, hour = local.date(), local.hour + 1
    if hour >= DIALLING_HOURS[1]:
        day, hour = day + timedelta(days=1), DIALLING_HOURS[0]
    hour = max(hour, DIALLING_HOURS[0])
    return wall_time(day, hour * 3600, lead.zone)
