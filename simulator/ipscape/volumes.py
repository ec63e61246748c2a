"""Exact day volumes (`SimulatorConfig.daily_volumes`), for benchmarks: a day's total
split over its campaigns, so a world holds exactly the rows it was asked for."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from simulator.config import SimulatorConfig


def exact_volume(config: SimulatorConfig, local_day: date) -> int | None:
    """The day's exact attempts (and activities); 0 past the last entry; None when the
    config draws its volumes instead."""
    if not config.daily_volumes:
        return None
    index = (local_day - config.start_date).days
    return config.daily_volumes[index] if 0 <= index < len(config.daily_volumes) else 0


def split(total: int, campaign_ids: Sequence[int]) -> dict[int, int]:
    """`total` spread evenly over the campaigns, one more each for the first ones while
    a remainder is left."""
    if not campaign_ids:
        return {}
    share, remainder = divmod(total, len(campaign_ids))
    return {cid: share + (index < remainder) for index, cid in enumerate(campaign_ids)}
