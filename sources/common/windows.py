"""A backfill range cut into time windows, whose pages are fetched concurrently.

A cursor feed read from `start` is one sequential walk: page after page, each waiting
for the vendor. Cut into windows (`From`..`To`, both inclusive, one second apart so no
record is in two windows), the walks are independent and up to `concurrency` of them
run at once in worker threads (requests and pyarrow's JSON parser release the GIL).

The windows end at the vendor's "now", read from the first page's `Date` header (the
machine clock when there is none), and the last window is open-ended like the
sequential walk, so the newest records are read the same way. After the first, a
night's windows fall on a fixed grid (multiples of `window` from the Unix epoch): the
next night, starting later, asks for the same windows again, so a window whose records
did not change is served byte for byte as before (see `sources.common.stored_pages`).
Each walk's pages are processed in the worker that fetched them (`process`; the
ipSCAPE source checks them and writes them to Parquet files there), and what that
yields reaches the caller through a bounded queue: memory holds a few items however
long the range. dlt's incremental sees every record's cursor either way, so the state
it keeps is the one a sequential walk leaves.
"""

from __future__ import annotations

import itertools
import math
import queue
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import TypeVar

Page = TypeVar("Page")
Item = TypeVar("Item")
Window = tuple[datetime, datetime | None]
Walk = Callable[[], Iterator[Item]]

ONE_SECOND = timedelta(seconds=1)
WINDOWS_PER_WORKER = 4
_DONE = object()


def split_range(start: datetime, now: datetime, window: timedelta) -> list[Window]:
    """Windows from `start` on: `[s, s + window - 1 s]` while they end before `now`,
    then one open-ended window."""
    windows: list[Window] = []
    begin = start
    while begin + window <= now:
        windows.append((begin, begin + window - ONE_SECOND))
        begin += window
    windows.append((begin, None))
    return windows


def next_grid_bound(moment: datetime, window: timedelta) -> datetime:
    """The first bound of the grid of `window`-long windows from the Unix epoch (UTC)
    that is later than `moment`."""
    length = max(1, int(window.total_seconds()))
    seconds = math.floor(moment.timestamp())
    return datetime.fromtimestamp((seconds // length + 1) * length, UTC)


def windowed_pages(
    start: datetime,
    window: timedelta,
    walk: Callable[[Window], Iterator[Page]],
    concurrency: int,
    served_at: Callable[[Page], datetime | None],
    process: Callable[[Iterator[Page]], Iterator[Item]] = iter,
) -> Iterator[Item]:
    """Every page of the feed from `start`, each walk's pages passed through `process`
    in the worker that fetched them; `walk(window)` yields one window's pages.

    With `concurrency` 1 this is the single sequential walk from `start`. Otherwise the
    range is cut into about `WINDOWS_PER_WORKER` windows per worker (none shorter than
    `window`), the first window's first page is read here, its `served_at` (the
    vendor's clock) bounds the windows, and the rest is fetched `concurrency` walks at
    a time.
    """
    if concurrency <= 1:
        yield from process(walk((start, None)))
        return
    # the first window ends where a window of the fixed grid starts: the next run's
    # windows, from a later start, then fall on the same bounds (the same requests)
    rest = next_grid_bound(start, window)
    first_window = (start, rest - ONE_SECOND)
    first_walk = walk(first_window)
    first_page = next(first_walk, None)
    vendor_now = (served_at(first_page) if first_page is not None else None) or datetime.now(UTC)
    first_pages = first_walk if first_page is None else itertools.chain([first_page], first_walk)
    # a few windows per worker, never shorter than `window`: a night's lag window gets
    # windows of `window`, a year's backfill a few dozen longer ones
    share = (vendor_now - rest) / (concurrency * WINDOWS_PER_WORKER)
    longer = timedelta(seconds=math.ceil(max(window, share).total_seconds()))
    walks: list[Walk] = [lambda: process(first_pages)]
    for later in split_range(rest, vendor_now, longer):
        walks.append(lambda later=later: process(walk(later)))
    yield from fetch_concurrently(walks, concurrency)


def fetch_concurrently(
    walks: list[Walk], concurrency: int, buffered_pages: int | None = None
) -> Iterator[Item]:
    """The items of every walk, up to `concurrency` walks at once, in whatever order the
    workers deliver them. A worker's exception is raised here, and the others stop."""
    if concurrency <= 1 or len(walks) == 1:
        for walk in walks:
            yield from walk()
        return
    pages: queue.Queue = queue.Queue(maxsize=buffered_pages or 2 * concurrency)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                pages.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def run(walk: Walk) -> None:
        try:
            for page in walk():
                if not put(page):
                    return
        except BaseException as error:  # handed to the consumer, which raises it
            put(_Failure(error))
        finally:
            put(_DONE)

    with ThreadPoolExecutor(max_workers=min(concurrency, len(walks))) as pool:
        for walk in walks:
            pool.submit(run, walk)
        try:
            remaining = len(walks)
            while remaining:
                item = pages.get()
                if item is _DONE:
                    remaining -= 1
                elif isinstance(item, _Failure):
                    raise item.error
                else:
                    yield item
        finally:
            stop.set()
            pool.shutdown(wait=True, cancel_futures=True)


class _Failure:
    def __init__(self, error: BaseException) -> None:
        self.error = error
