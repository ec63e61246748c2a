"""Short steps measured more than once: the run with the median wall stands for them.

On this 2-core VM a run's speed moves by ±30 % from one minute to the next. For a step
of a few seconds (the no-op run, the concurrent latency backfill) that is more than the
margin to its target, so it runs `REPEATS` times and the figures of the run with the
median wall are reported, with every run's wall kept beside them (`walls_s`, in the
order they ran). Long steps run once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

REPEATS = 3


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The figures of the run whose `wall_s` is the median (the lower middle of an even
    count), plus `walls_s`: every run's wall in the order they ran."""
    if not runs:
        raise ValueError("no runs to take the median of")
    ranked = sorted(runs, key=lambda run: run["wall_s"])
    return {**ranked[(len(ranked) - 1) // 2], "walls_s": [run["wall_s"] for run in runs]}


def repeated(step: Callable[[int], dict[str, Any]], times: int = REPEATS) -> dict[str, Any]:
    """`step(i)` for i in 0..times-1, summarised by `median_run`."""
    return median_run([step(i) for i in range(times)])
