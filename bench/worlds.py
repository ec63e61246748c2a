"""The simulated ipSCAPE worlds the benchmark serves, as data: how many rows on which
local days, and the clocks of the backfill and of the incremental night.

Every world ends at the real today: its clock never runs ahead of the real time, so a
source that splits its range into windows up to "now" reads every simulated row and no
empty tail. Clocks fall on local midnight in Perth, the tenant's last zone to reach a
midnight, so a backfill sees every row of its last day and none of the next.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from simulator.config import SimulatorConfig
from simulator.ipscape.catalog import CAMPAIGNS
from simulator.ipscape.timestamps import local_midnight, zone

FULL_N = 1_000_000
"""The issue's N: dial attempts (and as many activities) in the main world."""
MAIN_DAYS = 365
NIGHT_DIVISOR = 30  # the incremental night brings N / 30 new attempts and activities
SMALL_DIVISOR = 5  # the small world (memory growth) holds N / 5
LATENCY_DAYS = 90
LATENCY_PER_DAY_AT_FULL_N = 1_500  # about 1.5 pages of each feed a day
LATENCY_PAGE_DELAY_SECONDS = 0.1
LEADS_PER_ATTEMPT = 0.25  # each lead is dialled about 4 times, all within 3 days of upload
PAGE_SIZE = 1_000
SEED = 42


@dataclass(frozen=True)
class WorldSpec:
    """One benchmark world: `daily_volumes[i]` attempts and activities on local day
    `start_date + i`; the backfill sees the first `backfill_days`, the night the rest."""

    name: str
    daily_volumes: tuple[int, ...]
    backfill_days: int
    start_date: date
    page_delay_seconds: float = 0.0
    seed: int = SEED

    def config(self) -> SimulatorConfig:
        """The simulator config, its clock at the end of the backfill days."""
        return SimulatorConfig(
            seed=self.seed,
            start_date=self.start_date,
            clock=self.backfill_clock,
            page_size=PAGE_SIZE,
            leads_per_attempt=LEADS_PER_ATTEMPT,
            daily_volumes=self.daily_volumes,
            page_delay_seconds=self.page_delay_seconds,
        )

    @property
    def backfill_clock(self) -> datetime:
        return every_zone_at_midnight(self.start_date + timedelta(days=self.backfill_days))

    @property
    def backfill_rows(self) -> int:
        """Attempts (and activities) the backfill sees."""
        return sum(self.daily_volumes[: self.backfill_days])

    @property
    def night_rows(self) -> int:
        """New attempts (and activities) one night later."""
        return sum(self.daily_volumes[self.backfill_days : self.backfill_days + 1])

    @property
    def size_name(self) -> str:
        """The kind of world and its size, e.g. `main-1000000+33333-366d`."""
        volumes = f"{self.backfill_rows}+{self.night_rows}"
        return f"{self.name}-{volumes}-{len(self.daily_volumes)}d"

    @property
    def cache_name(self) -> str:
        """Names the world in a cache: everything that decides its data."""
        return (
            f"{self.size_name}-seed{self.seed}-{self.start_date.isoformat()}"
            f"-delay{self.page_delay_seconds:g}"
        )


def every_zone_at_midnight(local_day: date) -> datetime:
    """The instant `local_day` has begun in every zone of the tenant (UTC)."""
    default_zone = SimulatorConfig.source_timezone
    latest = max(local_midnight(local_day, zone(c.zone_name(default_zone))) for c in CAMPAIGNS)
    return datetime.fromtimestamp(latest, UTC)


def spread(total: int, days: int) -> tuple[int, ...]:
    """`total` over `days` days, as evenly as whole numbers allow."""
    return tuple(total * (i + 1) // days - total * i // days for i in range(days))


def main_world(n: int, today: date) -> WorldSpec:
    """N attempts and N activities over 365 days, then a night of N / 30; the night's
    clock is today's first midnight in every zone."""
    volumes = (*spread(n, MAIN_DAYS), max(1, n // NIGHT_DIVISOR))
    start = today - timedelta(days=MAIN_DAYS + 1)
    return WorldSpec("main", volumes, MAIN_DAYS, start)


def small_world(n: int, today: date) -> WorldSpec:
    """N / 5 over the same year: peak memory at a smaller N."""
    start = today - timedelta(days=MAIN_DAYS)
    return WorldSpec("small", spread(max(1, n // SMALL_DIVISOR), MAIN_DAYS), MAIN_DAYS, start)


def latency_world(n: int, today: date) -> WorldSpec:
    """90 days of 1,500 attempts and activities a day (scaled by N / 1,000,000), every
    feed page answered 100 ms late."""
    per_day = max(1, round(LATENCY_PER_DAY_AT_FULL_N * n / FULL_N))
    start = today - timedelta(days=LATENCY_DAYS)
    return WorldSpec(
        "latency",
        (per_day,) * LATENCY_DAYS,
        LATENCY_DAYS,
        start,
        page_delay_seconds=LATENCY_PAGE_DELAY_SECONDS,
    )


WORLDS = {"main": main_world, "small": small_world, "latency": latency_world}


def today_everywhere() -> date:
    """The latest local date whose midnight has passed in every zone of the tenant."""
    now = datetime.now(UTC)
    day = now.date() + timedelta(days=1)
    while every_zone_at_midnight(day) > now:
        day -= timedelta(days=1)
    return day
