"""The ASGI app of the simulator: every vendor's routes behind one gateway that logs
each request and applies injected faults."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from http import HTTPStatus

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from simulator.faults import Fault, FaultInjector
from simulator.request_log import RequestLog


@dataclass(frozen=True)
class VendorApi:
    """One simulated vendor: its API root (fault paths are matched below it) and routes."""

    name: str
    api_root: str
    routes: Sequence[BaseRoute]


class Gateway:
    """ASGI middleware: log the request, then apply the first matching fault (delay
    and/or error answer) before the vendor sees it."""

    def __init__(
        self,
        app: ASGIApp,
        faults: FaultInjector,
        request_log: RequestLog,
        api_roots: Sequence[str],
    ) -> None:
        self.app = app
        self._faults = faults
        self._request_log = request_log
        self._api_roots = tuple(root for root in api_roots if root)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        self._request_log.record(scope["method"], path, scope["query_string"].decode("latin-1"))
        fault = self._faults.take(self._api_path(path))
        if fault is not None:
            if fault.delay_seconds:
                await asyncio.sleep(fault.delay_seconds)
            if fault.status is not None:
                await _fault_response(fault)(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def _api_path(self, path: str) -> str:
        for root in self._api_roots:
            if path == root or path.startswith(f"{root}/"):
                return path[len(root) :]
        return path


def _fault_response(fault: Fault) -> Response:
    headers = {"Retry-After": fault.retry_after} if fault.retry_after is not None else None
    if isinstance(fault.body, str | bytes):
        return Response(
            fault.body, status_code=fault.status, headers=headers, media_type="text/plain"
        )
    body = fault.body
    if body is None:
        try:
            body = {"message": HTTPStatus(fault.status).phrase}
        except ValueError:
            body = {"message": "Error"}
    return JSONResponse(body, status_code=fault.status, headers=headers)


def build_app(
    vendors: Sequence[VendorApi], faults: FaultInjector, request_log: RequestLog
) -> Starlette:
    """One Starlette app serving every vendor's routes."""
    routes = [route for vendor in vendors for route in vendor.routes]
    gateway = Middleware(
        Gateway,
        faults=faults,
        request_log=request_log,
        api_roots=[vendor.api_root for vendor in vendors],
    )
    return Starlette(routes=routes, middleware=[gateway])
