"""dlt source for the contact-center Campaigns API v2 (QVoice / FonoUC platforms).

Resources and grains (one row per ...):
- `leads_history`: dial (`history_key`: `call_id`, else timestamp|lead_number|campaign),
  incremental on `timestamp` (unix s) with a lag window, merged on the key. Its range
  is cut into time windows walked `concurrency` at a time (`sources.common.windows`);
  dlt's incremental sees every row either way, so it keeps the state one walk leaves.
- `campaigns_status`: campaign per run, a snapshot stamped `snapshot_at` (appended).
- `campaign_leads`: lead version: every run reads every campaign's leads in full and
  dlt's `scd2` keeps the history (`_dlt_valid_from` / `_dlt_valid_to`); a lead that
  leaves its campaign is retired, not deleted.
- `queues_status`: queue per run, with its agents, stamped `snapshot_at` (appended).

`snapshot_at` and the scd2 validity boundary are the vendor's time of the status
report (its HTTP `Date`), so every snapshot of one run shares one timestamp.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import dlt
from dlt.sources import DltResource

from sources.common.config_errors import check_window_settings
from sources.common.quarantine import Quarantine
from sources.common.timestamps import backfill_start
from sources.qvoice import columns
from sources.qvoice.auth import QVoiceLogin
from sources.qvoice.helpers import QVoiceClient
from sources.qvoice.records import (
    campaign_status_rows,
    checked_campaign_leads,
    keyed_history_rows,
    queue_rows,
)
from sources.qvoice.settings import (
    CAMPAIGNS_STATUS_PATH,
    DEFAULT_BACKFILL_DAYS,
    DEFAULT_CONCURRENCY,
    DEFAULT_LAG_DAYS,
    DEFAULT_PAGE_SIZE,
    DEFAULT_TIMEZONE,
    DEFAULT_WINDOW_DAYS,
    HISTORY_CURSOR,
    QUEUES_STATUS_PATH,
)

SECONDS_PER_DAY = 86_400


@dlt.source(name="qvoice", section="qvoice")
def qvoice(
    base_url: str = dlt.config.value,
    username: str = dlt.secrets.value,
    password: str = dlt.secrets.value,
    domain: str = dlt.secrets.value,
    account_id: str = dlt.config.value,
    timezone: str = DEFAULT_TIMEZONE,
    start_date: str | None = None,
    lag_days: float = DEFAULT_LAG_DAYS,
    page_size: int = DEFAULT_PAGE_SIZE,
    concurrency: int = DEFAULT_CONCURRENCY,
    window_days: float = DEFAULT_WINDOW_DAYS,
) -> list[DltResource]:
    """All Campaigns API v2 feeds the warehouse reads.

    Args:
        base_url: Portal URL, e.g. `https://portal.example.com:9443`.
        username: Login user. Secret.
        password: Login password. Secret.
        domain: Login domain (tenant). Secret.
        account_id: Sent as `X-Account-ID` on every call.
        timezone: Reporting zone of QVoice campaigns, and of a date-only `start_date`.
        start_date: First backfill start (`YYYY-MM-DD`, local midnight); default 30 days ago.
        lag_days: Days re-read back from the newest loaded dial, for late dispositions.
        page_size: Rows asked for per page (the server may send fewer).
        concurrency: Requests in flight at once (the history's time windows); 1: the
            history is one sequential walk.
        window_days: Shortest time window the history's range is cut into.
    """
    check_window_settings("qvoice", concurrency, window_days)
    auth = QVoiceLogin(base_url, username, password, domain, account_id)
    client = QVoiceClient(base_url, auth, page_size, concurrency)
    quarantine = Quarantine()
    initial = backfill_start(start_date, timezone, DEFAULT_BACKFILL_DAYS)
    initial_unix = int(initial.timestamp())
    # the status report is read first: its time stamps every snapshot of this run
    status_report, snapshot_at = client.snapshot(CAMPAIGNS_STATUS_PATH)

    def leads_history(
        dialled: dlt.sources.incremental[int] = dlt.sources.incremental(
            HISTORY_CURSOR,
            initial_value=initial_unix,
            lag=lag_days * SECONDS_PER_DAY,
            primary_key=(),
        ),
    ) -> Iterator[list[dict]]:
        start = datetime.fromtimestamp(int(dialled.start_value), UTC)
        pages = client.history_pages(start, timedelta(days=window_days))
        yield from keyed_history_rows(pages, quarantine)

    def campaigns_status() -> Iterator[list[dict]]:
        yield campaign_status_rows(status_report, snapshot_at)

    def campaign_leads(campaigns: list[dict]) -> Iterator[list[dict]]:
        for campaign in campaigns:
            for page in client.campaign_lead_pages(campaign["campaign_id"]):
                yield checked_campaign_leads(page, quarantine)

    def queues_status() -> Iterator[list[dict]]:
        report, queues_at = client.snapshot(QUEUES_STATUS_PATH)
        yield queue_rows(report, queues_at)

    status_resource = dlt.resource(
        campaigns_status,
        name="campaigns_status",
        write_disposition="append",
        columns=columns.CAMPAIGNS_STATUS,
    )
    return [
        dlt.resource(
            leads_history,
            name="leads_history",
            primary_key="history_key",
            write_disposition="merge",
            columns=columns.LEADS_HISTORY,
        ),
        status_resource,
        dlt.transformer(
            campaign_leads,
            data_from=status_resource,
            name="campaign_leads",
            write_disposition={
                "disposition": "merge",
                "strategy": "scd2",
                "boundary_timestamp": snapshot_at,
            },
            columns=columns.CAMPAIGN_LEADS,
        ),
        dlt.resource(
            queues_status,
            name="queues_status",
            write_disposition="append",
            columns=columns.QUEUES_STATUS,
        ),
        quarantine.resource(),
    ]
