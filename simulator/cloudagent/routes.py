"""The CloudAgent HTTP API, at the host root: token generation, the dial status request
and the files callbacks link to.

Every answer of the two POSTs is HTTP 200 with a JSON body; errors say so in the body's
`status` (the vendor's habit). The `Date` header of every answer is added by the gateway
from the world's clock.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from simulator.cloudagent.callbacks import FILES_PATH
from simulator.cloudagent.world import CloudAgentWorld

TOKEN_PATH = "/ca_apis/caToken/generateToken"
DIAL_STATUS_PATH = "/endpoint/dailer/data/preview/download"
FILE_PATH = f"{FILES_PATH}/{{name}}"
PATH_PREFIXES = ("/ca_apis/", "/endpoint/", f"{FILES_PATH}/")
"""Where CloudAgent's paths start (it shares the host root with QVoice)."""

API_KEY_HEADER = "apiKey"


def cloudagent_routes(world: CloudAgentWorld) -> list[BaseRoute]:
    """The token, dial status and file routes of `world`."""

    async def generate_token(request: Request) -> JSONResponse:
        body = await _json_body(request)
        return JSONResponse(world.generate_token(request.headers.get(API_KEY_HEADER), body))

    async def request_dial_status(request: Request) -> JSONResponse:
        answer = world.request_dial_status(
            request.headers.get(API_KEY_HEADER),
            request.headers.get("authorization", ""),
            await _json_body(request),
            files_base_url=str(request.base_url).rstrip("/"),
        )
        return JSONResponse(answer)

    def rows_file(request: Request) -> Response:
        served = world.rows_file(request.path_params["name"])
        if served is None:
            return JSONResponse({"status": "error", "message": "File not found"}, 404)
        return Response(served.content, media_type=served.media_type)

    return [
        Route(TOKEN_PATH, generate_token, methods=["POST"]),
        Route(DIAL_STATUS_PATH, request_dial_status, methods=["POST"]),
        Route(FILE_PATH, rows_file, methods=["GET"]),
    ]


async def _json_body(request: Request) -> Any:
    """The request's JSON body; None when it is not JSON."""
    try:
        return json.loads(await request.body())
    except ValueError:
        return None
