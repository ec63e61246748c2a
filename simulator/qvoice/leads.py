"""Leads uploaded into a campaign: one batch per campaign and UTC day, 06:00-07:00 UTC."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time

from simulator.ipscape.draws import between, pick, uniforms
from simulator.qvoice.catalog import Campaign
from simulator.qvoice.facts import Lead
from simulator.qvoice.ids import hex_id

UPLOAD_SECONDS = (6 * 3600, 7 * 3600 - 1)  # UTC seconds of day
DAY_SECONDS = 86_400
# fmt: off
FIRST_NAMES = ("Piper", "Yash", "Raven", "Mason", "Elena", "Diego", "Harper", "Owen", "Layla",
               "Caleb", "Nora", "Mateo", "Grace", "Julian", "Aria", "Wyatt")
LAST_NAMES = ("Huffman", "Ellwood", "Shields", "Garcia", "Miller", "Davis", "Lopez", "Clark",
              "Lewis", "Hill", "Scott", "Adams", "Baker", "Nelson", "Carter", "Mitchell")
# fmt: on
LEAD_DRAWS = 5


def day_start(day: date) -> int:
    """Unix seconds of 00:00 UTC on `day`."""
    return int(datetime.combine(day, time(0), tzinfo=UTC).timestamp())


def draw_lead(rng: random.Random, seed: int, campaign: Campaign, day: date, index: int) -> Lead:
    """The `index`-th lead of a campaign's upload on `day` (UTC)."""
    u = uniforms(rng, LEAD_DRAWS)
    created = day_start(day) + between(u[0], *UPLOAD_SECONDS)
    stay = campaign.lead_stay_days
    return Lead(
        campaign=campaign,
        lead_id=hex_id("qvoice", seed, campaign.campaign_id, day.isoformat(), "lead", index),
        created=created,
        number=f"+1{between(u[1], 2_000_000_000, 9_999_999_999)}",
        first_name=pick(u[2], FIRST_NAMES),
        last_name=pick(u[3], LAST_NAMES),
        priority=between(u[4], 1, 5),
        leaves_at=None if stay is None else created + stay * DAY_SECONDS,
    )
