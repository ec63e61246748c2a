"""What one dial status request asks for, and the rows that answer it at a clock."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from simulator.cloudagent.facts import Lead
from simulator.cloudagent.rows import dial_status_row

SORT_ALL = 0  # every row of the campaign, dates ignored
SORT_CREATED = 1  # createdDate in [fromDate, toDate]
SORT_UPDATED = 2  # updatedDate in [fromDate, toDate]


@dataclass(frozen=True)
class ReportQuery:
    """A campaign's rows, filtered by date (`sortby`; bounds in unix seconds, both
    inclusive) and by value (None: all): lead `status`, `dialStatus`, and dispositions
    (compared trimmed and case-folded)."""

    campaign_name: str
    sortby: int = SORT_ALL
    from_time: int = 0
    to_time: int = 0
    status: str | None = None
    dial_status: str | None = None
    dispositions: frozenset[str] | None = None

    def matches(self, lead: Lead, updated: int, row: dict[str, Any]) -> bool:
        if self.sortby == SORT_CREATED and not self.from_time <= lead.created <= self.to_time:
            return False
        if self.sortby == SORT_UPDATED and not self.from_time <= updated <= self.to_time:
            return False
        if self.status is not None and row["status"] != self.status:
            return False
        if self.dial_status is not None and row["dialStatus"] != self.dial_status:
            return False
        return self.dispositions is None or (
            row["disposition"].strip().casefold() in self.dispositions
        )


def report_rows(
    leads: Iterable[Lead], query: ReportQuery, clock: float, zone: ZoneInfo
) -> list[dict[str, Any]]:
    """The rows of `query` at `clock`, one per lead uploaded by then, in upload order."""
    rows = []
    for lead in leads:
        state = lead.state_at(clock)
        if state is None:
            continue
        row = dial_status_row(lead, state, zone)
        if query.matches(lead, state.updated, row):
            rows.append(row)
    return rows
