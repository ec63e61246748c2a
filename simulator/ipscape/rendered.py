"""The JSON bytes each record is served as, kept until the record changes at the clock.

Rendering one item (a dict, its timestamps written in the campaign's zone, `json.dumps`)
costs 10-30 µs, a page of 1,000 items 10-30 ms: too slow to serve a benchmark. So each
record's bytes are kept with the *state* they were rendered in, and a page joins kept
bytes; a record is rendered again only once its state at the clock differs (a late
hang-up revealed, a lead dialled again), so moving the clock either way stays exact.

`align` goes further for a feed read in bulk: its visible records' bytes in feed order,
so an unfiltered page is a slice, with no per-record work at all, for as long as neither
the clock nor the feed changes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Iterable
from typing import Any, Generic, TypeVar

from simulator.ipscape.facts import Attempt, InboundCall, Lead
from simulator.ipscape.lead_items import visible_attempts

R = TypeVar("R")


def encode(item: Any) -> bytes:
    """`item` as a JSON response body writes it (Starlette's JSONResponse settings)."""
    return json.dumps(item, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()


def call_state(call: Attempt | InboundCall, clock: float) -> bool:
    """What a dialler attempt or activity item depends on: are its end-of-call fields
    revealed."""
    return call.reveal_at <= clock


def lead_state(lead: Lead, clock: float) -> tuple[bool, ...]:
    """What a lead item depends on: its visible dials and which of them are revealed."""
    return tuple(attempt.reveal_at <= clock for attempt in visible_attempts(lead, clock))


def fixed_state(record: object, clock: float) -> None:
    """Items that never change with the clock (lead lists, users)."""
    return None


class RenderedItems(Generic[R]):
    """Kept item bytes of one feed. Not thread-safe: the world's lock guards it."""

    def __init__(
        self,
        render: Callable[[R, float], dict[str, Any]],
        state: Callable[[R, float], Hashable],
    ) -> None:
        self._render = render
        self._state = state
        self._kept: dict[R, tuple[Hashable, bytes]] = {}
        self._aligned: list[bytes] = []
        self._aligned_for: tuple[float, int] | None = None

    def item_bytes(self, record: R, clock: float) -> bytes:
        """The record's item at `clock`, as JSON bytes."""
        state = self._state(record, clock)
        kept = self._kept.get(record)
        if kept is not None and kept[0] == state:
            return kept[1]
        body = encode(self._render(record, clock))
        self._kept[record] = (state, body)
        return body

    def align(self, visible: Iterable[R], clock: float, feed_size: int) -> None:
        """Render ahead every visible record (in feed order) whose kept bytes are missing
        or out of date, and keep them in that order until the clock or the feed's size
        (`feed_size` records, visible or not) changes."""
        self._aligned = [self.item_bytes(record, clock) for record in visible]
        self._aligned_for = (clock, feed_size)

    def aligned(self, start: int, stop: int, clock: float, feed_size: int) -> list[bytes] | None:
        """Bytes of the visible records [start, stop) in feed order; None unless aligned
        at this clock and feed size."""
        if self._aligned_for != (clock, feed_size) or stop > len(self._aligned):
            return None
        return self._aligned[start:stop]

    @property
    def kept(self) -> dict[R, tuple[Hashable, bytes]]:
        """Record -> (state, bytes), for a snapshot of the world."""
        return self._kept

    def restore(self, kept: dict[R, tuple[Hashable, bytes]]) -> None:
        self._kept = kept
