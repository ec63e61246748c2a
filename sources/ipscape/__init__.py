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
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import dlt
from dlt.sources import DltResource

from sources.common.quarantine import Quarantine
from sources.common.timestamps import backfill_start
from sources.ipscape import columns
from sources.ipscape.helpers import IpscapeClient, window_params
from sources.ipscape.records import (
    check_campaign,
    check_user,
    fix_activity,
    fix_attempt,
    fix_lead,
    fix_lead_list,
    fixed_pages,
)
from sources.ipscape.settings import (
    ACTIVITIES_CURSOR,
    ACTIVITIES_FILTER,
    ACTIVITIES_PATH,
    DEFAULT_BACKFILL_DAYS,
    DEFAULT_LAG_DAYS,
    DEFAULT_TIMEZONE,
    DIALLER_ATTEMPTS_CURSOR,
    DIALLER_ATTEMPTS_FILTER,
    DIALLER_ATTEMPTS_PATH,
    LEAD_LISTS_PATH,
    LEAD_PATH,
    LEADS_CURSOR,
    LEADS_FILTER,
    LEADS_PATH,
    USERS_PATH,
)

SECONDS_PER_DAY = 86_400


@dlt.source(name="ipscape", section="ipscape")
def ipscape(
    base_url: str = dlt.config.value,
    api_token: str = dlt.secrets.value,
    timezone: str = DEFAULT_TIMEZONE,
    start_date: str | None = None,
    lag_days: float = DEFAULT_LAG_DAYS,
) -> list[DltResource]:
    """All ipSCAPE feeds the warehouse reads.

    Args:
        base_url: API root including `/platform-api`, e.g. `https://acme.ipscape.com.au/platform-api`.
        api_token: API token, sent as a bearer token. Secret.
        timezone: Zone of campaigns that carry no `timezone` of their own, and of a date-only
            `start_date`.
        start_date: First backfill start (`YYYY-MM-DD`, local midnight); default 30 days ago.
        lag_days: Days re-read back from the newest loaded record, for late updates.
    """
    client = IpscapeClient(base_url, api_token, timezone)
    quarantine = Quarantine()
    initial = backfill_start(start_date, timezone, DEFAULT_BACKFILL_DAYS)
    lag_seconds = lag_days * SECONDS_PER_DAY
    # Cursors keep no boundary hashes (primary_key=()): the merge on the table's key
    # already drops re-read records, and the raw item has no flattened key to hash.

    def dialler_attempts(
        dialled: dlt.sources.incremental[datetime] = dlt.sources.incremental(
            DIALLER_ATTEMPTS_CURSOR, initial_value=initial, lag=lag_seconds, primary_key=()
        ),
    ) -> Iterator[list[dict]]:
        params = window_params(DIALLER_ATTEMPTS_FILTER, dialled.start_value)
        yield from fixed_pages(
            client.pages(DIALLER_ATTEMPTS_PATH, params), fix_attempt, timezone, quarantine
        )

    def activities(
        created: dlt.sources.incremental[datetime] = dlt.sources.incremental(
            ACTIVITIES_CURSOR, initial_value=initial, lag=lag_seconds, primary_key=()
        ),
    ) -> Iterator[list[dict]]:
        params = window_params(ACTIVITIES_FILTER, created.start_value)
        yield from fixed_pages(
            client.pages(ACTIVITIES_PATH, params), fix_activity, timezone, quarantine
        )

    def leads(
        created: dlt.sources.incremental[datetime] = dlt.sources.incremental(
            LEADS_CURSOR, initial_value=initial, lag=lag_seconds, primary_key=()
        ),
    ) -> Iterator[list[dict]]:
        params = window_params(LEADS_FILTER, created.start_value)
        yield from fixed_pages(client.pages(LEADS_PATH, params), fix_lead, timezone, quarantine)

    def lead_refresh(attempts: list[dict]) -> Iterator[list[dict]]:
        """Re-read the leads the attempts of this run touched (one GET per lead)."""
        wanted = {a["leadId"] for a in attempts if a.get("leadId") is not None} - refreshed
        refreshed.update(wanted)
        leads = (client.get_one(LEAD_PATH.format(lead_id=lead_id)) for lead_id in sorted(wanted))
        yield from fixed_pages([[lead for lead in leads if lead]], fix_lead, timezone, quarantine)

    def lead_lists() -> Iterator[list[dict]]:
        yield from fixed_pages(client.pages(LEAD_LISTS_PATH), fix_lead_list, timezone, quarantine)

    def campaigns() -> Iterator[list[dict]]:
        yield from fixed_pages(client.campaign_pages(), check_campaign, timezone, quarantine)

    def users() -> Iterator[list[dict]]:
        yield from fixed_pages(client.pages(USERS_PATH), check_user, timezone, quarantine)

    refreshed: set[int] = set()
    attempts_resource = dlt.resource(
        dialler_attempts,
        name="dialler_attempts",
        primary_key="attempt_id",
        write_disposition="merge",
        columns=columns.DIALLER_ATTEMPTS,
    )
    merge = {"write_disposition": "merge"}
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
        attempts_resource,
        dlt.resource(
            activities,
            name="activities",
            primary_key="data__activity_id",
            columns=columns.ACTIVITIES,
            **merge,
        ),
        dlt.resource(leads, name="leads", primary_key="lead_id", columns=columns.LEADS, **merge),
        dlt.transformer(
            lead_refresh,
            data_from=attempts_resource,
            name="lead_refresh",
            table_name="leads",
            primary_key="lead_id",
            columns=columns.LEADS,
            **merge,
        ),
        quarantine.resource(),
    ]
