"""Generating the world one local day at a time, in order, and numbering its records.

A (campaign, local day) draws from `Random(f"{seed}:{campaign_id}:{day}")`. Days are
generated in calendar order from start_date, because a day's dials pick leads uploaded
in the two days before it; ids are numbered per day in time order, continuing the
previous day, so they never depend on the clock.
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass
from datetime import date, timedelta

from simulator.config import SimulatorConfig
from simulator.ipscape.calls import draw_attempt, draw_inbound_call
from simulator.ipscape.catalog import CAMPAIGNS, Campaign
from simulator.ipscape.draws import between, uniforms
from simulator.ipscape.facts import Attempt, InboundCall, Lead
from simulator.ipscape.leads import build_lead_lists, draw_lead
from simulator.ipscape.timestamps import local_midnight, wall_time, zone
from simulator.ipscape.volumes import exact_volume, split

FIRST_LEAD_ID = 50_001
FIRST_ATTEMPT_ID = 900_001
FIRST_ACTIVITY_ID = 700_001
FIRST_AGENT_INTERACTION_ID = 300_001

BUSINESS_HOURS = (9 * 3600, 20 * 3600 - 1)  # local seconds of day
LATE_NIGHT_DIALS = (23 * 3600 + 45 * 60, 23 * 3600 + 58 * 60)  # answered, run past midnight
EARLY_DIALS = (5 * 60, 40 * 60)
LEAD_PICK_TRIES = 4


@dataclass
class GeneratedDay:
    """Everything dated on one local day, across all campaigns, ids numbered."""

    local_day: date
    leads: list[Lead]
    attempts: list[Attempt]
    activities: list[Attempt | InboundCall]


class DayGenerator:
    """Generates local days in calendar order; keeps the lead pools that link days."""

    def __init__(self, config: SimulatorConfig) -> None:
        self._config = config
        self.lead_lists = build_lead_lists(config)
        self._zones = {c.campaign_id: zone(c.zone_name(config.source_timezone)) for c in CAMPAIGNS}
        self._recent_leads: dict[int, deque[list[Lead]]] = {
            c.campaign_id: deque(maxlen=2) for c in CAMPAIGNS
        }
        self.next_day = config.start_date
        self._next_lead_id = FIRST_LEAD_ID
        self._next_attempt_id = FIRST_ATTEMPT_ID
        self._next_activity_id = FIRST_ACTIVITY_ID
        self._next_interaction_id = FIRST_AGENT_INTERACTION_ID

    def day_starts_at(self, local_day: date) -> int:
        """Epoch seconds of the earliest local midnight of `local_day` over all zones."""
        return min(local_midnight(local_day, tz) for tz in self._zones.values())

    def generate_until(self, clock: float) -> list[GeneratedDay]:
        """Generate every not yet generated day that has begun somewhere by `clock`."""
        days = []
        while self.day_starts_at(self.next_day) <= clock:
            days.append(self._generate_day(self.next_day))
            self.next_day += timedelta(days=1)
        return days

    def _generate_day(self, local_day: date) -> GeneratedDay:
        """Outbound campaigns first, then inbound (each draws from its own generator, so
        the order changes nothing but lets an exact day fill its activities inbound)."""
        leads: list[Lead] = []
        attempts: list[Attempt] = []
        inbound: list[InboundCall] = []
        exact = exact_volume(self._config, local_day)
        outbound_quotas = self._quotas(exact, inbound=False, local_day=local_day)
        for campaign in CAMPAIGNS:
            if not campaign.is_inbound:
                rng = self._rng(campaign, local_day)
                quota = outbound_quotas.get(campaign.campaign_id)
                new_leads, new_attempts = self._outbound_day(rng, campaign, local_day, quota)
                leads += new_leads
                attempts += new_attempts
        activities: list[Attempt | InboundCall] = [a for a in attempts if a.has_activity]
        # an exact day's activities beyond its outbound ones are inbound calls
        inbound_total = None if exact is None else exact - len(activities)
        inbound_quotas = self._quotas(inbound_total, inbound=True, local_day=local_day)
        for campaign in CAMPAIGNS:
            if campaign.is_inbound:
                quota = inbound_quotas.get(campaign.campaign_id)
                inbound += self._inbound_day(
                    self._rng(campaign, local_day), campaign, local_day, quota
                )
        activities += inbound
        self._number(leads, attempts, activities)
        return GeneratedDay(local_day, leads, attempts, activities)

    def _rng(self, campaign: Campaign, local_day: date) -> random.Random:
        return random.Random(day_seed(self._config.seed, campaign.campaign_id, local_day))

    def _quotas(self, total: int | None, inbound: bool, local_day: date) -> dict[int, int]:
        """An exact day's `total` split over its active inbound or outbound campaigns;
        {} when volumes are drawn."""
        if total is None:
            return {}
        start = self._config.start_date
        active = [
            c.campaign_id
            for c in CAMPAIGNS
            if c.is_inbound == inbound and c.is_active_on(local_day, start)
        ]
        return split(total, active)

    def _inbound_day(
        self, rng: random.Random, campaign: Campaign, local_day: date, quota: int | None
    ) -> list[InboundCall]:
        if not campaign.is_active_on(local_day, self._config.start_date):
            return []
        expected = self._config.inbound_per_day
        count = between(rng.random(), round(0.8 * expected), round(1.2 * expected))
        count = count if quota is None else quota
        name = campaign.title_on(local_day, self._config.start_date)
        tz = self._zones[campaign.campaign_id]
        return [
            draw_inbound_call(rng, self._config, campaign, name, tz, local_day)
            for _ in range(count)
        ]

    def _outbound_day(
        self, rng: random.Random, campaign: Campaign, local_day: date, quota: int | None
    ) -> tuple[list[Lead], list[Attempt]]:
        """Leads uploaded and dials made; `quota`: exactly that many dials."""
        history = self._recent_leads[campaign.campaign_id]
        if not campaign.is_active_on(local_day, self._config.start_date):
            history.append([])
            return [], []
        expected = self._config.attempts_per_campaign_day if quota is None else quota
        lists = [ll for ll in self.lead_lists if ll.campaign is campaign]
        per_attempt = self._config.leads_per_attempt
        lead_count = between(
            rng.random(), round(0.8 * per_attempt * expected), round(1.2 * per_attempt * expected)
        )
        new_leads = [draw_lead(rng, campaign, local_day, lists) for _ in range(lead_count)]
        new_leads.sort(key=lambda lead: lead.created)
        pool = [lead for day_leads in history for lead in day_leads] + new_leads
        name = campaign.title_on(local_day, self._config.start_date)
        attempts = []
        for dialled, runs_past_midnight in self._dial_times(rng, campaign, local_day, quota):
            lead = pick_lead(rng, pool, dialled)
            if lead is None and quota is not None:
                # an exact day keeps its count: a lead uploaded that morning (07:00-08:00,
                # before any of its dials) takes the dial
                lead = draw_lead(rng, campaign, local_day, lists)
                new_leads.append(lead)
                pool.append(lead)
            if lead is None:
                continue
            attempt = draw_attempt(
                rng, self._config, name, lead, dialled, local_day, runs_past_midnight
            )
            lead.attempts.append(attempt)
            lead.busy_until = attempt.ends_at
            lead.completed = lead.completed or attempt.completes_lead
            attempts.append(attempt)
        history.append(new_leads)
        return new_leads, attempts

    def _dial_times(
        self, rng: random.Random, campaign: Campaign, local_day: date, quota: int | None
    ) -> list[tuple[int, bool]]:
        """Sorted (dialled, runs_past_midnight): business hours, 1-2 late-night dials and
        0-2 just after midnight; with a `quota`, exactly that many and none after midnight."""
        expected = self._config.attempts_per_campaign_day
        business = between(rng.random(), round(0.9 * expected), round(1.1 * expected))
        late_night = between(rng.random(), 1, 2)
        early = between(rng.random(), 0, 2)
        if quota is not None:
            late_night = min(late_night, quota)
            business, early = quota - late_night, 0
        seconds = [(between(rng.random(), *BUSINESS_HOURS), False) for _ in range(business)]
        seconds += [(between(rng.random(), *LATE_NIGHT_DIALS), True) for _ in range(late_night)]
        seconds += [(between(rng.random(), *EARLY_DIALS), False) for _ in range(early)]
        tz = self._zones[campaign.campaign_id]
        return sorted((wall_time(local_day, second, tz), past) for second, past in seconds)

    def _number(
        self,
        leads: list[Lead],
        attempts: list[Attempt],
        activities: list[Attempt | InboundCall],
    ) -> None:
        """Ids of one day in time order (campaign order breaks ties), after the last day's."""
        for lead in sorted(leads, key=lambda lead: (lead.created, lead.campaign_id)):
            lead.lead_id = self._next_lead_id
            self._next_lead_id += 1
        attempts.sort(key=lambda attempt: (attempt.dialled, attempt.campaign_id))
        for attempt in attempts:
            attempt.attempt_id = self._next_attempt_id
            self._next_attempt_id += 1
        activities.sort(key=lambda activity: (activity.created, activity.campaign_id))
        for activity in activities:
            activity.activity_id = self._next_activity_id
            self._next_activity_id += 1
            if activity.ending is not None:
                activity.agent_interaction_id = self._next_interaction_id
                self._next_interaction_id += 1
        leads.sort(key=lambda lead: lead.lead_id)


def day_seed(seed: int, campaign_id: int, local_day: date) -> str:
    """The seed of one (campaign, local day)."""
    return f"{seed}:{campaign_id}:{local_day.isoformat()}"


def pick_lead(rng: random.Random, pool: list[Lead], dialled: int) -> Lead | None:
    """A lead of the pool uploaded strictly before `dialled`, not completed and not on a
    call; tries a few random leads, then walks the pool from the first try."""
    u = uniforms(rng, LEAD_PICK_TRIES)
    if not pool:
        return None
    starts = [min(int(x * len(pool)), len(pool) - 1) for x in u]
    for index in starts:
        if _is_diallable(pool[index], dialled):
            return pool[index]
    for offset in range(1, len(pool)):
        lead = pool[(starts[0] + offset) % len(pool)]
        if _is_diallable(lead, dialled):
            return lead
    return None


def _is_diallable(lead: Lead, dialled: int) -> bool:
    return lead.created < dialled and not lead.completed and lead.busy_until <= dialled
