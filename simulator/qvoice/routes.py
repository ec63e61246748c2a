"""The QVoice Campaigns API v2 routes, at the host root (`/api/v2/...`, `/callcenter/...`).

Every call but login needs `Authorization: Bearer <access_token>` (else 401) and
`X-Account-ID` (else 403). Errors are JSON `{"message": ...}`. The `Date` header of
every answer is added by the gateway from the world's clock.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from simulator.qvoice.auth import FORBIDDEN
from simulator.qvoice.keys import HistoryQuery
from simulator.qvoice.params import (
    HISTORY_KEY_PARAMS,
    BadRequest,
    history_query,
    leads_query,
    page_size,
)
from simulator.qvoice.world import HistoryPage, QVoiceWorld

LOGIN_PATH = "/api/v2/login"
LEADS_HISTORY_PATH = "/api/v2/reports/campaigns/leads/history"
CAMPAIGN_LEADS_PATH = "/api/v2/config/campaigns/{campaign_id}/leads"
CAMPAIGNS_STATUS_PATH = "/api/v2/reports/campaigns/leads/status"
QUEUES_STATUS_PATH = "/callcenter/queues/status"
ACCOUNT_HEADER = "X-Account-ID"
PATH_PREFIXES = ("/api/", "/callcenter/")
"""Where QVoice's paths start (it may share the host root with CloudAgent)."""

INVALID = {"message": "The information sent is invalid."}
REFUSALS = {401: {"message": "Unauthorized"}, FORBIDDEN: {"message": "Forbidden"}}

Handler = Callable[[Request], Response]


def qvoice_routes(world: QVoiceWorld) -> list[BaseRoute]:
    """Login (open) and the four token-protected reads."""
    return [
        Route(LOGIN_PATH, _login_handler(world), methods=["POST"]),
        Route(LEADS_HISTORY_PATH, _protected(world, _history_handler(world))),
        Route(CAMPAIGN_LEADS_PATH, _protected(world, _campaign_leads_handler(world))),
        Route(
            CAMPAIGNS_STATUS_PATH,
            _protected(world, lambda request: JSONResponse(world.campaigns_status())),
        ),
        Route(
            QUEUES_STATUS_PATH,
            _protected(world, lambda request: JSONResponse(world.queues_status())),
        ),
    ]


def _invalid() -> JSONResponse:
    return JSONResponse(INVALID, status_code=400)


def _login_handler(world: QVoiceWorld):
    async def handle(request: Request) -> JSONResponse:
        try:
            body = json.loads(await request.body())
        except ValueError:
            return _invalid()
        answer = world.login(body)
        return JSONResponse(answer) if answer is not None else _invalid()

    return handle


def _protected(world: QVoiceWorld, handler: Handler) -> Handler:
    def handle(request: Request) -> Response:
        refusal = world.authorize(
            request.headers.get("authorization", ""), request.headers.get(ACCOUNT_HEADER)
        )
        if refusal is not None:
            return JSONResponse(REFUSALS[refusal], status_code=refusal)
        return handler(request)

    return handle


def _history_handler(world: QVoiceWorld) -> Handler:
    delay = world.config.page_delay_seconds

    def handle(request: Request) -> JSONResponse:
        # a sync handler: Starlette runs it in a worker thread, so waiting holds up no
        # other request
        if delay:
            time.sleep(delay)
        params = request.query_params
        try:
            query = history_query(params)
            size = page_size(params, "pageSize", world.config.page_size)
        except BadRequest:
            return _invalid()
        if world.config.history_bare_array:
            whole = HistoryQuery(query.start, query.end)
            return JSONResponse(world.history_page(whole, None).rows)
        page = world.history_page(query, size)
        body: dict[str, Any] = {"data": page.rows}
        if page.next_query is not None:
            body["next_start_key"] = page.next_query.to_key()
        elif world.config.repeat_last_key:
            body["next_start_key"] = _repeated_key(params, page)
        return JSONResponse(body)

    return handle


def _repeated_key(params: Mapping[str, str], page: HistoryPage) -> str:
    """The key a last page answers with in `repeat_last_key` mode: the one it was
    requested with, or on a first page a key to the end of what it served."""
    sent = next((params[name] for name in HISTORY_KEY_PARAMS if params.get(name)), None)
    return sent or page.resume.to_key()


def _campaign_leads_handler(world: QVoiceWorld) -> Handler:
    def handle(request: Request) -> JSONResponse:
        params = request.query_params
        try:
            query = leads_query(request.path_params["campaign_id"], params)
            size = page_size(params, "page_size", world.config.page_size)
        except BadRequest:
            return _invalid()
        page = world.leads_page(query, size)
        if page is None:
            return _invalid()
        key = page.next_query.to_key() if page.next_query is not None else ""
        return JSONResponse({"data": page.items, "next_start_key": key})

    return handle
