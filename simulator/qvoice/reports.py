"""The two snapshot reports: campaigns with lead counts by status, and queues with
their agents. Both describe the tenant at the clock and show current names."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from simulator.qvoice.catalog import AGENTS_BY_EXTENSION, LISTED_CAMPAIGNS, QUEUES, TAG_COLORS
from simulator.qvoice.facts import Lead
from simulator.qvoice.ids import hex_id
from simulator.qvoice.items import lead_status
from simulator.qvoice.vocabulary import LEAD_STATUSES

LOGGED_IN_HOURS = (8, 20)  # agents are logged in 08:00-20:00 UTC, and while on a call
AGENT_TIMEOUT_SECONDS = 15


def campaigns_status(
    leads_by_campaign: Mapping[str, Sequence[Lead]], clock: float
) -> dict[str, dict[str, Any]]:
    """`GET /api/v2/reports/campaigns/leads/status`: per listed campaign, the leads in it
    at the clock counted by status (a status with no lead is left out)."""
    report: dict[str, dict[str, Any]] = {}
    for campaign in LISTED_CAMPAIGNS:
        leads = leads_by_campaign[campaign.campaign_id]
        counts = Counter(lead_status(lead, clock) for lead in leads if lead.is_in_campaign(clock))
        report[campaign.campaign_id] = {
            "name": campaign.name,
            "status": campaign.status,
            "total_leads": sum(counts.values()),
            "leads_by_status": {
                status: counts[status] for status in LEAD_STATUSES if counts[status]
            },
        }
    return report


def queues_status(clock: datetime, on_call: Iterable[str]) -> list[dict[str, Any]]:
    """`GET /callcenter/queues/status`; `on_call` are the extensions on a call now."""
    busy = set(on_call)
    in_hours = LOGGED_IN_HOURS[0] <= clock.hour < LOGGED_IN_HOURS[1]
    report = []
    for queue in QUEUES:
        agents = [_queue_agent(extension, in_hours, busy) for extension in queue.agent_extensions]
        logged_in = sum(agent["logged_in"] for agent in agents)
        on_a_call = sum(agent["status"] == "on_call" for agent in agents)
        report.append(
            {
                "id": queue.queue_id,
                "name": queue.name,
                "extension": queue.extension,
                "max_time_caller_in_queue": queue.max_time_caller_in_queue,
                "strategy": queue.strategy,
                "agents": agents,
                "calls": {},
                "total_agents": len(agents),
                "logged_in_agents": logged_in,
                "logged_out_agents": len(agents) - logged_in,
                "idle_agents": logged_in - on_a_call,
                "misconfigured_agents": sum(not agent["extension_is_valid"] for agent in agents),
                "agents_registered": sum(agent["registered"] for agent in agents),
                "agents_on_call": on_a_call,
            }
        )
    return report


def _queue_agent(extension: str, in_hours: bool, on_call: set[str]) -> dict[str, Any]:
    agent = AGENTS_BY_EXTENSION[extension]
    logged_in = in_hours or extension in on_call
    return {
        "id": agent.agent_id,
        "name": agent.name,
        "extension": agent.extension,
        "extension_is_valid": agent.extension_is_valid,
        "delay": 0,
        "timeout": AGENT_TIMEOUT_SECONDS,
        "logged_in": logged_in,
        "status": "on_call" if extension in on_call else "idle",
        "registered": logged_in and agent.extension_is_valid,
        "tags": [
            {
                "id": hex_id("qvoice", "tag", agent.tag),
                "name": agent.tag,
                "color": TAG_COLORS[agent.tag],
            }
        ],
    }
