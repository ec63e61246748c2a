"""The ipSCAPE world: generated records, the vendor's clock, and what is visible at it.

Thread-safe: the test thread moves the clock while the server thread serves pages.
Picklable (see `simulator.ipscape.snapshot`), kept item bytes included.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from simulator.clocked import ClockedWorld
from simulator.config import SimulatorConfig
from simulator.ipscape.catalog import CAMPAIGNS, PEOPLE
from simulator.ipscape.cursor import FeedQuery
from simulator.ipscape.directory_items import campaign_item
from simulator.ipscape.feeds import (
    ACTIVITIES,
    DIALLER_ATTEMPTS,
    LEAD_LISTS,
    LEADS,
    RECORD_IDS,
    RENDER,
    USERS,
    build_feeds,
    build_rendered,
)
from simulator.ipscape.generator import DayGenerator

# feeds a benchmark reads in bulk: rendered ahead by `prerender`
BULK_FEEDS = (DIALLER_ATTEMPTS, ACTIVITIES, LEADS)


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
    """One page of a cursor feed: the JSON bytes of each item, and the queries of the
    next / previous page."""

    items: list[bytes]
    next_query: FeedQuery | None
    previous_query: FeedQuery | None


class IpscapeWorld(ClockedWorld):
    """A deterministic ipSCAPE tenant seen at a movable clock."""

    def __init__(self, config: SimulatorConfig | None = None) -> None:
        self._set_up(config or SimulatorConfig())
        self._generator = DayGenerator(self.config)
        self._add(LEAD_LISTS, self._generator.lead_lists)
        self._add(USERS, [p for p in PEOPLE if p.listed])
        self._generate()

    def _set_up(self, config: SimulatorConfig) -> None:
        self.config = config
        self._lock = threading.RLock()
        self._clock = config.clock
        self._feeds = build_feeds()
        self._rendered = build_rendered()
        self._by_id: dict[str, dict[int, Any]] = {name: {} for name in self._feeds}

    def advance(self, days: float = 1, hours: float = 0) -> None:
        """Move the clock forward."""
        with self._lock:
            self.set_clock(self._clock + timedelta(days=days, hours=hours))

    def page(self, feed: str, query: FeedQuery) -> ServedPage:
        """One page (config.page_size items) of a cursor feed at the current clock, each
        item as the JSON bytes it is served as (kept between requests)."""
        with self._lock:
            clock = self._clock.timestamp()
            served = self._feeds[feed]
            page = served.page(query, clock, self.config.page_size)
            rendered = self._rendered[feed]
            items = None
            if page.span is not None:
                items = rendered.aligned(*page.span, clock, len(served.records))
            if items is None:
                items = [rendered.item_bytes(record, clock) for record in page.records]
            return ServedPage(items, page.next_query, page.previous_query)

    def item(self, feed: str, record_id: int) -> bytes | None:
        """One record's item by id as the JSON bytes it is served as, or None when unknown
        or not yet visible at the clock."""
        with self._lock:
            clock = self._clock.timestamp()
            record = self._visible_record(feed, record_id, clock)
            return None if record is None else self._rendered[feed].item_bytes(record, clock)

    def prerender(self, feeds: tuple[str, ...] = BULK_FEEDS) -> None:
        """Render ahead every visible record of `feeds` at the clock whose served bytes
        are missing or out of date, and align them: until the clock moves, an unfiltered
        page of these feeds is a slice of kept bytes."""
        with self._lock:
            clock = self._clock.timestamp()
            for name in feeds:
                feed = self._feeds[name]
                self._rendered[name].align(feed.visible(clock), clock, len(feed.records))

    def visible_count(self, feed: str) -> int:
        """Records of a feed visible at the clock (what an unfiltered walk serves)."""
        with self._lock:
            return len(self._feeds[feed].visible(self._clock.timestamp()))

    def campaigns(self) -> list[dict[str, Any]]:
        """The campaign list (deleted campaigns are absent)."""
        return [campaign_item(c) for c in CAMPAIGNS if c.listed]

    def ground_truth(self) -> IpscapeTruth:
        """Exactly what the API serves at the current clock, as fresh plain dicts."""
        with self._lock:
            clock = self._clock.timestamp()
            served = {
                name: [RENDER[name](record, clock) for record in feed.visible(clock)]
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

    def __getstate__(self) -> dict[str, Any]:
        with self._lock:
            return {
                "config": self.config,
                "clock": self._clock,
                "generator": self._generator,
                "records": {name: feed.records for name, feed in self._feeds.items()},
                "rendered": {name: kept.kept for name, kept in self._rendered.items()},
            }

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._set_up(state["config"])
        self._clock = state["clock"]
        self._generator = state["generator"]
        for name, records in state["records"].items():
            self._add(name, records)
        for name, kept in state["rendered"].items():
            self._rendered[name].restore(kept)

    def _visible_record(self, feed: str, record_id: int, clock: float) -> Any:
        record = self._by_id[feed].get(record_id)
        if record is None or not self._feeds[feed].is_visible(record, clock):
            return None
        return record

    def _generate(self) -> None:
        """Generate every local day begun by the clock (days already made are kept)."""
        days = self._generator.generate_until(self._clock.timestamp())
        if days:  # one merge per feed, however many days were made
            self._add(LEADS, [r for day in days for r in day.leads])
            self._add(DIALLER_ATTEMPTS, [r for day in days for r in day.attempts])
            self._add(ACTIVITIES, [r for day in days for r in day.activities])

    def _add(self, feed: str, records: Any) -> None:
        records = list(records)
        self._feeds[feed].extend(records)
        record_id = RECORD_IDS[feed]
        self._by_id[feed].update((record_id(record), record) for record in records)
