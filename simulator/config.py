"""Settings of a simulated vendor world: seed, calendar, clock, volumes and test knobs."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Self

DEFAULT_START_DATE = date(2026, 3, 30)
"""First local day with data by default; the default window spans the Sydney DST end (5 Apr)."""

DEFAULT_DAYS = 10
"""Days of data visible at the default clock."""


def midnight_utc_after(start_date: date, days: int) -> datetime:
    """The clock at which `days` local days starting at `start_date` have ended in every
    Australian zone: 00:00 UTC of `start_date + days`. By then the next local day has
    begun east of UTC (10:00 or 11:00 in Sydney), so its first hours are visible too."""
    return datetime.combine(start_date + timedelta(days=days), time(0), tzinfo=UTC)


class WorldConfig:
    """What every vendor's (frozen dataclass) config shares: a `clock` checked and kept
    in UTC, shares (`RATE_FIELDS`) between 0 and 1, and the clock constructors."""

    RATE_FIELDS: tuple[str, ...] = ()

    def _check_clock_and_rates(self) -> None:
        clock = self.clock  # type: ignore[attr-defined]
        if clock.tzinfo is None or clock.utcoffset() is None:
            raise ValueError(f"{type(self).__name__}.clock must be an aware datetime")
        object.__setattr__(self, "clock", clock.astimezone(UTC))
        for rate_name in self.RATE_FIELDS:
            if not 0.0 <= getattr(self, rate_name) <= 1.0:
                raise ValueError(f"{rate_name} must be between 0 and 1")

    @classmethod
    def for_days(
        cls, days: int = DEFAULT_DAYS, start_date: date = DEFAULT_START_DATE, **settings: Any
    ) -> Self:
        """A config whose clock is 00:00 UTC after `days` days from `start_date`."""
        return cls(start_date=start_date, clock=midnight_utc_after(start_date, days), **settings)

    def with_clock(self, clock: datetime) -> Self:
        """The same world seen at another clock."""
        return replace(self, clock=clock)  # type: ignore[type-var]


@dataclass(frozen=True)
class SimulatorConfig(WorldConfig):
    """Everything that decides what a simulated vendor serves.

    Data of a (campaign, local day) depends only on `seed` and the day, never on `clock`;
    the clock only decides what is visible. Volumes are per campaign and local day.
    """

    seed: int = 42
    """Seed of every random draw; the same seed and clock give the same world."""
    start_date: date = DEFAULT_START_DATE
    """First LOCAL day (in each campaign's zone) that has data."""
    clock: datetime = field(
        default_factory=lambda: midnight_utc_after(DEFAULT_START_DATE, DEFAULT_DAYS)
    )
    """The vendor's "now": an aware datetime, stored in UTC."""
    source_timezone: str = "Australia/Sydney"
    """IANA zone of campaigns whose item carries no own `timezone`."""
    page_size: int = 100
    """Items per page of the cursor feeds (the server chooses it, clients cannot)."""
    api_token: str = "sim-ipscape-token"
    """The token clients must send as `Authorization: Bearer <api_token>`."""
    attempts_per_campaign_day: int = 40
    """Approximate business-hours dial attempts per outbound campaign and local day."""
    inbound_per_day: int = 15
    """Approximate inbound calls per local day on the inbound campaign."""
    late_update_rate: float = 0.15
    """Share (0..1) of answered calls whose hang-up and wrap-up arrive a day late."""
    unknown_status_rate: float = 0.0
    """Share (0..1) of attempts / wraps given a status outside the documented vocabulary."""
    messy_text_rate: float = 0.0
    """Share (0..1) of wrap descriptions written in another case or with blanks."""
    leads_per_attempt: float = 0.5
    """Leads an outbound campaign uploads per dial attempt it expects that local day
    (each campaign and day draws within +-20 % of it)."""
    daily_volumes: tuple[int, ...] = ()
    """Exact volumes, for benchmarks: entry i is both the dial attempts and the
    activities (outbound ones plus inbound calls) of local day start_date + i, over all
    campaigns; days past the last entry have none. Such days have no dials just after
    midnight. Empty (the default): volumes are drawn around attempts_per_campaign_day
    and inbound_per_day."""
    page_delay_seconds: float = 0.0
    """Seconds every page of a cursor feed waits before it is answered (other requests
    are served meanwhile), to simulate a distant API."""

    RATE_FIELDS = ("late_update_rate", "unknown_status_rate", "messy_text_rate")

    def __post_init__(self) -> None:
        self._check_clock_and_rates()
        if self.page_size < 1:
            raise ValueError("page_size must be at least 1")
        if self.leads_per_attempt <= 0:
            raise ValueError("leads_per_attempt must be positive")
        if any(volume < 0 for volume in self.daily_volumes):
            raise ValueError("daily_volumes must not be negative")
        if self.page_delay_seconds < 0:
            raise ValueError("page_delay_seconds must not be negative")
