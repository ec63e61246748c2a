"""The ASGI app of the simulator: every vendor's routes behind one gateway that logs
each request, applies injected faults and dates each answer."""

from __future__ import annotations

import asyncio
import socket
import struct
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

_TRANSPORT = "simulator.transport"  # scope key: the connection's asyncio transport
_DISCONNECT_TIMEOUT_SECONDS = 5.0


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
    """ASGI middleware: log the request, then apply the first matching fault (see
    `simulator.faults.Fault`) before the vendor sees it. Every answer, a fault's too, gets
    the `Date` header of the vendor that owns the path: the one whose API root it is below,
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
        try:
            await self._answer(scope, receive, send)
        finally:
            self._request_log.answered()

    async def _answer(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope["path"]
        vendor = self._vendor(path)
        send = _with_date_header(send, vendor.clock if vendor else None)
        api_path = path[len(vendor.api_root) :] if vendor else path
        fault = self._faults.take(api_path, scope["method"])
        if fault is None:
            await self.app(scope, receive, send)
            return
        if fault.delay_seconds:
            await asyncio.sleep(fault.delay_seconds)
        if fault.reset_connection:
            await _reset_connection(scope, receive)
            return
        if fault.stall_seconds:
            send = _stalling_before_body(send, fault.stall_seconds)
        if fault.status is not None:
            await _fault_response(fault)(scope, receive, send)
        elif fault.replace_body is not None:
            await JSONResponse(fault.replace_body)(scope, receive, send)
        elif fault.truncate_body:
            await _truncated_answer(self.app, scope, receive, send)
        else:
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


async def _reset_connection(scope: Scope, receive: Receive) -> None:
    """Drop the request's TCP connection with a reset (RST), sending nothing; return once
    the server has seen it go, so it does not answer the request with a 500 instead."""
    transport = scope.get(_TRANSPORT)
    if transport is None:
        raise RuntimeError("the server did not expose the connection's transport")
    connection = transport.get_extra_info("socket")
    if connection is not None:
        # linger on, for 0 s: closing sends RST instead of FIN
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()
    async with asyncio.timeout(_DISCONNECT_TIMEOUT_SECONDS):
        while (await receive())["type"] != "http.disconnect":
            pass


def _stalling_before_body(send: Send, seconds: float) -> Send:
    """`send` that passes the response start on at once, then waits `seconds` before the
    first body message."""
    stalled = False

    async def send_stalling(message: Message) -> None:
        nonlocal stalled
        if message["type"] == "http.response.body" and not stalled:
            stalled = True
            await asyncio.sleep(seconds)
        await send(message)

    return send_stalling


async def _truncated_answer(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
    """Answer 200, `application/json`, with the first half of `app`'s body (cut at a UTF-8
    character boundary), keeping its other headers."""
    start: Message = {"headers": []}
    body = bytearray()

    async def collect(message: Message) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            start = message
        elif message["type"] == "http.response.body":
            body.extend(message.get("body", b""))

    await app(scope, receive, collect)
    cut = len(body) // 2
    while cut > 0 and body[cut] & 0b1100_0000 == 0b1000_0000:  # a continuation byte
        cut -= 1
    half = bytes(body[:cut])
    replaced = {b"content-length", b"content-type"}
    headers = [(name, value) for name, value in start["headers"] if name.lower() not in replaced]
    headers += [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(half)).encode("latin-1")),
    ]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": half})


class _SimulatorApp(Starlette):
    """Starlette that puts the connection's transport into the scope, for a fault to drop
    the connection. uvicorn's ASGI `send` is a method of its per-request cycle object,
    which holds the transport (with its h11, httptools and zttp protocols alike); the
    gateway sits behind Starlette's error middleware, which wraps `send`, so the
    transport is taken here, before it."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope[_TRANSPORT] = getattr(getattr(send, "__self__", None), "transport", None)
        await super().__call__(scope, receive, send)


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
    return _SimulatorApp(routes=routes, middleware=[gateway])
