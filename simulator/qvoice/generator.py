"""Generating the world one UTC day at a time, in order.

A (campaign, UTC day) draws from `Random(f"qvoice:{seed}:{campaign_id}:{day}")`. Days
are generated in calendar order from start_date because a day's dials pick leads
uploaded on earlier days; nothing depends on the clock.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from simulator.ipscape.draws import between, uniforms
from simulator.qvoice.catalog import CAMPAIGNS, Campaign
from simulator.qvoice.config import QVoiceConfig
from simulator.qvoice.dials import draw_dial
from simulator.qvoice.facts import Dial, Lead
from simulator.qvoice.leads import day_start, draw_lead
from simulator.qvoice.vocabulary import MAX_DIALS_PER_LEAD

BUSINESS_HOURS = (8 * 3600, 20 * 3600 - 1)  # UTC seconds of day
LATE_NIGHT_DIALS = (23 * 3600 + 50 * 60, 24 * 3600 - 1)  # answered, run past midnight
LEAD_PICK_TRIES = 4


@dataclass
class GeneratedDay:
    """Everything uploaded or dialled on one UTC day, across all campaigns."""

    day: date
    leads: list[Lead]
    dials: list[Dial]


class DayGenerator:
    """Generates UTC days in calendar order; keeps each campaign's diallable leads."""

    def __init__(self, config: QVoiceConfig) -> None:
        self._config = config
        self._pools: dict[str, list[Lead]] = {c.campaign_id: [] for c in CAMPAIGNS}
        self.next_day = config.start_date

    def generate_until(self, clock: float) -> list[GeneratedDay]:
        """Generate every not yet generated day that has begun by `clock` (unix s)."""
        days = []
        while day_start(self.next_day) <= clock:
            days.append(self._generate_day(self.next_day))
            self.next_day += timedelta(days=1)
        return days

    def _generate_day(self, day: date) -> GeneratedDay:
        leads: list[Lead] = []
        dials: list[Dial] = []
        for rank, campaign in enumerate(CAMPAIGNS):
            if not campaign.is_active_on(day, self._config.start_date):
                continue
            rng = random.Random(day_seed(self._config.seed, campaign.campaign_id, day))
            new_leads, new_dials = self._campaign_day(rng, campaign, rank, day)
            leads += new_leads
            dials += new_dials
        return GeneratedDay(day, leads, dials)

    def _campaign_day(
        self, rng: random.Random, campaign: Campaign, rank: int, day: date
    ) -> tuple[list[Lead], list[Dial]]:
        expected = self._config.dials_per_campaign_day
        lead_count = between(rng.random(), max(1, round(0.4 * expected)), round(0.6 * expected))
        seed = self._config.seed
        new_leads = [draw_lead(rng, seed, campaign, day, index) for index in range(lead_count)]
        new_leads.sort(key=lambda lead: lead.order)
        starts = day_start(day)
        pool = [
            lead
            for lead in self._pools[campaign.campaign_id]
            if lead.leaves_at is None or lead.leaves_at > starts
        ] + new_leads
        dials = []
        for timestamp, runs_past_midnight in self._dial_times(rng, day):
            lead = pick_lead(rng, pool, timestamp)
            if lead is None:
                continue
            dial = draw_dial(
                rng, self._config, campaign, rank, day, lead, timestamp, runs_past_midnight
            )
            dial.index = len(dials)
            lead.dials.append(dial)
            lead.busy_until = dial.ends_at
            lead.final = dial.is_success or dial.fails_lead or len(lead.dials) >= MAX_DIALS_PER_LEAD
            dials.append(dial)
        self._pools[campaign.campaign_id] = [lead for lead in pool if not lead.final]
        return new_leads, dials

    def _dial_times(self, rng: random.Random, day: date) -> list[tuple[int, bool]]:
        """Sorted (timestamp, runs_past_midnight): business hours and 1-2 late dials."""
        expected = self._config.dials_per_campaign_day
        business = between(rng.random(), round(0.9 * expected), round(1.1 * expected))
        late_night = between(rng.random(), 1, 2)
        seconds = [(between(rng.random(), *BUSINESS_HOURS), False) for _ in range(business)]
        seconds += [(between(rng.random(), *LATE_NIGHT_DIALS), True) for _ in range(late_night)]
        starts = day_start(day)
        return sorted((starts + second, past) for second, past in seconds)


def day_seed(seed: int, campaign_id: str, day: date) -> str:
    """The seed of one (campaign, UTC day)."""
    return f"qvoice:{seed}:{campaign_id}:{day.isoformat()}"


def pick_lead(rng: random.Random, pool: list[Lead], timestamp: int) -> Lead | None:
    """A lead of the pool that can be dialled at `timestamp`; tries a few random leads,
    then walks the pool from the first try."""
    u = uniforms(rng, LEAD_PICK_TRIES)
    if not pool:
        return None
    starts = [min(int(x * len(pool)), len(pool) - 1) for x in u]
    for index in starts:
        if _is_diallable(pool[index], timestamp):
            return pool[index]
    for offset in range(1, len(pool)):
        lead = pool[(starts[0] + offset) % len(pool)]
        if _is_diallable(lead, timestamp):
            return lead
    return None


def _is_diallable(lead: Lead, timestamp: int) -> bool:
    """Uploaded before, still in the campaign, not final and not on a call."""
    return (
        lead.created < timestamp
        and (lead.leaves_at is None or timestamp < lead.leaves_at)
        and not lead.final
        and lead.busy_until <= timestamp
    )
