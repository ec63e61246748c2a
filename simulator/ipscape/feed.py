"""A served feed: records sorted by (timestamp, id), paged by keyset.

The From/To bounds and the clock are found by bisection, so a page costs O(page size)
however large the feed (plus a scan when filtering on a field without an index; with no
filter left to check, a page is a slice). A page
resumes after the last (timestamp, id) it returned, so records generated or revealed
between two requests never shift the pages.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar

from simulator.ipscape.cursor import FeedQuery

R = TypeVar("R")
SortKey = tuple[int, int]


@dataclass(frozen=True)
class FeedPage(Generic[R]):
    """One page of records; a query for the next / previous page, or None. `span`:
    (start, stop) of the records in `Feed.records` when they are a slice of it."""

    records: list[R]
    next_query: FeedQuery | None
    previous_query: FeedQuery | None
    span: tuple[int, int] | None = None


class Feed(Generic[R]):
    """Records ordered by `key(record)` = (epoch seconds, id); a record is visible once its
    epoch seconds are <= the clock. `filters` name the equality filters (query parameter
    -> value of a record); those in `indexed` get an index."""

    def __init__(
        self,
        key: Callable[[R], SortKey],
        filters: Mapping[str, Callable[[R], Any]],
        indexed: Sequence[str] = (),
    ) -> None:
        self._key = key
        self._filters = dict(filters)
        self._records: list[R] = []
        self._indexes: dict[str, dict[Any, list[R]]] = {name: {} for name in indexed}

    def extend(self, records: Iterable[R]) -> None:
        """Add records (in any order) and keep every list sorted."""
        new_records = list(records)
        if not new_records:
            return
        self._records.extend(new_records)
        self._records.sort(key=self._key)
        for name, index in self._indexes.items():
            value_of = self._filters[name]
            touched = set()
            for record in new_records:
                value = value_of(record)
                index.setdefault(value, []).append(record)
                touched.add(value)
            for value in touched:
                index[value].sort(key=self._key)

    @property
    def records(self) -> list[R]:
        """Every record, visible or not, in feed order (do not modify)."""
        return self._records

    def is_visible(self, record: R, clock: float) -> bool:
        """Whether the record's timestamp is <= the clock."""
        return self._key(record)[0] <= clock

    def visible(self, clock: float) -> list[R]:
        """All records visible at `clock`, in feed order."""
        return self._records[: bisect_right(self._records, (clock, math.inf), key=self._key)]

    def page(self, query: FeedQuery, clock: float, size: int) -> FeedPage[R]:
        """The page of at most `size` matching records after `query.after`."""
        candidates, rest = self._candidates(dict(query.equals))

        def matches(record: R) -> bool:
            return all(self._filters[name](record) == value for name, value in rest)

        low = 0
        if query.time_from is not None:
            low = bisect_left(candidates, (query.time_from, -math.inf), key=self._key)
        upper = clock if query.time_to is None else min(clock, query.time_to)
        high = bisect_right(candidates, (upper, math.inf), key=self._key)
        start = low
        if query.after is not None:
            start = max(low, bisect_right(candidates, tuple(query.after), key=self._key))

        span = None
        if rest:
            records: list[R] = []
            position = start
            while position < high and len(records) < size:
                if matches(candidates[position]):
                    records.append(candidates[position])
                position += 1
            has_next = bool(records) and any(matches(candidates[i]) for i in range(position, high))
        else:
            records = candidates[start : max(start, min(high, start + size))]
            has_next = bool(records) and start + len(records) < high
            if candidates is self._records:
                span = (start, start + len(records))
        next_query = replace(query, after=self._key(records[-1])) if has_next else None
        previous_query = None
        if query.after is not None and not rest:
            previous_query = self._previous_unfiltered(query, candidates, low, start, size)
        elif query.after is not None:
            previous_query = self._previous(query, candidates, matches, low, start, size)
        return FeedPage(records, next_query, previous_query, span)

    def _candidates(self, equals: dict[str, Any]) -> tuple[list[R], list[tuple[str, Any]]]:
        """The narrowest sorted list for the filters, and the filters left to check."""
        for name, index in self._indexes.items():
            if name in equals:
                value = equals.pop(name)
                return index.get(value, []), list(equals.items())
        return self._records, list(equals.items())

    def _previous_unfiltered(
        self, query: FeedQuery, candidates: list[R], low: int, start: int, size: int
    ) -> FeedQuery | None:
        """`_previous` when every candidate matches: the page before starts `size` back."""
        if start <= low:
            return None
        position = start - 1 - min(size, start - low)
        after = self._key(candidates[position]) if position >= low else None
        return replace(query, after=after)

    def _previous(
        self,
        query: FeedQuery,
        candidates: list[R],
        matches: Callable[[R], bool],
        low: int,
        start: int,
        size: int,
    ) -> FeedQuery | None:
        """The query of the `size` matching records before `start`, if any."""
        found = 0
        position = start - 1
        while position >= low and found < size:
            found += matches(candidates[position])
            position -= 1
        if not found:
            return None
        while position >= low and not matches(candidates[position]):
            position -= 1
        after = self._key(candidates[position]) if position >= low else None
        return replace(query, after=after)
