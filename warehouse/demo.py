"""`dialer-warehouse demo`: the nightly job against the built-in vendor simulators.

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
from warehouse.run_log import RunRecord

DEMO_ZONE = "Australia/Sydney"
DEMO_BACKFILL_DAYS = 30
DEMO_CALLBACK_SECRET = "demo-callback-secret"


def run_demo(
    location: WarehouseLocation,
    advance_days: int,
    out: TextIO,
    secrets: list[RedactingStream],
    record: RunRecord | None = None,
) -> None:
    """Serve the three simulated vendors on 127.0.0.1, run the job, summarize."""
    from simulator import (
        CloudAgentConfig,
        CloudAgentWorld,
        IpscapeWorld,
        QVoiceConfig,
        QVoiceWorld,
        SimulatorConfig,
        SimulatorServer,
    )

    clock = pendulum.today(DEMO_ZONE).add(days=advance_days).in_timezone("UTC")
    start_date = clock.date() - timedelta(days=DEMO_BACKFILL_DAYS)
    ipscape = SimulatorConfig(start_date=start_date, clock=clock)
    qvoice = QVoiceConfig(start_date=start_date, clock=clock)
    cloudagent = CloudAgentConfig(start_date=start_date, clock=clock)
    for stream in secrets:
        stream.add_secrets([ipscape.api_token, qvoice.password, cloudagent.api_key])
    with SimulatorServer(
        IpscapeWorld(ipscape), qvoice=QVoiceWorld(qvoice), cloudagent=CloudAgentWorld(cloudagent)
    ) as server:
        print(f"Simulated ipSCAPE at {server.base_url}, clock {clock.isoformat()}", file=out)
        print(f"Simulated QVoice and CloudAgent at {server.qvoice_base_url}", file=out)
        os.environ.update(
            SOURCES__IPSCAPE__BASE_URL=server.base_url,
            SOURCES__IPSCAPE__API_TOKEN=ipscape.api_token,
            SOURCES__IPSCAPE__START_DATE=start_date.isoformat(),
            SOURCES__QVOICE__BASE_URL=server.qvoice_base_url,
            SOURCES__QVOICE__USERNAME=qvoice.username,
            SOURCES__QVOICE__PASSWORD=qvoice.password,
            SOURCES__QVOICE__DOMAIN=qvoice.domain,
            SOURCES__QVOICE__ACCOUNT_ID=qvoice.account_id,
            SOURCES__QVOICE__START_DATE=start_date.isoformat(),
            SOURCES__CLOUDAGENT__BASE_URL=server.cloudagent_base_url,
            SOURCES__CLOUDAGENT__API_KEY=cloudagent.api_key,
            SOURCES__CLOUDAGENT__USER_NAME=cloudagent.user_name,
            SOURCES__CLOUDAGENT__CAMPAIGNS="Loan_Offers,Card_Upsell,Renewal_Calls",
            SOURCES__CLOUDAGENT__CALLBACK_SECRET=DEMO_CALLBACK_SECRET,
            SOURCES__CLOUDAGENT__CALLBACK_LISTEN="127.0.0.1:0",
            SOURCES__CLOUDAGENT__CALLBACK_WAIT_SECONDS="30",
            SOURCES__CLOUDAGENT__START_DATE=start_date.isoformat(),
        )
        result = job.run_job(location, ["ipscape", "qvoice", "cloudagent"], record)
    print(summary.format_loads(result.loads), file=out)
    print(summary.format_last_day(location), file=out)
    print(f"Warehouse: {location.database}", file=out)
    print(f"Exports:   {location.exports_dir}", file=out)
