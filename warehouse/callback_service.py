"""`dialer-warehouse callbacks serve`: the CloudAgent callback receiver as a service.

It lands callbacks into the same folder the nightly job reads, so callbacks that come
between runs (or after a run stopped waiting) are loaded by the next run. Run it under
systemd or a process supervisor; it stops on SIGTERM / Ctrl-C.
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

import dlt
import uvicorn

from sources.cloudagent.landing import CallbackLanding
from sources.cloudagent.receiver import CALLBACK_PATH, callback_app
from warehouse.errors import EXIT_CONFIG, JobError
from warehouse.paths import WarehouseLocation
from warehouse.registry import callback_landing_dir


def serve_callbacks(location: WarehouseLocation, listen: str | None, out: TextIO) -> None:
    secret = dlt.secrets.get("sources.cloudagent.callback_secret")
    if not secret:
        raise JobError("callbacks: set SOURCES__CLOUDAGENT__CALLBACK_SECRET", EXIT_CONFIG)
    listen = listen or dlt.config.get("sources.cloudagent.callback_listen")
    if not listen or ":" not in listen:
        raise JobError(
            "callbacks: give --listen HOST:PORT or SOURCES__CLOUDAGENT__CALLBACK_LISTEN",
            EXIT_CONFIG,
        )
    host, _, port = listen.rpartition(":")
    landing = CallbackLanding(Path(callback_landing_dir(location)))
    print(f"Receiving CloudAgent callbacks on http://{listen}{CALLBACK_PATH}/<secret>", file=out)
    print(f"Landing them in {landing.directory}", file=out, flush=True)
    uvicorn.run(callback_app(landing, secret), host=host, port=int(port), log_level="warning")
