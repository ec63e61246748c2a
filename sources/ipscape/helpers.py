"""The ipSCAPE HTTP client, the filter parameters, and the per-record helpers."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from dlt.sources.helpers.rest_client.auth import BearerTokenAuth

from sources.common.arrow_pages import ArrowPagesClient, PageShape, ParsedPage
from sources.common.rate_limiter import RateLimiter
from sources.common.rest import CheckedRESTClient, SharedHttp, json_of
from sources.common.stored_pages import StoredPages
from sources.common.timestamps import (
    BadRecordError,
    format_filter_timestamp,
    parse_vendor_timestamp,
)
from sources.ipscape.paginators import ApiRootLinkPaginator, CampaignPagePaginator
from sources.ipscape.settings import CAMPAIGNS_PATH, CAMPAIGNS_PER_PAGE


class IpscapeClient:
    """The ipSCAPE API of one run: bearer token, base URL at the `/platform-api` root.

    Concurrent window walks and lead reads each get their own RESTClient (one HTTP
    session per thread); all share one rate limiter when the tenant has a limit, and
    `concurrency` slots: never more requests in flight at once, whichever feeds run.
    """

    def __init__(
        self,
        base_url: str,
        api_token: str,
        timezone: str,
        limiter: RateLimiter | None = None,
        concurrency: int = 1,
    ) -> None:
        self.api_root = base_url.rstrip("/")
        self.timezone = timezone
        self._auth = BearerTokenAuth(api_token)
        self._limiter = limiter
        self._in_flight = threading.BoundedSemaphore(concurrency)
        self._http = SharedHttp()
        self._rest = self._client()
        self._local = threading.local()

    def _client(self, shape: PageShape | None = None) -> CheckedRESTClient:
        settings = {
            "base_url": self.api_root,
            "auth": self._auth,
            "limiter": self._limiter,
            "in_flight": self._in_flight,
        }
        settings |= self._http.client_settings()
        if shape is None:
            return CheckedRESTClient(**settings)
        return ArrowPagesClient(**settings, shape=shape)

    def window_pages(
        self,
        path: str,
        shape: PageShape,
        params: dict[str, Any] | None = None,
        stored_pages: StoredPages | None = None,
    ) -> Iterator[ParsedPage]:
        """Pages of a cursor feed parsed to Arrow, following `metadata.nextUri`; pages
        `stored_pages` knows as served before come unparsed. Each thread keeps its
        client (and its open connection) across windows, one walk at a time."""
        clients = self._local.__dict__.setdefault("arrow_clients", {})
        if shape not in clients:
            clients[shape] = self._client(shape)
        clients[shape].stored_pages = stored_pages
        for page in clients[shape].paginate(
            path,
            params=params,
            paginator=ApiRootLinkPaginator(self.api_root),
            data_selector=shape.data_key,
        ):
            yield page[0]

    def pages(self, path: str, params: dict[str, Any] | None = None) -> Iterator[list[dict]]:
        """Pages of `items` from a cursor feed, following `metadata.nextUri`."""
        yield from self._rest.paginate(
            path,
            params=params,
            paginator=ApiRootLinkPaginator(self.api_root),
            data_selector="items",
        )

    def campaign_pages(self) -> Iterator[list[dict]]:
        """Pages of campaigns, by page number."""
        yield from self._rest.paginate(
            CAMPAIGNS_PATH,
            params={"perPage": CAMPAIGNS_PER_PAGE},
            paginator=CampaignPagePaginator(CAMPAIGNS_PER_PAGE),
            data_selector="data",
        )

    def get_one(self, path: str) -> dict | None:
        """One item by id; None when the vendor answers 404 (deleted since).
        Thread-safe: each thread reads with its own client."""
        rest = getattr(self._local, "rest", None)
        if rest is None:
            rest = self._local.rest = self._client()
        response = rest.get(path)
        if response.status_code == 404:
            return None
        response.raise_for_status()
        return json_of(response)

    def get_many(self, paths: list[str], concurrency: int) -> Iterator[dict]:
        """Items by id, `concurrency` requests at a time, in the order of `paths`;
        items the vendor no longer has are left out."""
        if concurrency <= 1:
            found = (self.get_one(path) for path in paths)
            yield from (item for item in found if item)
            return
        with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="get") as pool:
            yield from (item for item in pool.map(self.get_one, paths) if item)


def window_params(prefix: str, start: datetime, end: datetime | None = None) -> dict[str, str]:
    """`<prefix>From` / `<prefix>To` filter params (both inclusive), in UTC with `Z`."""
    params = {f"{prefix}From": format_filter_timestamp(start)}
    if end is not None:
        params[f"{prefix}To"] = format_filter_timestamp(end)
    return params


def normalize_timestamps(
    record: dict,
    timestamps: dict | None,
    resource: str,
    record_id: object,
    zone: str,
    path: str = "timestamps",
    fields: tuple[str, ...] | None = None,
) -> None:
    """Parse the values of a `timestamps` object (or only `fields` of the object at
    `path`) in place into aware UTC datetimes."""
    if not timestamps:
        return
    parsed = {}
    for field, value in timestamps.items():
        if value is None or isinstance(value, datetime) or (fields and field not in fields):
            continue
        try:
            parsed[field] = parse_vendor_timestamp(value, zone)
        except (TypeError, ValueError) as error:
            raise BadRecordError(
                resource, record_id, f"{path}.{field}", f"is not a timestamp: {value!r}"
            ) from error
    timestamps.update(parsed)  # only once every value parsed: a bad record stays as sent


def require(record: dict, field: str, resource: str, record_id: object) -> Any:
    """A field the record cannot be loaded without (a key or a cursor)."""
    value = record.get(field)
    if value is None:
        raise BadRecordError(resource, record_id, field, "is missing")
    return value
