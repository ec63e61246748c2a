"""Reading a cursor feed request's query parameters into a FeedQuery (or a 400)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from simulator.ipscape.cursor import FeedQuery, InvalidCursor
from simulator.ipscape.timestamps import parse_filter_timestamp


class NoPage(Enum):
    """How a feed says there is no next / previous page."""

    NULL = None
    EMPTY = ""
    ABSENT = "absent"


@dataclass(frozen=True)
class CursorEndpoint:
    """Facts of one cursor-paged ipSCAPE resource."""

    feed: str  # world feed name
    path: str  # below the API root
    time_params: tuple[str, str] | None = None  # (From, To), inclusive
    int_params: tuple[str, ...] = ()
    text_params: tuple[str, ...] = ()
    bool_params: tuple[str, ...] = ()
    uri_root: str = ""  # written before `path` in nextUri / previousUri
    no_page: NoPage = NoPage.NULL

    @property
    def filter_params(self) -> tuple[str, ...]:
        """The equality filters it accepts."""
        return self.int_params + self.text_params + self.bool_params


class BadParameter(ValueError):
    """A query parameter this API would answer with HTTP 400."""

    def __init__(self, name: str, value: str) -> None:
        super().__init__(f"Invalid value for parameter '{name}': {value!r}")
        self.name = name


def feed_query(endpoint: CursorEndpoint, params: Mapping[str, str]) -> FeedQuery:
    """The query of a request: the cursor alone when given, else the filter parameters.
    Empty parameters are ignored; raises BadParameter."""
    cursor = params.get("cursor")
    if cursor:
        try:
            query = FeedQuery.from_cursor(cursor)
        except InvalidCursor as error:
            raise BadParameter("cursor", cursor) from error
        if not {name for name, _ in query.equals} <= set(endpoint.filter_params):
            raise BadParameter("cursor", cursor)  # a cursor of another feed
        return query
    equals: list[tuple[str, Any]] = []
    for name in endpoint.int_params:
        if params.get(name):
            equals.append((name, _integer(name, params[name])))
    equals += [(name, params[name]) for name in endpoint.text_params if params.get(name)]
    for name in endpoint.bool_params:
        if params.get(name):
            equals.append((name, _boolean(name, params[name])))
    bounds: list[float | None] = [None, None]
    for position, name in enumerate(endpoint.time_params or ()):
        if params.get(name):
            try:
                bounds[position] = parse_filter_timestamp(params[name])
            except ValueError as error:
                raise BadParameter(name, params[name]) from error
    return FeedQuery(equals=tuple(equals), time_from=bounds[0], time_to=bounds[1])


def _integer(name: str, text: str) -> int:
    try:
        return int(text)
    except ValueError as error:
        raise BadParameter(name, text) from error


def _boolean(name: str, text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    raise BadParameter(name, text)
