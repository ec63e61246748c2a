"""dlt source for Ozonetel CloudAgent's Campaign Dial Status report (by callback).

CloudAgent does not answer a report request with rows: it accepts the request (10 per
minute, one campaign each) and later POSTs the rows to a callback URL. Each run:
1. archives callback bodies the previous run loaded (their state is committed);
2. starts the callback receiver on `callback_listen` (unless an external
   `dialer-warehouse callbacks serve` lands into the same folder);
3. per campaign, requests the rows updated since its last completed window
   (`sortby=2`), through a 10-per-minute limiter and one cached token;
4. waits up to `callback_wait_seconds` for those callbacks;
5. loads every landed body not yet loaded (late ones from earlier runs too): rows to
   `dial_status`, one summary per body to `callbacks`. A window is completed when its
   callback is loaded.

Grain of `dial_status`: one row per version of a lead's state, keyed by (campaign_name,
lead_key, last_dialed_time, updated_date): a re-delivered or overlapping row collapses
onto its key, and a late, older callback cannot overwrite a newer version (the
transforms take the latest updatedDate per dial).
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import dlt
import pendulum
from dlt.common import logger
from dlt.sources import DltResource
from dlt.sources.helpers import requests as retrying_requests

from sources.cloudagent import columns
from sources.cloudagent.callbacks import ParsedCallback, parse_callback
from sources.cloudagent.client import CloudAgentClient, VendorError
from sources.cloudagent.landing import CallbackLanding
from sources.cloudagent.records import shaped_row
from sources.cloudagent.settings import (
    CAMPAIGN_ERRORS,
    DEFAULT_BACKFILL_DAYS,
    DEFAULT_CALLBACK_WAIT_SECONDS,
    DEFAULT_LAG_MINUTES,
    DEFAULT_TIMEZONE,
    DIAL_STATUS_REQUESTS_PER_MINUTE,
)
from sources.cloudagent.windows import WindowBook
from sources.common.config_errors import SourceConfigError
from sources.common.quarantine import Quarantine
from sources.common.rate_limiter import RateLimiter
from sources.common.timestamps import BadRecordError, backfill_start

POLL_SECONDS = 0.05


@dlt.source(name="cloudagent", section="cloudagent")
def cloudagent(
    base_url: str = dlt.config.value,
    api_key: str = dlt.secrets.value,
    user_name: str = dlt.config.value,
    campaigns: Any = dlt.config.value,
    callback_secret: str = dlt.secrets.value,
    callback_listen: str | None = None,
    callback_public_url: str | None = None,
    callback_wait_seconds: float = DEFAULT_CALLBACK_WAIT_SECONDS,
    timezone: str = DEFAULT_TIMEZONE,
    start_date: str | None = None,
    lag_minutes: float = DEFAULT_LAG_MINUTES,
    landing_dir: str | None = None,
    problems: Any = None,
    limiter: Any = None,
    clock: Any = None,
) -> list[DltResource]:
    """The Campaign Dial Status feed of one CloudAgent account.

    Args:
        base_url: API host, e.g. `https://in1-ccaas-api.ozonetel.com`.
        api_key: Account API key (header `apiKey`). Secret.
        user_name: Account user name.
        campaigns: Campaign names to read (a list, or a JSON list / comma-separated text).
        callback_secret: Per-deployment token that must end the callback URL. Secret.
        callback_listen: `host:port` the receiver listens on during the run; unset when an
            external `dialer-warehouse callbacks serve` receives the callbacks.
        callback_public_url: URL the vendor can reach, ending in `/cloudagent/callback`;
            default `http://<callback_listen>/cloudagent/callback`.
        callback_wait_seconds: How long a run waits for this run's callbacks.
        timezone: The account zone of CloudAgent's naive times.
        start_date: First window start (`YYYY-MM-DD`, local midnight); default 30 days ago.
        lag_minutes: Overlap of each window with the previous completed one.
        landing_dir: Folder of landed callback bodies (the job passes the warehouse's).
        problems: A list the source appends per-campaign refusals to (set by the job).
        limiter: Rate limiter of dial-status requests (tests pass one on a fake clock).
        clock: `() -> aware datetime`, the vendor's "now" (tests pass the simulator's).
    """
    campaign_names = _campaign_list(campaigns)
    landing = CallbackLanding(Path(landing_dir))
    limiter = limiter or RateLimiter(DIAL_STATUS_REQUESTS_PER_MINUTE, 60.0)
    clock = clock or (lambda: datetime.now(UTC))
    problems = problems if problems is not None else []
    client = CloudAgentClient(base_url, api_key, user_name, limiter)
    quarantine = Quarantine()
    start = backfill_start(start_date, timezone, DEFAULT_BACKFILL_DAYS)
    if not (callback_public_url or callback_listen):
        raise SourceConfigError(
            "set SOURCES__CLOUDAGENT__CALLBACK_PUBLIC_URL or SOURCES__CLOUDAGENT__CALLBACK_LISTEN"
        )

    collected: list[tuple[ParsedCallback, list[dict]]] = []

    def night() -> list[tuple[ParsedCallback, list[dict]]]:
        """Request, wait and read the landed callbacks, once for both resources."""
        if collected:
            return collected
        state = dlt.current.source_state().setdefault("dial_status_windows", {})
        book = WindowBook(state)
        landing.archive(state.get("loaded_files", []))
        state["loaded_files"] = []
        now = clock()
        book.forget_stale(now)
        with _receiver(callback_listen, landing, callback_secret) as listening_url:
            public_url = callback_public_url or listening_url
            callback_url = f"{public_url.rstrip('/')}/{callback_secret}"
            lag = timedelta(minutes=lag_minutes)
            requested = _request_windows(
                client, book, campaign_names, start, now, timezone, lag, callback_url, problems
            )
            _wait_for(landing, requested, callback_wait_seconds)
        for parsed in (parse_callback(c, retrying_requests.get) for c in landing.pending()):
            callback = parsed.callback
            rows = []
            for row in parsed.rows:
                try:
                    rows.append(
                        shaped_row(
                            row,
                            parsed.campaign_name,
                            callback.unique_id,
                            callback.received_at,
                            timezone,
                        )
                    )
                except BadRecordError as error:
                    quarantine.add(error, row)
            collected.append((parsed, rows))
            if parsed.error:
                logger.warning(f"cloudagent: callback {callback.path.name}: {parsed.error}")
            if not parsed.retry_later:
                state["loaded_files"].append(callback.path.name)
                book.loaded(callback.unique_id)
        collected.append((None, []))  # marks the night as read, even with no callbacks
        return collected

    def dial_status() -> Iterator[list[dict]]:
        for _, rows in night():
            if rows:
                yield rows

    def callbacks() -> Iterator[list[dict]]:
        yield [_callback_summary(parsed, rows) for parsed, rows in night() if parsed]

    return [
        dlt.resource(
            dial_status,
            name="dial_status",
            write_disposition="merge",
            primary_key=["campaign_name", "lead_key", "last_dialed_time", "updated_date"],
            columns=columns.DIAL_STATUS,
        ),
        dlt.resource(
            callbacks,
            name="callbacks",
            write_disposition="merge",
            primary_key="callback_file",
            columns=columns.CALLBACKS,
        ),
        quarantine.resource(),
    ]


def _callback_summary(parsed: ParsedCallback, rows: list[dict]) -> dict:
    """One landed body: what it was and what came of it (`parse_error` NULL when read)."""
    callback = parsed.callback
    return {
        "callback_file": callback.path.name,
        "unique_id": callback.unique_id,
        "campaign_name": parsed.campaign_name,
        "received_at": callback.received_at,
        "content_type": callback.content_type,
        "row_count": len(rows),
        "parse_error": parsed.error,
    }


def _request_windows(
    client: CloudAgentClient,
    book: WindowBook,
    campaigns: list[str],
    start: datetime,
    now: datetime,
    zone: str,
    lag: timedelta,
    callback_url: str,
    problems: list[str],
) -> set[str]:
    """One dial-status request per campaign; a campaign the vendor refuses is reported
    in `problems` and skipped, an account-level refusal stops the run."""
    requested = set()
    for campaign in campaigns:
        window_from = book.window_start(campaign, start, lag)
        try:
            unique_id = client.request_dial_status(
                campaign, _local(window_from, zone), _local(now, zone), callback_url
            )
        except VendorError as error:
            if error.message in CAMPAIGN_ERRORS:
                problems.append(f"campaign {campaign!r} refused by CloudAgent: {error.message}")
                continue
            raise
        book.requested(unique_id, campaign, now, now)
        requested.add(unique_id)
    return requested


def _wait_for(landing: CallbackLanding, unique_ids: set[str], timeout_seconds: float) -> None:
    """Until every requested callback has landed, or the timeout (late ones load next run)."""
    deadline = time.monotonic() + timeout_seconds
    while unique_ids - landing.landed_unique_ids() and time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)


@contextlib.contextmanager
def _receiver(listen: str | None, landing: CallbackLanding, secret: str) -> Iterator[str | None]:
    """The embedded receiver for the run, if `listen` is set; yields its callback URL
    (with the port actually bound, so `host:0` picks a free one)."""
    if not listen:
        yield None
        return
    # uvicorn and Starlette are imported only when a receiver starts: every run imports
    # this package (its errors are explained by name), most never serve a callback
    from sources.cloudagent.receiver import CALLBACK_PATH, callback_app
    from sources.common.background_server import BackgroundServer

    host, _, port = listen.rpartition(":")
    host = host or "127.0.0.1"
    with BackgroundServer(callback_app(landing, secret), host, int(port)) as server:
        yield f"http://{host}:{server.port}{CALLBACK_PATH}"


def _local(moment: datetime, zone: str) -> datetime:
    """An instant as naive wall time in the account zone (what CloudAgent reads)."""
    return pendulum.instance(moment).in_timezone(zone).naive()


def _campaign_list(campaigns: Any) -> list[str]:
    if isinstance(campaigns, str):
        text = campaigns.strip()
        campaigns = json.loads(text) if text.startswith("[") else text.split(",")
    names = [str(name).strip() for name in campaigns or [] if str(name).strip()]
    if not names:
        raise SourceConfigError("no campaigns configured (SOURCES__CLOUDAGENT__CAMPAIGNS)")
    return names
