"""The ipSCAPE Platform API v3.0 routes, mounted under `/platform-api`.

nextUri / previousUri are written relative to the API root (`/v3.0/...`), except the
users feed, which writes `/platform-api/v3.0/users?...` (the seed shows both spellings).
Each feed says "no page" its own way: activities null, dialler attempts by leaving the
key out, leads "", lists and users null.

Feed pages and single items are served from the world's kept JSON bytes, byte for byte
what `JSONResponse` would write; a page waits `page_delay_seconds` without holding up
other requests.
"""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route

from simulator.ipscape.auth import BearerTokenAuth
from simulator.ipscape.feeds import ACTIVITIES, DIALLER_ATTEMPTS, LEAD_LISTS, LEADS, USERS
from simulator.ipscape.params import BadParameter, CursorEndpoint, NoPage, feed_query
from simulator.ipscape.rendered import encode
from simulator.ipscape.world import IpscapeWorld, ServedPage

API_ROOT = "/platform-api"
CAMPAIGNS_PER_PAGE = 50  # default and maximum perPage

CURSOR_ENDPOINTS = (
    CursorEndpoint(
        ACTIVITIES,
        "/v3.0/activities",
        time_params=("createdTimestampFrom", "createdTimestampTo"),
        int_params=("campaignId",),
        text_params=("activityType",),
        no_page=NoPage.NULL,
    ),
    CursorEndpoint(
        DIALLER_ATTEMPTS,
        "/v3.0/calls/dialler",
        time_params=("dialledTimestampFrom", "dialledTimestampTo"),
        int_params=("campaignId", "leadId"),
        no_page=NoPage.ABSENT,
    ),
    CursorEndpoint(
        LEAD_LISTS, "/v3.0/leads/lists", int_params=("campaignId",), no_page=NoPage.NULL
    ),
    CursorEndpoint(
        LEADS,
        "/v3.0/leads",
        time_params=("uploadedTimestampFrom", "uploadedTimestampTo"),
        int_params=("campaignId", "listId"),
        no_page=NoPage.EMPTY,
    ),
    CursorEndpoint(
        USERS,
        "/v3.0/users",
        text_params=("userType",),
        bool_params=("accountActive",),
        uri_root=API_ROOT,
        no_page=NoPage.NULL,
    ),
)
# single-record endpoints: (path, path parameter, feed, name used in the 404 message)
ITEM_ENDPOINTS = (
    ("/v3.0/activities/{activityId:int}", "activityId", ACTIVITIES, "Activity"),
    ("/v3.0/calls/dialler/{attemptId:int}", "attemptId", DIALLER_ATTEMPTS, "Dialler attempt"),
    ("/v3.0/leads/lists/{listId:int}", "listId", LEAD_LISTS, "Lead list"),
    ("/v3.0/leads/{leadId:int}", "leadId", LEADS, "Lead"),
)


def ipscape_routes(world: IpscapeWorld) -> list[BaseRoute]:
    """`/platform-api/health` (open) and the token-protected API under `/platform-api`."""
    api: list[BaseRoute] = [Route("/v3.0/campaigns", _campaigns_handler(world))]
    api += [Route(e.path, _cursor_handler(world, e)) for e in CURSOR_ENDPOINTS]
    api += [
        Route(path, _item_handler(world, param, feed, noun))
        for path, param, feed, noun in ITEM_ENDPOINTS
    ]
    auth = Middleware(BearerTokenAuth, api_token=world.config.api_token)
    return [
        Route(f"{API_ROOT}/health", _health),
        Mount(API_ROOT, routes=api, middleware=[auth]),
    ]


def _health(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


def _bad_request(error: BadParameter) -> JSONResponse:
    return JSONResponse({"message": str(error)}, status_code=400)


def _cursor_handler(world: IpscapeWorld, endpoint: CursorEndpoint):
    delay = world.config.page_delay_seconds

    async def handle(request: Request) -> Response:
        try:
            query = feed_query(endpoint, request.query_params)
        except BadParameter as error:
            return _bad_request(error)
        page = world.page(endpoint.feed, query)
        if delay:
            await asyncio.sleep(delay)
        body = b"".join(
            (
                b'{"metadata":',
                encode(_metadata(endpoint, page)),
                b',"items":[',
                b",".join(page.items),
                b"]}",
            )
        )
        return Response(body, media_type=JSONResponse.media_type)

    return handle


def _metadata(endpoint: CursorEndpoint, page: ServedPage) -> dict[str, Any]:
    metadata: dict[str, Any] = {}
    for key, query in (("nextUri", page.next_query), ("previousUri", page.previous_query)):
        if query is not None:
            metadata[key] = f"{endpoint.uri_root}{endpoint.path}?cursor={query.to_cursor()}"
        elif endpoint.no_page is not NoPage.ABSENT:
            metadata[key] = endpoint.no_page.value
    return metadata


def _item_handler(world: IpscapeWorld, param: str, feed: str, noun: str):
    async def handle(request: Request) -> Response:
        item = world.item(feed, request.path_params[param])
        if item is None:
            return JSONResponse({"message": f"{noun} not found"}, status_code=404)
        return Response(item, media_type=JSONResponse.media_type)

    return handle


def _campaigns_handler(world: IpscapeWorld):
    def handle(request: Request) -> JSONResponse:
        try:
            page_no = _page_number(request, "pageNo", default=0, minimum=0)
            per_page = _page_number(request, "perPage", default=CAMPAIGNS_PER_PAGE, minimum=1)
        except BadParameter as error:
            return _bad_request(error)
        per_page = min(per_page, CAMPAIGNS_PER_PAGE)
        data = world.campaigns()[page_no * per_page : (page_no + 1) * per_page]
        return JSONResponse(
            {"pageNo": page_no, "inPage": len(data), "perPage": per_page, "data": data}
        )

    return handle


def _page_number(request: Request, name: str, default: int, minimum: int) -> int:
    text = request.query_params.get(name) or str(default)
    try:
        value = int(text)
    except ValueError as error:
        raise BadParameter(name, text) from error
    if value < minimum:
        raise BadParameter(name, text)
    return value
