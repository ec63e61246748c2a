"""The ipSCAPE HTTP client and the per-record fixes applied before loading."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from dlt.sources.helpers.rest_client.auth import BearerTokenAuth

from sources.common.rest import CheckedRESTClient, json_of
from sources.common.timestamps import (
    BadRecordError,
    format_filter_timestamp,
    parse_vendor_timestamp,
)
from sources.ipscape.paginators import ApiRootLinkPaginator, CampaignPagePaginator
from sources.ipscape.settings import CAMPAIGNS_PATH, CAMPAIGNS_PER_PAGE


class IpscapeClient:
    """One RESTClient per run: bearer token, base URL at the `/platform-api` root."""

    def __init__(self, base_url: str, api_token: str, timezone: str) -> None:
        self.api_root = base_url.rstrip("/")
        self.timezone = timezone
        self._rest = CheckedRESTClient(base_url=self.api_root, auth=BearerTokenAuth(api_token))

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
        """One item by id; None when the vendor answers 404 (deleted since)."""
        response = self._rest.get(path)
        if response.status_code == 404:
            return None
        response.raise_for_status()
        return json_of(response)


def window_params(prefix: str, start: datetime, end: datetime | None = None) -> dict[str, str]:
    """`<prefix>From` / `<prefix>To` filter params (both inclusive), in UTC with `Z`."""
    params = {f"{prefix}From": format_filter_timestamp(start)}
    if end is not None:
        params[f"{prefix}To"] = format_filter_timestamp(end)
    return params


def normalize_timestamps(
    record: dict, timestamps: dict | None, resource: str, record_id: object, zone: str
) -> None:
    """Parse every value of a `timestamps` object in place into aware UTC datetimes."""
    if not timestamps:
        return
    parsed = {}
    for field, value in timestamps.items():
        if value is None or isinstance(value, datetime):
            continue
        try:
            parsed[field] = parse_vendor_timestamp(value, zone)
        except (TypeError, ValueError) as error:
            raise BadRecordError(
                resource, record_id, f"timestamps.{field}", f"is not a timestamp: {value!r}"
            ) from error
    timestamps.update(parsed)  # only once every value parsed: a bad record stays as sent


def require(record: dict, field: str, resource: str, record_id: object) -> Any:
    """A field the record cannot be loaded without (a key or a cursor)."""
    value = record.get(field)
    if value is None:
        raise BadRecordError(resource, record_id, field, "is missing")
    return value
