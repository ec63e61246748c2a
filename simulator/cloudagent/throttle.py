"""The dial status rate limit: requests per rolling 60 s of simulator time."""

from __future__ import annotations

import threading

WINDOW_SECONDS = 60


class Throttle:
    """Counts every request, served or refused; a request is refused when `limit`
    requests came in the 60 s of simulator time before it (instants in unix seconds)."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._lock = threading.Lock()
        self._recent: list[float] = []

    def admit(self, clock: float) -> bool:
        """Record a request at `clock`; whether it may be served."""
        with self._lock:
            self._recent = [at for at in self._recent if at > clock - WINDOW_SECONDS]
            admitted = len(self._recent) < self._limit
            self._recent.append(clock)
            return admitted
