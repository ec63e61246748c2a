"""The rate limiter on a fake clock: never more than N calls in any window."""

from __future__ import annotations

from sources.common.rate_limiter import RateLimiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_never_more_than_ten_calls_in_any_minute() -> None:
    clock = FakeClock()
    limiter = RateLimiter(10, 60.0, clock=clock, sleep=clock.sleep)
    calls = []
    for n in range(35):
        limiter.acquire()
        calls.append(clock.now)
        clock.now += 0.5 if n % 7 else 3.0  # uneven work between calls
    for start in calls:
        assert sum(1 for t in calls if start <= t < start + 60.0) <= 10
    assert calls[10] - calls[0] >= 60.0


def test_calls_within_the_limit_never_wait() -> None:
    clock = FakeClock()
    limiter = RateLimiter(10, 60.0, clock=clock, sleep=clock.sleep)
    for _ in range(10):
        limiter.acquire()
    assert clock.slept == []


def test_the_eleventh_call_waits_exactly_until_the_first_leaves_the_window() -> None:
    clock = FakeClock()
    limiter = RateLimiter(10, 60.0, clock=clock, sleep=clock.sleep)
    for _ in range(10):
        limiter.acquire()
        clock.now += 1.0
    limiter.acquire()
    assert clock.slept == [50.0]
