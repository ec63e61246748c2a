"""A sliding-window rate limiter with an injectable clock.

CloudAgent allows 10 dial-status requests per minute. `acquire()` blocks (through the
given `sleep`) until a call fits: never more than `max_calls` in any `period` seconds
of the given `clock`. Tests pass the simulator's clock and a `sleep` that advances it,
so nothing waits in real time.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable


class RateLimiter:
    def __init__(
        self,
        max_calls: int,
        period_seconds: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.max_calls = max_calls
        self.period_seconds = period_seconds
        self._clock = clock
        self._sleep = sleep
        self._calls: deque[float] = deque()

    def acquire(self) -> None:
        """Wait until one more call keeps the window within `max_calls`, then count it."""
        while True:
            now = self._clock()
            while self._calls and now - self._calls[0] >= self.period_seconds:
                self._calls.popleft()
            if len(self._calls) < self.max_calls:
                self._calls.append(now)
                return
            self._sleep(self.period_seconds - (now - self._calls[0]))
