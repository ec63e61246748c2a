"""The control API of a simulator server run in its own process (`control=True`): a
benchmark moves the vendors' clock over HTTP.

    POST /_simulator/advance?days=D   -> {"clocks": {"ipscape": "<ISO-8601>", ...}}

Every world the server serves moves by D days (any real number); the answer comes once
the new data is generated and, for ipSCAPE, its items rendered ahead.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from datetime import timedelta

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from simulator.clocked import ClockedWorld

CONTROL_ROOT = "/_simulator"


def control_routes(
    worlds: Mapping[str, ClockedWorld], after_move: Callable[[], None]
) -> list[BaseRoute]:
    """Routes that move every world in `worlds` (vendor name -> world), then call
    `after_move`."""

    def advance(request: Request) -> JSONResponse:
        try:
            days = float(request.query_params.get("days", "1"))
        except ValueError:
            days = math.nan
        if not math.isfinite(days):
            return JSONResponse({"message": "days must be a number"}, status_code=400)
        for world in worlds.values():
            world.set_clock(world.clock + timedelta(days=days))
        after_move()
        clocks = {name: world.clock.isoformat() for name, world in worlds.items()}
        return JSONResponse({"clocks": clocks})

    return [Route(f"{CONTROL_ROOT}/advance", advance, methods=["POST"])]
