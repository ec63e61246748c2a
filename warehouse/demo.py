"""`dialer-warehouse demo`: the nightly job against the built-in vendor simulator.

The simulator's clock is local midnight today in Sydney (plus `--advance-days`), so a
second demo on the same day finds nothing new, and the next day brings a new day of
calls plus late updates to yesterday's.
"""

from __future__ import annotations

import os
from datetime import timedelta
from typing import TextIO

import pendulum

from warehouse import job, summary
from warehouse.paths import WarehouseLocation
from warehouse.redaction import RedactingStream

DEMO_ZONE = "Australia/Sydney"
DEMO_BACKFILL_DAYS = 30


def run_demo(
    location: WarehouseLocation,
    advance_days: int,
    out: TextIO,
    secrets: list[RedactingStream],
) -> None:
    """Serve a simulated ipSCAPE tenant on 127.0.0.1, run the job, print a summary."""
    from simulator import IpscapeWorld, SimulatorConfig, SimulatorServer

    clock = pendulum.today(DEMO_ZONE).add(days=advance_days).in_timezone("UTC")
    start_date = clock.date() - timedelta(days=DEMO_BACKFILL_DAYS)
    config = SimulatorConfig(start_date=start_date, clock=clock)
    for stream in secrets:
        stream.add_secrets([config.api_token])
    with SimulatorServer(IpscapeWorld(config)) as server:
        print(
            f"Simulated ipSCAPE tenant at {server.base_url} (clock {clock.isoformat()})", file=out
        )
        os.environ["SOURCES__IPSCAPE__BASE_URL"] = server.base_url
        os.environ["SOURCES__IPSCAPE__API_TOKEN"] = config.api_token
        os.environ["SOURCES__IPSCAPE__START_DATE"] = start_date.isoformat()
        result = job.run_job(location, ["ipscape"])
    print(summary.format_loads(result.loads), file=out)
    print(summary.format_last_day(location), file=out)
    print(f"Warehouse: {location.database}", file=out)
    print(f"Exports:   {location.exports_dir}", file=out)
