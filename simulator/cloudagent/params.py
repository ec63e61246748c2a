"""Reading a dial status request body into a ReportQuery, or the vendor's error message.

Checks run in the vendor's order: apiKey, userName, credentials and token
(`Authentication failed`), campaignName, callBackUrl, then the report parameters. The
last ones have no documented error; the simulator names the field (`sortby is invalid`,
...), see the "As built" notes of docs/dev/cloudagent-simulator-data.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from simulator.cloudagent.catalog import CAMPAIGNS_BY_NAME
from simulator.cloudagent.report import SORT_ALL, SORT_CREATED, SORT_UPDATED, ReportQuery
from simulator.cloudagent.times import parse_wall_time
from simulator.cloudagent.vocabulary import DIAL_STATUSES, LEAD_STATUSES

CAMPAIGN_NAME_INVALID = "campaignName is invalid"
CALLBACK_URL_INVALID = (
    "callBackUrl cannot be empty (OR) it should contain 'http://test.com/' or 'https://test.com/"
)
TOO_MANY_REQUESTS = "too many requests"
ALL = "all"


class InvalidRequest(ValueError):
    """A request answered with `{"status": "error", "message": str(error)}`."""


def callback_url(body: Mapping[str, Any]) -> str:
    """The `callBackUrl`: an absolute http(s) URL."""
    url = body.get("callBackUrl")
    if not isinstance(url, str) or not url.strip():
        raise InvalidRequest(CALLBACK_URL_INVALID)
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidRequest(CALLBACK_URL_INVALID)
    return url.strip()


def report_query(body: Mapping[str, Any], zone: ZoneInfo) -> ReportQuery:
    """The campaign and filters of a request (its account and token already checked)."""
    campaign_name = body.get("campaignName")
    if not isinstance(campaign_name, str) or campaign_name not in CAMPAIGNS_BY_NAME:
        raise InvalidRequest(CAMPAIGN_NAME_INVALID)
    callback_url(body)
    sortby = _sortby(body.get("sortby"))
    from_time = to_time = 0
    if sortby != SORT_ALL:
        from_time = _wall_time(body, "fromDate", zone)
        to_time = _wall_time(body, "toDate", zone)
    return ReportQuery(
        campaign_name=campaign_name,
        sortby=sortby,
        from_time=from_time,
        to_time=to_time,
        status=_choice(body, "status", LEAD_STATUSES),
        dial_status=_choice(body, "dialstatus", DIAL_STATUSES),
        dispositions=_dispositions(body.get("dispositions")),
    )


def _sortby(value: Any) -> int:
    """0, 1 or 2, sent as a number or as digits."""
    text = str(value).strip() if isinstance(value, int | str) else ""
    if text not in {str(SORT_ALL), str(SORT_CREATED), str(SORT_UPDATED)}:
        raise InvalidRequest("sortby is invalid")
    return int(text)


def _wall_time(body: Mapping[str, Any], name: str, zone: ZoneInfo) -> int:
    value = body.get(name)
    try:
        if not isinstance(value, str):
            raise ValueError(name)
        return parse_wall_time(value.strip(), zone)
    except ValueError as error:
        raise InvalidRequest(f"{name} is invalid") from error


def _choice(body: Mapping[str, Any], name: str, options: tuple[str, ...]) -> str | None:
    """None for `All` (any case), else the option spelled as the rows spell it."""
    value = body.get(name)
    text = value.strip().casefold() if isinstance(value, str) else ""
    if text == ALL:
        return None
    by_folded = {option.casefold(): option for option in options}
    if text not in by_folded:
        raise InvalidRequest(f"{name} is invalid")
    return by_folded[text]


def _dispositions(value: Any) -> frozenset[str] | None:
    """None for `ALL` (any case), else the comma-separated dispositions, case-folded."""
    wanted = (
        frozenset(part.strip().casefold() for part in value.split(",") if part.strip())
        if isinstance(value, str)
        else frozenset()
    )
    if not wanted:
        raise InvalidRequest("dispositions is invalid")
    return None if ALL in wanted else wanted
