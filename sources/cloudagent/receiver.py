"""The CloudAgent callback receiver: a small ASGI app that lands every accepted body.

`POST <prefix>/<secret>` (or `?token=<secret>`): without the per-deployment secret,
401 and nothing stored; a body over the size limit, 413 and nothing stored; otherwise
the body is landed durably (see landing.py) *before* the 200 answer. A body that is
not JSON is landed too (with its content type) and reported at load time.
"""

from __future__ import annotations

import hmac

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from sources.cloudagent.landing import CallbackLanding

CALLBACK_PATH = "/cloudagent/callback"
DEFAULT_MAX_BODY_BYTES = 20 * 1024 * 1024


class BodyTooLarge(Exception):
    pass


def callback_app(
    landing: CallbackLanding, secret: str, max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
) -> Starlette:
    """The receiver's ASGI app."""

    async def receive_callback(request: Request) -> JSONResponse:
        token = request.path_params.get("token") or request.query_params.get("token") or ""
        if not secret or not hmac.compare_digest(token.encode(), secret.encode()):
            return JSONResponse({"status": "error", "message": "unauthorized"}, status_code=401)
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > max_body_bytes:
            return _too_large(max_body_bytes)
        try:
            body = await _read_limited(request, max_body_bytes)
        except BodyTooLarge:
            return _too_large(max_body_bytes)
        except ClientDisconnect:
            return JSONResponse({"status": "error", "message": "incomplete body"}, status_code=400)
        content_type = request.headers.get("content-type", "")
        result = await run_in_threadpool(landing.land, body, content_type)
        return JSONResponse({"status": "ok", "stored": result.stored, "uniqueId": result.unique_id})

    async def health(_: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    return Starlette(
        routes=[
            Route(f"{CALLBACK_PATH}/{{token}}", receive_callback, methods=["POST"]),
            Route(CALLBACK_PATH, receive_callback, methods=["POST"]),
            Route("/health", health, methods=["GET"]),
        ]
    )


async def _read_limited(request: Request, limit: int) -> bytes:
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(limit: int) -> JSONResponse:
    return JSONResponse({"status": "error", "message": f"body over {limit} bytes"}, status_code=413)
