"""Dial status rows as the account reports them at a clock: one row per lead, its latest
state (so a lead dialled twice between two reports shows only its latest dial)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from simulator.cloudagent.facts import Lead, LeadState
from simulator.cloudagent.times import wall_time_text


def dial_status_row(lead: Lead, state: LeadState, zone: ZoneInfo) -> dict[str, Any]:
    """One row, keys in `ROW_FIELDS` order; times are naive wall times in `zone`;
    `callDuration` is seconds; dial fields are "" (0) before the first dial."""
    dial = state.dial
    agent = dial.agent if dial else None
    return {
        "leadId": lead.lead_id,
        "phoneNumber": lead.phone_number,
        "name": lead.name,
        "status": state.status,
        "dialStatus": dial.dial_status if dial else "",
        "disposition": dial.disposition_text if dial and state.disposition_shown else "",
        "agentId": agent.agent_id if agent else "",
        "agentName": agent.name if agent else "",
        "attempts": state.attempts,
        "createdDate": wall_time_text(lead.created, zone),
        "updatedDate": wall_time_text(state.updated, zone),
        "lastDialedTime": wall_time_text(dial.dialled, zone) if dial else "",
        "callDuration": dial.call_duration if dial else 0,
        "skill": lead.skill,
        "priority": lead.priority,
    }
