"""The movable clock every simulated vendor world shares."""

from __future__ import annotations

import threading
from datetime import UTC, datetime


class ClockedWorld:
    """A vendor world seen at a clock that tests move (either way).

    Subclasses create `_lock` (an RLock) and `_clock` (aware UTC), and implement
    `_generate()`: make the data the clock has now reached (data never depends on it).
    """

    _lock: threading.RLock
    _clock: datetime

    @property
    def clock(self) -> datetime:
        """The vendor's "now" (aware, UTC)."""
        with self._lock:
            return self._clock

    def set_clock(self, clock: datetime) -> None:
        """Move the clock (either way) to an aware datetime."""
        if clock.tzinfo is None or clock.utcoffset() is None:
            raise ValueError("the clock must be an aware datetime")
        with self._lock:
            self._clock = clock.astimezone(UTC)
            self._generate()

    def _generate(self) -> None:
        raise NotImplementedError
