"""dlt source for the ipSCAPE Platform API v3.0.

Resources and grains (one row per ...):
- `dialler_attempts`: dial attempt (`attemptId`), incremental on `timestamps.dialled`.
- `activities`: activity (`data.activityId`), incremental on `data.timestamps.created`.
- `leads`: lead (`leadId`), incremental on `timestamps.created`; leads touched by the
  attempts read in this run are re-read one by one (their status moved on).
- `lead_lists`, `campaigns`, `users`: small lists, re-read and merged every run.

Incremental feeds re-read a lag window (default 2 days) back from the newest cursor
already loaded, so late hang-ups and wrap-ups are picked up; merge on the primary key
keeps a re-read record from being duplicated. Timestamps are stored in UTC.

The three cursor feeds are read as Arrow tables (`sources.common.arrow_pages`), their
range cut into windows of `window_days` fetched concurrently (`sources.common.windows`),
all three at once (`cursor_feeds`); whatever runs, the source never has more than
`concurrency` requests in flight. With `concurrency = 1` a feed is one sequential walk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import dlt
from dlt.sources import DltResource

from sources.common.arrow_feed import Batch, fixed_records, flat_record
from sources.common.config_errors import check_window_settings
from sources.common.quarantine import Quarantine
from sources.common.rate_limiter import RateLimiter
from sources.common.seen_keys import SeenKeys
from sources.common.stored_rows import StoredRows, tables_holding_rows
from sources.common.timestamps import backfill_start
from sources.ipscape import columns
from sources.ipscape.cursor_feeds import CursorFeeds, Position
from sources.ipscape.feeds import ACTIVITIES, DIALLER_ATTEMPTS, LEADS
from sources.ipscape.helpers import IpscapeClient
from sources.ipscape.records import check_campaign, check_user, fix_lead, fix_lead_list, fixed_pages
from sources.ipscape.settings import (
    DEFAULT_BACKFILL_DAYS,
    DEFAULT_CONCURRENCY,
    DEFAULT_LAG_DAYS,
    DEFAULT_TIMEZONE,
    DEFAULT_WINDOW_DAYS,
    LEAD_LISTS_PATH,
    LEAD_PATH,
    USERS_PATH,
)
from sources.ipscape.touched_leads import TouchedLeads, lead_ids_dialled_after

SECONDS_PER_DAY = 86_400
ONCE_A_RUN_TABLES = ("leads", "dialler_attempts", "activities")
SECONDS_PER_MINUTE = 60.0


@dlt.source(name="ipscape", section="ipscape")
def ipscape(
    base_url: str = dlt.config.value,
    api_token: str = dlt.secrets.value,
    timezone: str = DEFAULT_TIMEZONE,
    start_date: str | None = None,
    lag_days: float = DEFAULT_LAG_DAYS,
    concurrency: int = DEFAULT_CONCURRENCY,
    window_days: float = DEFAULT_WINDOW_DAYS,
    max_requests_per_minute: int | None = None,
    warehouse: str | None = None,
    warehouse_dataset: str = "ipscape_raw",
    landing_dir: str | None = None,
    closers: list[Callable[[], None]] | None = None,
) -> list[DltResource]:
    """All ipSCAPE feeds the warehouse reads.

    Args:
        base_url: API root including `/platform-api`, e.g. `https://acme.ipscape.com.au/platform-api`.
        api_token: API token, sent as a bearer token. Secret.
        timezone: Zone of campaigns that carry no `timezone` of their own, and of a date-only
            `start_date`.
        start_date: First backfill start (`YYYY-MM-DD`, local midnight); default 30 days ago.
        lag_days: Days re-read back from the newest loaded record, for late updates.
        concurrency: Requests in flight at once, all feeds together (time windows of a
            feed, lead re-reads); 1 reads each feed as one sequential walk.
        window_days: Length of the time windows a feed's range is cut into.
        max_requests_per_minute: The tenant's rate limit, shared by all requests; none by
            default.
        warehouse: The DuckDB file loaded into (set by the job): re-read records its
            `warehouse_dataset` schema holds unchanged are not loaded again.
        warehouse_dataset: The schema of the raw tables in `warehouse`.
        landing_dir: Where the cursor feeds write their Parquet files until dlt imports
            them (set by the job: beside its pipelines, so dlt links them instead of
            copying); the system's temporary folder by default.
        closers: Where the source puts what must be called once the extraction is over,
            however it ended (it stops the feeds it started ahead).
    """
    check_window_settings("ipscape", concurrency, window_days)
    limiter = (
        RateLimiter(max_requests_per_minute, SECONDS_PER_MINUTE)
        if max_requests_per_minute
        else None
    )
    client = IpscapeClient(base_url, api_token, timezone, limiter, concurrency)
    quarantine = Quarantine()
    initial = backfill_start(start_date, timezone, DEFAULT_BACKFILL_DAYS)
    lag_seconds = lag_days * SECONDS_PER_DAY
    window = timedelta(days=window_days)
    # keys yielded this run, per table: each record is yielded once (see SeenKeys);
    # a lead read by the leads feed is current already and is not re-read
    seen = {table: SeenKeys() for table in ONCE_A_RUN_TABLES}
    leads_touched = TouchedLeads()
    stored = StoredRows(warehouse, warehouse_dataset)

    def touched_leads(position: Position) -> Callable[[Batch], None]:
        """Collects the leads of the attempts dialled after the newest loaded before."""

        def touched(batch: Batch) -> None:
            leads_touched.add(lead_ids_dialled_after(batch, position.newest))

        return touched

    cursor_feeds = CursorFeeds(
        feeds=(LEADS, DIALLER_ATTEMPTS, ACTIVITIES),
        client=client,
        zone=timezone,
        quarantine=quarantine,
        seen=seen,
        initial=initial,
        lag_seconds=lag_seconds,
        window=window,
        concurrency=concurrency,
        stored=stored,
        landing_dir=landing_dir,
        batch_observers={"dialler_attempts": touched_leads},
    )
    if closers is not None:  # the feeds first: they read through `stored`
        closers += [cursor_feeds.close, stored.close]

    # Cursors keep no boundary hashes (primary_key=()): the merge on the table's key
    # already drops re-read records.

    def leads(
        created: dlt.sources.incremental[datetime] = dlt.sources.incremental(
            LEADS.cursor, initial_value=initial, lag=lag_seconds, primary_key=()
        ),
    ) -> Iterator[object]:
        yield from cursor_feeds.dlt_items(LEADS, created)

    def dialler_attempts(
        dialled: dlt.sources.incremental[datetime] = dlt.sources.incremental(
            DIALLER_ATTEMPTS.cursor, initial_value=initial, lag=lag_seconds, primary_key=()
        ),
    ) -> Iterator[object]:
        yield from cursor_feeds.dlt_items(DIALLER_ATTEMPTS, dialled)

    def activities(
        created: dlt.sources.incremental[datetime] = dlt.sources.incremental(
            ACTIVITIES.cursor, initial_value=initial, lag=lag_seconds, primary_key=()
        ),
    ) -> Iterator[object]:
        yield from cursor_feeds.dlt_items(ACTIVITIES, created)

    def lead_refresh() -> Iterator[list[dict]]:
        """Re-read the leads that attempts new this run touched (one GET per lead);
        extracted after `dialler_attempts`, which collects them."""
        touched = sorted(leads_touched.ids)
        first = seen["leads"].first_time_of(touched)
        wanted = [lead_id for lead_id, is_first in zip(touched, first, strict=True) if is_first]
        paths = [LEAD_PATH.format(lead_id=lead_id) for lead_id in wanted]
        records = fixed_records(client.get_many(paths, concurrency), fix_lead, timezone, quarantine)
        if records:
            yield records

    def if_changed(pages: Iterator[list[dict]], table: str, key: str) -> Iterator[list[dict]]:
        """A small list, read whole every run, loaded only when a record differs from
        the row the warehouse holds (a merge of an unchanged list costs a quiet night a
        staging table and two load jobs per list)."""
        kept = [page for page in pages if page]
        records = [flat_record(record) for page in kept for record in page]
        if not stored.holds_all(records, table, key):
            yield from kept

    def lead_lists() -> Iterator[list[dict]]:
        cursor_feeds.start()
        pages = fixed_pages(client.pages(LEAD_LISTS_PATH), fix_lead_list, timezone, quarantine)
        yield from if_changed(pages, "lead_lists", "id")

    def campaigns() -> Iterator[list[dict]]:
        cursor_feeds.start()
        pages = fixed_pages(client.campaign_pages(), check_campaign, timezone, quarantine)
        yield from if_changed(pages, "campaigns", "campaign_id")

    def users() -> Iterator[list[dict]]:
        cursor_feeds.start()
        pages = fixed_pages(client.pages(USERS_PATH), check_user, timezone, quarantine)
        yield from if_changed(pages, "users", "user_id")

    merge = {"write_disposition": "merge"}
    holding_rows = tables_holding_rows(warehouse, warehouse_dataset, ONCE_A_RUN_TABLES)

    def merge_once(table: str) -> dict:
        """Each key is yielded once a run (SeenKeys): the merge need not de-duplicate; and
        a table's first load (nothing stored yet: a backfill) has nothing to merge with,
        so it is appended, saving DuckDB a staging copy and a second write of every row."""
        if table not in holding_rows:
            return {"write_disposition": "append"}
        return {"write_disposition": {"disposition": "merge", "deduplicated": True}}

    # extracted in this order (fifo): leads before the attempts whose leads are re-read,
    # the re-read after the attempts, the quarantine last
    return [
        dlt.resource(
            campaigns,
            name="campaigns",
            primary_key="campaign_id",
            columns=columns.CAMPAIGNS,
            **merge,
        ),
        dlt.resource(users, name="users", primary_key="user_id", columns=columns.USERS, **merge),
        dlt.resource(
            lead_lists, name="lead_lists", primary_key="id", columns=columns.LEAD_LISTS, **merge
        ),
        dlt.resource(
            leads, name="leads", primary_key="lead_id", columns=columns.LEADS, **merge_once("leads")
        ),
        dlt.resource(
            dialler_attempts,
            name="dialler_attempts",
            primary_key="attempt_id",
            columns=columns.DIALLER_ATTEMPTS,
            **merge_once("dialler_attempts"),
        ),
        dlt.resource(
            lead_refresh,
            name="lead_refresh",
            table_name="leads",
            primary_key="lead_id",
            columns=columns.LEADS,
            **merge_once("leads"),
        ),
        dlt.resource(
            activities,
            name="activities",
            primary_key="data__activity_id",
            columns=columns.ACTIVITIES,
            **merge_once("activities"),
        ),
        quarantine.resource(),
    ]
