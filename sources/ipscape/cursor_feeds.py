"""The ipSCAPE cursor feeds of one run (leads, dialler attempts, activities), and when
each is fetched.

A feed's items (Parquet files of checked rows, and record lists) are produced by its
window workers (`sources.common.arrow_feed`). dlt extracts the resources one after the
other, so left to itself a feed would wait for every resource before it, while the machine has
a core to spare. Instead, when the source's first resource starts, every selected feed
starts in the background (`InBackground`), from the cursor position dlt's incremental
gives it (read the same way dlt reads it: an incremental bound to the feed's state, lag
applied). When the feed's resource starts, its own incremental must agree on that
position; it then takes over what was fetched ahead, else that is cancelled and the
feed is fetched afresh.

Each feed run keeps its stored pages (`sources.common.stored_pages`): read from the
feed's resource state when it starts, written back there once its resource has yielded
everything, so they are committed with the load, as the cursor is.

Grain: one object per source run. Feeds started ahead hold their finished files on
disk (in `landing_dir`), never their rows in memory.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import dlt
import pyarrow as pa
from dlt.common.schema.typing import TTableSchemaColumns

from sources.common.arrow_feed import (
    Batch,
    FeedRun,
    dlt_items,
    extract_context,
    finished_feed,
    landed_items,
)
from sources.common.arrow_pages import ParsedPage, page_served_at
from sources.common.background import InBackground
from sources.common.code_fingerprint import code_fingerprint
from sources.common.feed_files import LandedFile
from sources.common.quarantine import Quarantine
from sources.common.seen_keys import SeenKeys
from sources.common.stored_pages import STATE_KEY as STORED_PAGES
from sources.common.stored_pages import StoredPages
from sources.common.stored_rows import StoredRows
from sources.common.windows import Window, windowed_pages
from sources.ipscape.feeds import ArrowFeed
from sources.ipscape.helpers import IpscapeClient, window_params

Produced = Iterator[LandedFile | list[dict]]
# the code that turns an ipSCAPE page body into rows
ROW_MAKING_PACKAGES = ("sources.common", "sources.ipscape")

log = logging.getLogger("dialer_warehouse")


@dataclass(frozen=True)
class Position:
    """Where a feed starts this run: its lag-adjusted start, and the newest cursor value
    loaded before the run (None before the first run)."""

    start: datetime
    newest: datetime | None


@dataclass
class _Ahead:
    position: Position
    items: InBackground
    run: FeedRun
    landing: Path

    def cancel(self) -> None:
        """Stop the feed (its walks stop at their next page) and drop what it wrote."""
        self.run.cancelled.set()
        self.items.cancel()
        self.items.join()
        shutil.rmtree(self.landing, ignore_errors=True)


@dataclass
class CursorFeeds:
    """Fetches the cursor feeds of one source run; `feeds` in extraction order."""

    feeds: tuple[ArrowFeed, ...]
    client: IpscapeClient
    zone: str
    quarantine: Quarantine
    seen: dict[str, SeenKeys]
    initial: datetime
    lag_seconds: float
    window: timedelta
    concurrency: int
    stored: StoredRows  # the warehouse's rows, to leave out re-read rows held as they are
    landing_dir: str | None
    # per feed name: what sees every batch of that feed (given the feed's position)
    batch_observers: dict[str, Callable[[Position], Callable[[Batch], None]]]

    def __post_init__(self) -> None:
        self._ahead: dict[str, _Ahead] = {}
        self._started = False

    def position(self, cursor: dlt.sources.incremental) -> Position:
        """The position dlt's incremental (bound to its feed) gives."""
        newest = cursor.get_state().get("last_value")
        return Position(cursor.start_value, None if newest == self.initial else newest)

    def start(self) -> None:
        """Start every selected cursor feed in the background (once a run); called when
        the source's first resource starts."""
        if self._started:
            return
        self._started = True
        selected = dlt.current.source().resources.selected
        for feed in self.feeds:
            name = feed.checks.resource
            if name in selected:
                position = self.position(self._probe(feed))
                produced, run, landing = self._produce(feed, position)
                ahead = InBackground(produced, f"{name}-ahead")
                self._ahead[name] = _Ahead(position, ahead, run, landing)

    def close(self) -> None:
        """Once the extraction is over (however it ended): feeds started ahead that no
        resource took (a failure stopped the extraction first) are stopped, so nothing
        holds the warehouse file or writes to the landing folder afterwards."""
        while self._ahead:
            _, ahead = self._ahead.popitem()
            ahead.cancel()

    def dlt_items(self, feed: ArrowFeed, cursor: dlt.sources.incremental) -> Iterator[object]:
        """What the feed's resource yields to dlt, from its bound incremental `cursor`."""
        self.start()
        position = self.position(cursor)
        ahead = self._ahead.pop(feed.checks.resource, None)
        if ahead is not None and ahead.position != position:
            ahead.cancel()
            ahead = None
        if ahead is not None:
            produced, run, landing = iter(ahead.items), ahead.run, ahead.landing
        else:
            produced, run, landing = self._produce(feed, position)
        try:
            yield from dlt_items(produced)
        finally:  # dlt has linked every file it imported into its package
            shutil.rmtree(landing, ignore_errors=True)
        if run.stored_pages is not None and not run.cancelled.is_set():
            # committed with this load, as the incremental cursor is
            state = dlt.current.resource_state(feed.checks.resource)
            state[STORED_PAGES] = run.stored_pages.state()
            log.info(
                "ipscape %s: %d of %d pages with rows served as loaded before, not parsed again",
                feed.checks.resource,
                run.stored_pages.pages_reused,
                run.stored_pages.pages_served,
            )

    @property
    def lag(self) -> timedelta:
        return timedelta(seconds=self.lag_seconds)

    def _probe(self, feed: ArrowFeed) -> dlt.sources.incremental:
        """An incremental bound to the feed's state as its resource's will be."""
        probe = dlt.sources.incremental(
            feed.cursor, initial_value=self.initial, lag=self.lag_seconds, primary_key=()
        )
        probe.resource_name = feed.checks.resource
        probe.start_value = probe.last_value  # as binding sets it: lag applied
        return probe

    def _produce(self, feed: ArrowFeed, position: Position) -> tuple[Produced, FeedRun, Path]:
        """The feed's items from `position` (produced as they are iterated), its run,
        and the folder its files land in."""
        table = feed.checks.resource
        columns, load_id, caps = extract_context(table)
        landing = Path(tempfile.mkdtemp(prefix=f"{table}.", dir=self.landing_dir))
        stored, key = self.stored, feed.checks.key.name

        def unchanged(batch: pa.Table) -> pa.Table:
            return stored.changed(batch, table, key, feed.cursor, position.newest)

        observe = self.batch_observers.get(table)
        stored_pages = StoredPages(
            _stored_pages_state(table),
            _page_context(self.zone, columns),
            self.lag,
            every_page=position.newest is not None,
        )
        run = FeedRun(
            feed.checks,
            feed.cursor,
            feed.fix,
            self.zone,
            self.quarantine,
            self.seen[table],
            columns,
            landing,
            load_id,
            caps,
            unchanged=unchanged,
            on_batch=observe(position) if observe else None,
            stored_pages=stored_pages,
        )

        def walk(span: Window) -> Iterator[ParsedPage]:
            params = window_params(feed.filter_prefix, span[0], span[1])
            return self.client.window_pages(feed.path, feed.shape, params, stored_pages)

        def produced() -> Produced:
            pages = windowed_pages(
                position.start,
                self.window,
                walk,
                self.concurrency,
                served_at=page_served_at,
                process=lambda pages: landed_items(pages, run),
            )
            yield from finished_feed(pages, run)

        return produced(), run, landing


def _stored_pages_state(table: str) -> dict[str, list]:
    """The stored pages the feed's resource state holds (read without writing to it:
    the feeds start before their resources do)."""
    resources = dlt.current.source_state().get("resources", {})
    return dict(resources.get(table, {}).get(STORED_PAGES, {}))


def _page_context(zone: str, columns: TTableSchemaColumns) -> str:
    """What decides the rows a page body becomes, besides the body: the zone of naive
    times, the raw table's columns and the code (`ROW_MAKING_PACKAGES`, pyarrow, dlt)."""
    context = {"zone": zone, "columns": columns, "code": code_fingerprint(*ROW_MAKING_PACKAGES)}
    return json.dumps(context, sort_keys=True, default=str)
