"""ipSCAPE authentication: every API call carries `Authorization: Bearer <api_token>`."""

from __future__ import annotations

import hmac

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send


class BearerTokenAuth:
    """ASGI middleware answering HTTP 401 `{"message": "Unauthorized"}` unless the request
    sends the tenant's API token."""

    def __init__(self, app: ASGIApp, api_token: str) -> None:
        self.app = app
        self._expected = f"Bearer {api_token}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            sent = Headers(scope=scope).get("authorization", "")
            scheme, _, token = sent.partition(" ")
            normalized = f"{scheme.capitalize()} {token.strip()}".encode()
            if not hmac.compare_digest(normalized, self._expected):
                response = JSONResponse({"message": "Unauthorized"}, status_code=401)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
