"""Turning uniform draws into values.

Each record takes a fixed number of uniforms from its day's generator whatever branch it
ends in, so a test knob (late, unknown or messy rate) changes only the records it hits,
never the rest of the day.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def uniforms(rng: random.Random, count: int) -> list[float]:
    """`count` uniforms in [0, 1) from `rng`."""
    return [rng.random() for _ in range(count)]


def between(u: float, low: int, high: int) -> int:
    """An integer in [low, high] (inclusive) from one uniform."""
    return low + min(int(u * (high - low + 1)), high - low)


def pick(u: float, options: Sequence[T]) -> T:
    """One of `options`, uniformly, from one uniform."""
    return options[min(int(u * len(options)), len(options) - 1)]


def weighted(u: float, mix: Sequence[tuple[T, int]]) -> T:
    """One value of a `(value, weight)` mix from one uniform."""
    target = u * sum(weight for _, weight in mix)
    for value, weight in mix:
        target -= weight
        if target < 0:
            return value
    return mix[-1][0]


def triangular(u: float, low: float, high: float, mode: float) -> int:
    """A whole number from the triangular distribution (inverse CDF of one uniform)."""
    split = (mode - low) / (high - low)
    if u < split:
        return int(low + math.sqrt(u * (high - low) * (mode - low)))
    return int(high - math.sqrt((1 - u) * (high - low) * (high - mode)))
