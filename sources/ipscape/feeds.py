"""The ipSCAPE cursor feeds read as Arrow pages: page shape, checks, record fixer.

Cursor columns are named as dlt names them in the page tables (`timestamps__dialled`);
every column under a feed's `timestamps` object is a time parsed into UTC.
"""

from __future__ import annotations

from dataclasses import dataclass

from sources.common.arrow_checks import Column, FeedChecks
from sources.common.arrow_pages import PageShape
from sources.common.quarantine import RecordFix
from sources.ipscape.records import fix_activity, fix_attempt, fix_lead
from sources.ipscape.settings import (
    ACTIVITIES_FILTER,
    ACTIVITIES_PATH,
    DIALLER_ATTEMPTS_FILTER,
    DIALLER_ATTEMPTS_PATH,
    LEADS_FILTER,
    LEADS_PATH,
)


@dataclass(frozen=True)
class ArrowFeed:
    """One cursor feed: where it is, how its pages look, what its records need."""

    path: str
    filter_prefix: str  # `<prefix>From` / `<prefix>To`
    shape: PageShape
    checks: FeedChecks  # their `required` columns start with the cursor
    fix: RecordFix

    @property
    def cursor(self) -> str:
        """The incremental cursor's column."""
        return self.checks.required[0].name


def _times(prefix: str, names: tuple[str, ...], *others: str) -> PageShape:
    return PageShape("items", text_paths=(*(f"{prefix}{name}" for name in names), *others))


DIALLER_ATTEMPTS_CURSOR = Column("timestamps__dialled", "timestamps.dialled")
ACTIVITIES_CURSOR = Column("data__timestamps__created", "data.timestamps.created")
LEADS_CURSOR = Column("timestamps__created", "timestamps.created")

DIALLER_ATTEMPTS = ArrowFeed(
    DIALLER_ATTEMPTS_PATH,
    DIALLER_ATTEMPTS_FILTER,
    _times("timestamps.", ("dialled", "answered", "hangUp")),
    FeedChecks(
        "dialler_attempts",
        key=Column("attempt_id", "attemptId"),
        required=(DIALLER_ATTEMPTS_CURSOR,),
        timestamp_prefixes=("timestamps__",),
    ),
    fix_attempt,
)

ACTIVITIES = ArrowFeed(
    ACTIVITIES_PATH,
    ACTIVITIES_FILTER,
    _times(
        "data.timestamps.",
        ("created", "joinQueue", "answered", "hangUp", "wrapUp"),
        "data.survey.startTimestamp",
    ),
    FeedChecks(
        "activities",
        key=Column("data__activity_id", "data.activityId"),
        required=(ACTIVITIES_CURSOR,),
        timestamp_prefixes=("data__timestamps__", "data__survey__start_timestamp"),
        durations_prefix="data__durations__",
    ),
    fix_activity,
)

LEADS = ArrowFeed(
    LEADS_PATH,
    LEADS_FILTER,
    _times("timestamps.", ("created", "modified", "nextAttempt")),
    FeedChecks(
        "leads",
        key=Column("lead_id", "leadId"),
        required=(LEADS_CURSOR,),
        timestamp_prefixes=("timestamps__",),
    ),
    fix_lead,
)
