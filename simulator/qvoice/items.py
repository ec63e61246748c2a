"""Leads-history rows and campaign lead items as the API serves them at a clock.

A history row is visible once its `timestamp` (dial time) <= the clock; its
`disposition` and `agent_talk_time` read "" and 0 until the dial's `reveal_at` (the end
of the call, or a day or more later for a late update). A lead's `retries` counts its
visible dials; its `status` follows its revealed dials: `success` after a Sale,
`failed` after a Do Not Call / Wrong Number or MAX_DIALS_PER_LEAD dials, else `new`.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import datetime
from operator import attrgetter
from typing import Any
from zoneinfo import ZoneInfo

from simulator.qvoice.facts import Dial, Lead
from simulator.qvoice.ids import hex_id
from simulator.qvoice.vocabulary import LEAD_FAILED, LEAD_NEW, LEAD_SUCCESS, MAX_DIALS_PER_LEAD

AGENT_EMAIL_DOMAIN = "qvoice-sim.example"


def go_time_text(epoch: int, zone: ZoneInfo) -> str:
    """Go's `time.String()` form of an instant: `2026-03-30 10:31:58 +0000 UTC`."""
    return datetime.fromtimestamp(epoch, zone).strftime("%Y-%m-%d %H:%M:%S %z %Z")


def history_row(dial: Dial, clock: float, zone: ZoneInfo) -> dict[str, Any]:
    """One `GET /api/v2/reports/campaigns/leads/history` row."""
    revealed = dial.reveal_at <= clock
    agent = dial.agent
    row: dict[str, Any] = {
        "datetime": go_time_text(dial.timestamp, zone),
        "timestamp": dial.timestamp,
        "campaign_name": dial.campaign.name,
        "lead_name": dial.lead.name,
        "lead_number": dial.lead.number,
        "agent_name": f"{agent.first_name} {dial.agent_last_name}" if agent else "",
        "agent_extension": agent.extension if agent else "",
        "lead_history": lead_history(dial),
    }
    if dial.call_id is not None:
        row["call_id"] = dial.call_id
    row.update(
        status=dial.status,
        disposition=dial.disposition_text if revealed else "",
        hangup_cause=dial.hangup_cause,
        agent_talk_time=dial.talk_seconds if revealed else 0,
    )
    if dial.answered_time is not None:
        row["answered_time"] = dial.answered_time
    return row


def lead_history(dial: Dial) -> list[dict[str, Any]]:
    """The dial's platform events: the lead leg, then the agent leg of an answered call.
    Instants are unix seconds as floats, like the seed's."""
    events: list[dict[str, Any]] = [
        {
            "event": "campaign dial",
            "type": "dial lead",
            "number": dial.lead.number,
            "last_attempt": dial.timestamp + dial.fraction,
            "hangup_cause": dial.hangup_cause,
            "uuid": f"{dial.event_uuid}-campaign",
        }
    ]
    agent = dial.agent
    if agent is not None and dial.answered_time is not None:
        answered = dial.answered_time + dial.fraction
        email = f"{agent.first_name}.{dial.agent_last_name}@{AGENT_EMAIL_DOMAIN}".lower()
        events.append(
            {
                "agent": {
                    "delay": 0,
                    "device_endpoints": [],
                    "email": email,
                    "endpoint": hex_id("qvoice", "endpoint", agent.extension),
                    "ext": agent.extension,
                    "first_name": agent.first_name,
                    "last_answered": answered,
                    "last_attempt": answered,
                    "last_hangup": 0,
                    "last_name": dial.agent_last_name,
                    "status": "idle",
                    "timeout": 20,
                    "total_talk_time": 0,
                    "type": "user",
                },
                "event": "campaign dial",
                "ext": agent.extension,
                "last_attempt": answered,
                "type": "dial agent",
                "uuid": f"{dial.event_uuid}-clicktocall",
            }
        )
    return events


def visible_dials(lead: Lead, clock: float) -> list[Dial]:
    """The lead's dials with timestamp <= clock, in time order."""
    return lead.dials[: bisect_right(lead.dials, clock, key=attrgetter("timestamp"))]


def lead_status(lead: Lead, clock: float) -> str:
    """`new`, `success` or `failed` from the dials revealed at the clock."""
    revealed = [dial for dial in visible_dials(lead, clock) if dial.reveal_at <= clock]
    if any(dial.is_success for dial in revealed):
        return LEAD_SUCCESS
    if any(dial.fails_lead for dial in revealed) or len(revealed) >= MAX_DIALS_PER_LEAD:
        return LEAD_FAILED
    return LEAD_NEW


def lead_item(lead: Lead, clock: float) -> dict[str, Any]:
    """One `GET /api/v2/config/campaigns/{campaign_id}/leads` item."""
    return {
        "created": lead.created,
        "campaign_id": lead.campaign.campaign_id,
        "number": lead.number,
        "status": lead_status(lead, clock),
        "retries": len(visible_dials(lead, clock)),
        "first_name": lead.first_name,
        "last_name": lead.last_name,
        "priority": lead.priority,
        "id": lead.lead_id,
    }
