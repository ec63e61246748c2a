"""The ipSCAPE world: generated records, the vendor's clock, and what is visible at it.

Thread-safe: the test thread moves the clock while the server thread serves pages.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from operator import attrgetter
from typing import Any

from simulator.clocked import ClockedWorld
from simulator.config import SimulatorConfig
from simulator.ipscape.call_items import activity_item, attempt_item
from simulator.ipscape.catalog import CAMPAIGNS, PEOPLE
from simulator.ipscape.cursor import FeedQuery
from simulator.ipscape.directory_items import campaign_item, lead_list_item, user_item
from simulator.ipscape.feed import Feed
from simulator.ipscape.generator import DayGenerator
from simulator.ipscape.lead_items import lead_item

ACTIVITIES = "activities"
DIALLER_ATTEMPTS = "dialler_attempts"
LEADS = "leads"
LEAD_LISTS = "lead_lists"
USERS = "users"


@dataclass(frozen=True)
class IpscapeTruth:
    """Everything the API serves at one clock: all records, all pages, no filters, each
    a plain dict exactly as served, in feed order. `campaigns` are the listed ones."""

    activities: list[dict[str, Any]]
    dialler_attempts: list[dict[str, Any]]
    leads: list[dict[str, Any]]
    lead_lists: list[dict[str, Any]]
    campaigns: list[dict[str, Any]]
    users: list[dict[str, Any]]
    source_timezone: str


@dataclass(frozen=True)
class ServedPage:
    """One page of a cursor feed: items, and the queries of the next / previous page."""

    items: list[dict[str, Any]]
    next_query: FeedQuery | None
    previous_query: FeedQuery | None


class IpscapeWorld(ClockedWorld):
    """A deterministic ipSCAPE tenant seen at a movable clock."""

    def __init__(self, config: SimulatorConfig | None = None) -> None:
        self.config = config or SimulatorConfig()
        self._lock = threading.RLock()
        self._clock = self.config.clock
        self._generator = DayGenerator(self.config)
        campaign_id, activity_type = attrgetter("campaign_id"), attrgetter("activity_type")
        self._feeds: dict[str, Feed] = {
            ACTIVITIES: Feed(
                lambda r: (r.created, r.activity_id),
                {"campaignId": campaign_id, "activityType": activity_type},
                indexed=("campaignId", "activityType"),
            ),
            DIALLER_ATTEMPTS: Feed(
                lambda r: (r.dialled, r.attempt_id),
                {"campaignId": campaign_id, "leadId": attrgetter("lead_id")},
                indexed=("leadId", "campaignId"),
            ),
            LEADS: Feed(
                lambda r: (r.created, r.lead_id),
                {"campaignId": campaign_id, "listId": attrgetter("list_id")},
                indexed=("listId", "campaignId"),
            ),
            LEAD_LISTS: Feed(lambda r: (r.created, r.list_id), {"campaignId": campaign_id}),
            USERS: Feed(
                lambda r: (0, r.user_id),
                {
                    "userType": attrgetter("user_type"),
                    "accountActive": attrgetter("account_is_active"),
                },
            ),
        }
        self._render: dict[str, Callable[[Any, float], dict[str, Any]]] = {
            ACTIVITIES: activity_item,
            DIALLER_ATTEMPTS: attempt_item,
            LEADS: lead_item,
            LEAD_LISTS: lambda lead_list, _clock: lead_list_item(lead_list),
            USERS: lambda person, _clock: user_item(person),
        }
        self._by_id: dict[str, dict[int, Any]] = {name: {} for name in self._feeds}
        self._add(LEAD_LISTS, self._generator.lead_lists, attrgetter("list_id"))
        self._add(USERS, [p for p in PEOPLE if p.listed], attrgetter("user_id"))
        self._generate()

    def advance(self, days: float = 1, hours: float = 0) -> None:
        """Move the clock forward."""
        with self._lock:
            self.set_clock(self._clock + timedelta(days=days, hours=hours))

    def page(self, feed: str, query: FeedQuery) -> ServedPage:
        """One page (config.page_size items) of a cursor feed at the current clock."""
        with self._lock:
            clock = self._clock.timestamp()
            page = self._feeds[feed].page(query, clock, self.config.page_size)
            render = self._render[feed]
            items = [render(record, clock) for record in page.records]
            return ServedPage(items, page.next_query, page.previous_query)

    def item(self, feed: str, record_id: int) -> dict[str, Any] | None:
        """One record by id, or None when unknown or not yet visible at the clock."""
        with self._lock:
            clock = self._clock.timestamp()
            record = self._by_id[feed].get(record_id)
            if record is None or not self._feeds[feed].is_visible(record, clock):
                return None
            return self._render[feed](record, clock)

    def campaigns(self) -> list[dict[str, Any]]:
        """The campaign list (deleted campaigns are absent)."""
        return [campaign_item(c) for c in CAMPAIGNS if c.listed]

    def ground_truth(self) -> IpscapeTruth:
        """Exactly what the API serves at the current clock, as fresh plain dicts."""
        with self._lock:
            clock = self._clock.timestamp()
            served = {
                name: [self._render[name](record, clock) for record in feed.visible(clock)]
                for name, feed in self._feeds.items()
            }
            served["campaigns"] = self.campaigns()
        plain = json.loads(json.dumps(served))
        return IpscapeTruth(
            activities=plain[ACTIVITIES],
            dialler_attempts=plain[DIALLER_ATTEMPTS],
            leads=plain[LEADS],
            lead_lists=plain[LEAD_LISTS],
            campaigns=plain["campaigns"],
            users=plain[USERS],
            source_timezone=self.config.source_timezone,
        )

    def _generate(self) -> None:
        """Generate every local day begun by the clock (days already made are kept)."""
        days = self._generator.generate_until(self._clock.timestamp())
        if days:  # one merge per feed, however many days were made
            self._add(LEADS, [r for day in days for r in day.leads], attrgetter("lead_id"))
            self._add(
                DIALLER_ATTEMPTS,
                [r for day in days for r in day.attempts],
                attrgetter("attempt_id"),
            )
            self._add(
                ACTIVITIES, [r for day in days for r in day.activities], attrgetter("activity_id")
            )

    def _add(self, feed: str, records: Any, record_id: Callable[[Any], int]) -> None:
        records = list(records)
        self._feeds[feed].extend(records)
        self._by_id[feed].update((record_id(record), record) for record in records)
