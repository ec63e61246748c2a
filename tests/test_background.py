"""InBackground: an iterator run ahead in a thread of its own."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from sources.common.background import InBackground


def test_items_arrive_in_order_and_are_produced_before_they_are_asked_for() -> None:
    produced = threading.Event()

    def items() -> Iterator[int]:
        yield from range(5)
        produced.set()

    ahead = InBackground(items(), "test")
    assert produced.wait(timeout=10), "nothing ran before the items were asked for"
    assert list(ahead) == [0, 1, 2, 3, 4]


def test_the_iterators_exception_is_raised_after_its_items() -> None:
    def items() -> Iterator[int]:
        yield 1
        raise ValueError("page 2 is not JSON")

    received = []
    with pytest.raises(ValueError, match="page 2 is not JSON"):
        for item in InBackground(items(), "test"):
            received.append(item)
    assert received == [1]


def test_cancel_stops_after_the_item_it_is_on_and_closes_the_iterator() -> None:
    release = threading.Event()
    closed = threading.Event()
    made = []

    def items() -> Iterator[int]:
        try:
            for number in range(1000):
                made.append(number)
                yield number
                release.wait(timeout=10)
        finally:
            closed.set()

    ahead = InBackground(items(), "test")
    ahead.cancel()
    release.set()
    ahead.join(timeout=10)
    assert closed.is_set()
    assert len(made) <= 2
