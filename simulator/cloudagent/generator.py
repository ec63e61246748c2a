"""Generating the world one local day (in the account zone) at a time, in order.

A (campaign, local day) draws from `Random(f"cloudagent:{seed}:{campaign}:{day}")`.
Days are generated in calendar order from start_date because a day's dials pick leads
uploaded on earlier days; nothing depends on the clock.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from simulator.cloudagent.catalog import CAMPAIGNS, Campaign
from simulator.cloudagent.config import CloudAgentConfig
from simulator.cloudagent.dials import draw_dial
from simulator.cloudagent.facts import Lead
from simulator.cloudagent.leads import draw_lead
from simulator.cloudagent.times import local_time
from simulator.ipscape.draws import between, uniforms

DIAL_SECONDS = (9 * 3600 + 30 * 60, 20 * 3600 + 30 * 60)  # local seconds of day
LEAD_PICK_TRIES = 4


class DayGenerator:
    """Generates local days in calendar order; keeps each campaign's diallable leads."""

    def __init__(self, config: CloudAgentConfig) -> None:
        self._config = config
        self._zone = ZoneInfo(config.account_timezone)
        self._pools: dict[str, list[Lead]] = {c.name: [] for c in CAMPAIGNS}
        self.next_day = config.start_date

    def generate_until(self, clock: float) -> list[Lead]:
        """The leads of every not yet generated local day that has begun by `clock`
        (unix seconds), with all their dials of those days."""
        leads: list[Lead] = []
        while local_time(self.next_day, 0, self._zone) <= clock:
            for campaign in CAMPAIGNS:
                leads += self._campaign_day(campaign, self.next_day)
            self.next_day += timedelta(days=1)
        return leads

    def _campaign_day(self, campaign: Campaign, local_day: date) -> list[Lead]:
        """Upload the day's leads, then dial the pool (each lead at most once a day)."""
        rng = random.Random(day_seed(self._config.seed, campaign.name, local_day))
        expected = self._config.leads_per_campaign_day
        lead_count = between(rng.random(), max(1, round(0.8 * expected)), round(1.2 * expected))
        new_leads = [
            draw_lead(rng, campaign, local_day, index, self._zone) for index in range(lead_count)
        ]
        pool = self._pools[campaign.name] + new_leads
        for dialled in self._dial_times(rng, local_day):
            lead = pick_lead(rng, pool, dialled, local_day)
            if lead is not None:
                lead.add_dial(draw_dial(rng, self._config, campaign, dialled), local_day)
        self._pools[campaign.name] = [lead for lead in pool if not lead.final]
        return new_leads

    def _dial_times(self, rng: random.Random, local_day: date) -> list[int]:
        """Sorted dial times (unix seconds) in the day's dialling hours."""
        expected = self._config.dials_per_campaign_day
        count = between(rng.random(), max(1, round(0.9 * expected)), round(1.1 * expected))
        seconds = [between(rng.random(), *DIAL_SECONDS) for _ in range(count)]
        return sorted(local_time(local_day, second, self._zone) for second in seconds)


def day_seed(seed: int, campaign_name: str, local_day: date) -> str:
    """The seed of one (campaign, local day)."""
    return f"cloudagent:{seed}:{campaign_name}:{local_day.isoformat()}"


def pick_lead(rng: random.Random, pool: list[Lead], dialled: int, local_day: date) -> Lead | None:
    """A lead of the pool that can be dialled at `dialled`; tries a few random leads,
    then walks the pool from the first try."""
    u = uniforms(rng, LEAD_PICK_TRIES)
    if not pool:
        return None
    starts = [min(int(x * len(pool)), len(pool) - 1) for x in u]
    for index in starts:
        if _is_diallable(pool[index], dialled, local_day):
            return pool[index]
    for offset in range(1, len(pool)):
        lead = pool[(starts[0] + offset) % len(pool)]
        if _is_diallable(lead, dialled, local_day):
            return lead
    return None


def _is_diallable(lead: Lead, dialled: int, local_day: date) -> bool:
    """Uploaded before, not final and not yet dialled this local day."""
    return lead.created < dialled and not lead.final and lead.last_dialled_day != local_day
