"""The QVoice world: generated leads and dials, the vendor's clock, what is visible at
it, and the access tokens issued against it.

Thread-safe: the test thread moves the clock while the server thread serves pages.
"""

from __future__ import annotations

import json
import threading
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from operator import attrgetter
from typing import Any
from zoneinfo import ZoneInfo

from simulator.clocked import ClockedWorld
from simulator.qvoice.auth import TokenBook
from simulator.qvoice.catalog import CAMPAIGNS, CAMPAIGNS_BY_ID, LISTED_CAMPAIGNS
from simulator.qvoice.config import QVoiceConfig
from simulator.qvoice.facts import Dial, Lead
from simulator.qvoice.generator import DayGenerator
from simulator.qvoice.items import history_row, lead_item
from simulator.qvoice.keys import HistoryQuery, LeadsQuery
from simulator.qvoice.reports import campaigns_status, queues_status

LONGEST_CALL_SECONDS = 86_400  # no call lasts longer: bounds the search for calls in progress

_timestamp = attrgetter("timestamp")
_dial_order = attrgetter("order")
_lead_order = attrgetter("order")
_created = attrgetter("created")


@dataclass(frozen=True)
class QVoiceTruth:
    """Everything the API serves at one clock, each a plain dict exactly as served:
    every history row visible at the clock (from start_date on) in feed order, the leads
    of every listed campaign (catalog order, each campaign's leads in served order), and
    the two snapshot reports."""

    leads_history: list[dict[str, Any]]
    campaign_leads: list[dict[str, Any]]
    campaigns_status: dict[str, dict[str, Any]]
    queues_status: list[dict[str, Any]]
    clock: datetime
    source_timezone: str


@dataclass(frozen=True)
class HistoryPage:
    """History rows of one page; `resume` continues after its last row (or where it was
    asked to start, when it is empty); `more` says whether rows follow in the window."""

    rows: list[dict[str, Any]]
    resume: HistoryQuery
    more: bool

    @property
    def next_query(self) -> HistoryQuery | None:
        """The query of the next page, or None on the last page."""
        return self.resume if self.more else None


@dataclass(frozen=True)
class LeadsPage:
    """Lead items of one page; the query of the next page, or None on the last."""

    items: list[dict[str, Any]]
    next_query: LeadsQuery | None


class QVoiceWorld(ClockedWorld):
    """A deterministic QVoice tenant seen at a movable clock."""

    def __init__(self, config: QVoiceConfig | None = None) -> None:
        self.config = config or QVoiceConfig()
        self._lock = threading.RLock()
        self._clock = self.config.clock
        self._zone = ZoneInfo(self.config.source_timezone)
        self._generator = DayGenerator(self.config)
        self._dials: list[Dial] = []  # in feed order
        self._leads: dict[str, list[Lead]] = {c.campaign_id: [] for c in CAMPAIGNS}
        self.tokens = TokenBook(self.config)
        self._generate()

    def advance(self, days: float = 1, hours: float = 0) -> None:
        """Move the clock forward."""
        with self._lock:
            self.set_clock(self._clock + timedelta(days=days, hours=hours))

    def login(self, body: Any) -> dict[str, Any] | None:
        """The login answer for a `POST /api/v2/login` body, or None when it is wrong."""
        if not self.tokens.credentials_match(body):
            return None
        return self.tokens.issue(self.clock.timestamp())

    def authorize(self, authorization: str, account_id: str | None) -> int | None:
        """None when a request with these headers may be served, else 401 or 403."""
        with self._lock:
            return self.tokens.authorize(authorization, account_id, self._clock.timestamp())

    def history_page(self, query: HistoryQuery, size: int | None) -> HistoryPage:
        """At most `size` rows (None: all) of the window after `query.after`."""
        with self._lock:
            clock = self._clock.timestamp()
            low, high = self._window(query, clock)
            if query.after is not None:
                low = max(low, bisect_right(self._dials, query.after, key=_dial_order))
            stop = high if size is None else min(high, low + size)
            dials = self._dials[low:stop]
            rows = [history_row(dial, clock, self._zone) for dial in dials]
            resume = replace(query, after=dials[-1].order) if dials else query
            return HistoryPage(rows, resume, more=stop < high)

    def leads_page(self, query: LeadsQuery, size: int | None) -> LeadsPage | None:
        """At most `size` leads (None: all) in a listed campaign after `query.after`;
        None for a campaign that is not listed."""
        campaign = CAMPAIGNS_BY_ID.get(query.campaign_id)
        if campaign is None or not campaign.listed:
            return None
        with self._lock:
            clock = self._clock.timestamp()
            leads = self._leads[campaign.campaign_id]
            start = 0 if query.after is None else bisect_right(leads, query.after, key=_lead_order)
            uploaded = bisect_right(leads, clock, key=_created)
            present = [lead for lead in leads[start:uploaded] if lead.is_in_campaign(clock)]
            page = present if size is None else present[:size]
            items = [lead_item(lead, clock) for lead in page]
            more = len(page) < len(present)
            return LeadsPage(items, replace(query, after=page[-1].order) if more else None)

    def campaigns_status(self) -> dict[str, dict[str, Any]]:
        """The campaigns status report at the clock."""
        with self._lock:
            return campaigns_status(self._leads, self._clock.timestamp())

    def queues_status(self) -> list[dict[str, Any]]:
        """The queues status report at the clock."""
        with self._lock:
            clock = self._clock.timestamp()
            low = bisect_left(self._dials, clock - LONGEST_CALL_SECONDS, key=_timestamp)
            high = bisect_right(self._dials, clock, key=_timestamp)
            on_call = [
                dial.agent.extension
                for dial in self._dials[low:high]
                if dial.agent is not None and dial.answered_time <= clock < dial.ends_at
            ]
            return queues_status(self._clock, on_call)

    def ground_truth(self) -> QVoiceTruth:
        """Exactly what the API serves at the current clock, as fresh plain dicts."""
        with self._lock:
            clock = self._clock
            history = self.history_page(HistoryQuery(0, int(clock.timestamp())), None).rows
            leads = [
                item
                for campaign in LISTED_CAMPAIGNS
                for item in self.leads_page(LeadsQuery(campaign.campaign_id), None).items
            ]
            served = [history, leads, self.campaigns_status(), self.queues_status()]
        history, leads, status, queues = json.loads(json.dumps(served))
        return QVoiceTruth(
            leads_history=history,
            campaign_leads=leads,
            campaigns_status=status,
            queues_status=queues,
            clock=clock,
            source_timezone=self.config.source_timezone,
        )

    def _window(self, query: HistoryQuery, clock: float) -> tuple[int, int]:
        """Positions of the rows with start <= timestamp <= min(end, clock)."""
        low = bisect_left(self._dials, query.start, key=_timestamp)
        high = bisect_right(self._dials, min(query.end, clock), key=_timestamp)
        return low, max(low, high)

    def _generate(self) -> None:
        """Generate every UTC day begun by the clock (days already made are kept)."""
        days = self._generator.generate_until(self._clock.timestamp())
        if not days:
            return
        self._dials.extend(dial for day in days for dial in day.dials)
        self._dials.sort(key=_dial_order)
        for day in days:
            for lead in day.leads:
                self._leads[lead.campaign.campaign_id].append(lead)
        for leads in self._leads.values():
            leads.sort(key=_lead_order)
