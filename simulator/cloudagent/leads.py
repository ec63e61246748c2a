"""Leads uploaded into a campaign: one batch per campaign and local day, 08:00-09:00."""

from __future__ import annotations

import random
from datetime import date
from zoneinfo import ZoneInfo

from simulator.cloudagent.catalog import Campaign
from simulator.cloudagent.facts import Lead
from simulator.cloudagent.times import local_time
from simulator.ipscape.draws import between, pick, uniforms

UPLOAD_SECONDS = (8 * 3600, 9 * 3600 - 1)  # local seconds of day
LEAD_ID_EPOCH = date(2020, 1, 1)
# fmt: off
FIRST_NAMES = ("Aarav", "Asha", "Deepak", "Divya", "Gaurav", "Kavya", "Manoj", "Meera",
               "Nikhil", "Pooja", "Rahul", "Rekha", "Sanjay", "Shreya", "Suresh", "Tanvi")
LAST_NAMES = ("Agarwal", "Bose", "Chopra", "Desai", "Gupta", "Joshi", "Kapoor", "Menon",
              "Nair", "Pillai", "Rao", "Reddy", "Saxena", "Shetty", "Verma", "Yadav")
# fmt: on
LEAD_DRAWS = 6


def lead_id(campaign: Campaign, local_day: date, index: int) -> str:
    """Digits, unique in the account: campaign rank, day number and position in the
    day's upload (e.g. `1022800007`)."""
    return f"{campaign.rank}{(local_day - LEAD_ID_EPOCH).days:05d}{index:04d}"


def draw_lead(
    rng: random.Random, campaign: Campaign, local_day: date, index: int, zone: ZoneInfo
) -> Lead:
    """The `index`-th lead of a campaign's upload on `local_day`."""
    u = uniforms(rng, LEAD_DRAWS)
    return Lead(
        campaign=campaign,
        lead_id=lead_id(campaign, local_day, index),
        created=local_time(local_day, between(u[0], *UPLOAD_SECONDS), zone),
        phone_number=f"91{between(u[1], 6_000_000_000, 9_999_999_999)}",
        name=f"{pick(u[2], FIRST_NAMES)} {pick(u[3], LAST_NAMES)}",
        skill=pick(u[4], campaign.skills),
        priority=between(u[5], 1, 9),
    )
