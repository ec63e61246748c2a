"""Reading the query parameters of the two paged endpoints (or a 400)."""

from __future__ import annotations

import math
from collections.abc import Mapping

from simulator.qvoice.keys import HistoryQuery, InvalidKey, LeadsQuery

HISTORY_KEY_PARAMS = ("start_key", "startKey")  # the seed spells it startKey


class BadRequest(ValueError):
    """A request the vendor answers with HTTP 400 "The information sent is invalid."."""


def history_query(params: Mapping[str, str]) -> HistoryQuery:
    """The window and position of a history request: the key alone when one is sent (it
    carries the window), else `startDate` / `endDate` (unix seconds, both required,
    both inclusive)."""
    key = next((params[name] for name in HISTORY_KEY_PARAMS if params.get(name)), None)
    if key:
        try:
            return HistoryQuery.from_key(key)
        except InvalidKey as error:
            raise BadRequest(f"invalid start key {key!r}") from error
    start = _unix_seconds(params, "startDate")
    end = _unix_seconds(params, "endDate")
    # timestamps are whole seconds: [ceil(start), floor(end)] holds the same rows
    return HistoryQuery(math.ceil(start), math.floor(end))


def leads_query(campaign_id: str, params: Mapping[str, str]) -> LeadsQuery:
    """The position of a campaign leads request (`next_start_key`, else the start)."""
    key = params.get("next_start_key")
    if not key:
        return LeadsQuery(campaign_id)
    try:
        query = LeadsQuery.from_key(key)
    except InvalidKey as error:
        raise BadRequest(f"invalid next_start_key {key!r}") from error
    if query.campaign_id != campaign_id:
        raise BadRequest("next_start_key of another campaign")
    return query


def page_size(params: Mapping[str, str], name: str, server_max: int) -> int:
    """The requested page size capped to the server's; the server's when not sent."""
    text = params.get(name)
    if not text:
        return server_max
    try:
        size = int(text)
    except ValueError as error:
        raise BadRequest(f"{name} is not a whole number") from error
    if size < 1:
        raise BadRequest(f"{name} must be at least 1")
    return min(size, server_max)


def _unix_seconds(params: Mapping[str, str], name: str) -> float:
    text = params.get(name)
    if not text:
        raise BadRequest(f"{name} is required")
    try:
        value = float(text)
    except ValueError as error:
        raise BadRequest(f"{name} is not a unix timestamp") from error
    if not math.isfinite(value):
        raise BadRequest(f"{name} is not a unix timestamp")
    return value
