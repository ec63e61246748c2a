"""Lead lists and uploaded leads of the outbound campaigns."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta

from simulator.config import SimulatorConfig
from simulator.ipscape.catalog import CAMPAIGNS, Campaign
from simulator.ipscape.draws import between, pick, uniforms, weighted
from simulator.ipscape.facts import Lead, LeadList
from simulator.ipscape.timestamps import wall_time, zone

FIRST_LIST_ID = 100
LIST_THEMES = ("Web Leads", "Referrals", "Purchased Data", "Lapsed Customers", "Event Signups")
# fmt: off
FIRST_NAMES = ("Jack", "Charlotte", "William", "Amelia", "Oliver", "Isla", "James", "Sophie",
               "Thomas", "Ruby", "Ethan", "Zoe", "Harper", "Leo", "Matilda", "Oscar")
LAST_NAMES = ("Smith", "Jones", "Williams", "Brown", "Wilson", "Taylor", "Johnson", "White",
              "Martin", "Anderson", "Thompson", "Nguyen", "Ryan", "Kelly", "Walker", "Young")
STATE_MIX = (("NSW", 40), ("VIC", 30), ("QLD", 12), ("SA", 6), ("WA", 6), ("TAS", 2),
             ("ACT", 2), ("NT", 2))
# fmt: on
HOME_STATE = {3: "WA", 4: "QLD"}  # campaigns that only call one state
LEAD_DRAWS = 7


def build_lead_lists(config: SimulatorConfig) -> tuple[LeadList, ...]:
    """One or two lists per outbound campaign, ids from 100 in campaign order, created
    two weeks before start_date at 08:30 local."""
    lists: list[LeadList] = []
    for campaign in CAMPAIGNS:
        if campaign.is_inbound:
            continue
        rng = random.Random(f"{config.seed}:{campaign.campaign_id}:lists")
        campaign_zone = zone(campaign.zone_name(config.source_timezone))
        count, first_theme, weight_u = 1 + int(rng.random() < 0.5), rng.random(), rng.random()
        for index in range(count):
            theme = LIST_THEMES[(int(first_theme * len(LIST_THEMES)) + index) % len(LIST_THEMES)]
            created_day = config.start_date - timedelta(days=14 - index)
            lists.append(
                LeadList(
                    list_id=FIRST_LIST_ID + len(lists),
                    name=f"{campaign.title} - {theme}",
                    campaign=campaign,
                    zone=campaign_zone,
                    created=wall_time(created_day, 8 * 3600 + 1800, campaign_zone),
                    weight=1 + int(index == 0 and weight_u < 0.5),
                )
            )
    return tuple(lists)


def draw_lead(
    rng: random.Random, campaign: Campaign, local_day: date, lists: Sequence[LeadList]
) -> Lead:
    """A lead uploaded 07:00-08:00 local on `local_day` into one of the campaign's lists."""
    u = uniforms(rng, LEAD_DRAWS)
    lead_list = weighted(u[1], [(lead_list, lead_list.weight) for lead_list in lists])
    return Lead(
        campaign=campaign,
        zone=lead_list.zone,
        lead_list=lead_list,
        created=wall_time(local_day, between(u[0], 7 * 3600, 8 * 3600 - 1), lead_list.zone),
        phone=f"+614{between(u[2], 0, 10**8 - 1):08d}",
        full_name=f"{pick(u[3], FIRST_NAMES)} {pick(u[4], LAST_NAMES)}",
        state=HOME_STATE.get(campaign.campaign_id) or weighted(u[5], STATE_MIX),
        age=between(u[6], 18, 85),
    )
