"""A sliding-window rate limiter with an injectable clock.

CloudAgent allows 10 dial-status requests per minute; an ipSCAPE tenant may set a
limit too. `acquire()` blocks (through the given `sleep`) until a call fits: never more
than `max_calls` in any `period` seconds of the given `clock`. Thread-safe: the
concurrent window walks of one source share one limiter. Tests pass the simulator's
clock and a `sleep` that advances it, so nothing waits in real time.
"""

from __future__ import annotations

import threading
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
        self._lock = threading.Lock()

    def acquire(self) -> None:
        """Wait until one more call keeps the window within `max_calls`, then count it."""
        while True:
            with self._lock:
                now = self._clock()
                while self._calls and now - self._calls[0] >= self.period_seconds:
                    self._calls.popleft()
                if len(self._calls) < self.max_calls:
                    self._calls.append(now)
                    return
                wait = self.period_seconds - (now - self._calls[0])
            self._sleep(wait)
