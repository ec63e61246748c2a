"""The ASGI app of the simulator: every vendor's routes behind one gateway that logs
each request, applies injected faults and dates each answer."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from http import HTTPStatus

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from simulator.faults import Fault, FaultInjector
from simulator.request_log import RequestLog


@dataclass(frozen=True)
class VendorApi:
    """One simulated vendor: its API root (fault paths are matched below it; "" for a
    vendor at the host root, whose fault paths are full paths), its routes, the clock
    its answers' `Date` header shows (None: the real time), and, for a vendor at the
    host root, the path prefixes it owns (several vendors may share the host root)."""

    name: str
    api_root: str
    routes: Sequence[BaseRoute]
    clock: Callable[[], datetime] | None = None
    path_prefixes: Sequence[str] = ()


class Gateway:
    """ASGI middleware: log the request, then apply the first matching fault (delay
    and/or error answer) before the vendor sees it. Every answer, a fault's too, gets the
    `Date` header of the vendor that owns the path: the one whose API root it is below,
    else the host-root vendor with a matching path prefix, else the first host-root
    vendor (so a lone host-root vendor owns every path below no other vendor's root)."""

    def __init__(
        self,
        app: ASGIApp,
        faults: FaultInjector,
        request_log: RequestLog,
        vendors: Sequence[VendorApi],
    ) -> None:
        self.app = app
        self._faults = faults
        self._request_log = request_log
        self._rooted = tuple(vendor for vendor in vendors if vendor.api_root)
        self._at_host_root = tuple(vendor for vendor in vendors if not vendor.api_root)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        self._request_log.record(scope["method"], path, scope["query_string"].decode("latin-1"))
        vendor = self._vendor(path)
        send = _with_date_header(send, vendor.clock if vendor else None)
        api_path = path[len(vendor.api_root) :] if vendor else path
        fault = self._faults.take(api_path)
        if fault is not None:
            if fault.delay_seconds:
                await asyncio.sleep(fault.delay_seconds)
            if fault.status is not None:
                await _fault_response(fault)(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def _vendor(self, path: str) -> VendorApi | None:
        for vendor in self._rooted:
            root = vendor.api_root
            if path == root or path.startswith(f"{root}/"):
                return vendor
        for vendor in self._at_host_root:
            if any(path.startswith(prefix) for prefix in vendor.path_prefixes):
                return vendor
        return self._at_host_root[0] if self._at_host_root else None


def _with_date_header(send: Send, clock: Callable[[], datetime] | None) -> Send:
    """`send` that writes an RFC 7231 `Date` header (from `clock`, else the real time)
    into the response start, replacing any other."""

    async def send_with_date(message: Message) -> None:
        if message["type"] == "http.response.start":
            now = (clock() if clock else datetime.now(UTC)).astimezone(UTC)
            headers = [
                (name, value)
                for name, value in message.get("headers", [])
                if name.lower() != b"date"
            ]
            headers.append((b"date", format_datetime(now, usegmt=True).encode("latin-1")))
            message = {**message, "headers": headers}
        await send(message)

    return send_with_date


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
        vendors=vendors,
    )
    return Starlette(routes=routes, middleware=[gateway])
