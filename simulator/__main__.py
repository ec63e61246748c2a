"""`python -m simulator serve ...`: serve simulated ipSCAPE, QVoice and CloudAgent accounts
on one port (delivering CloudAgent callbacks) until Ctrl-C."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from collections.abc import Sequence
from datetime import date, datetime

from simulator.cloudagent import CloudAgentConfig, CloudAgentWorld
from simulator.cloudagent.catalog import CAMPAIGNS as CLOUDAGENT_CAMPAIGNS
from simulator.config import DEFAULT_DAYS, DEFAULT_START_DATE, SimulatorConfig
from simulator.ipscape import IpscapeWorld
from simulator.qvoice import QVoiceConfig, QVoiceWorld
from simulator.server import SimulatorServer


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m simulator", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the simulated vendor APIs over HTTP")
    serve.add_argument("--seed", type=int, default=42, help="seed of the generated world")
    serve.add_argument("--host", default="127.0.0.1", help="interface to listen on")
    serve.add_argument("--port", type=int, default=8000, help="port (0 picks a free one)")
    serve.add_argument(
        "--start-date",
        type=date.fromisoformat,
        default=DEFAULT_START_DATE,
        help="first day with data (YYYY-MM-DD; local for ipSCAPE and CloudAgent, UTC for QVoice)",
    )
    serve.add_argument(
        "--days",
        type=int,
        default=DEFAULT_DAYS,
        help="days of data: the clock is 00:00 UTC after the last one",
    )
    serve.add_argument(
        "--clock",
        type=_aware_datetime,
        default=None,
        help="the vendor's now, ISO-8601 with offset (overrides --days)",
    )
    serve.add_argument("--page-size", type=int, default=100, help="largest page of each feed")
    serve.add_argument(
        "--page-delay",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="added to every page of the ipSCAPE cursor feeds (a distant API)",
    )
    serve.add_argument(
        "--control",
        action="store_true",
        help="serve the control API too (POST /_simulator/advance?days=D moves the clocks)",
    )
    return parser.parse_args(argv)


def _aware_datetime(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError("the clock needs an offset, e.g. 2026-04-09T00:00:00Z")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    config = SimulatorConfig.for_days(
        args.days,
        args.start_date,
        seed=args.seed,
        page_size=args.page_size,
        page_delay_seconds=args.page_delay,
    )
    qvoice_config = QVoiceConfig.for_days(
        args.days, args.start_date, seed=args.seed, page_size=args.page_size
    )
    cloudagent_config = CloudAgentConfig.for_days(args.days, args.start_date, seed=args.seed)
    if args.clock is not None:
        config = config.with_clock(args.clock)
        qvoice_config = qvoice_config.with_clock(args.clock)
        cloudagent_config = cloudagent_config.with_clock(args.clock)
    server = SimulatorServer(
        IpscapeWorld(config),
        host=args.host,
        port=args.port,
        qvoice=QVoiceWorld(qvoice_config),
        cloudagent=CloudAgentWorld(cloudagent_config),
        control=args.control,
    ).start()
    print(f"ipSCAPE simulator serving {server.base_url} (clock {config.clock.isoformat()})")
    print(f"  export SOURCES__IPSCAPE__BASE_URL={server.base_url}")
    print(f"  export SOURCES__IPSCAPE__API_TOKEN={config.api_token}")
    print(
        f"QVoice simulator serving {server.qvoice_base_url} "
        f"(clock {qvoice_config.clock.isoformat()})"
    )
    print(f"  export SOURCES__QVOICE__BASE_URL={server.qvoice_base_url}")
    print(f"  export SOURCES__QVOICE__USERNAME={qvoice_config.username}")
    print(f"  export SOURCES__QVOICE__PASSWORD={qvoice_config.password}")
    print(f"  export SOURCES__QVOICE__DOMAIN={qvoice_config.domain}")
    print(f"  export SOURCES__QVOICE__ACCOUNT_ID={qvoice_config.account_id}")
    print(
        f"CloudAgent simulator serving {server.cloudagent_base_url} "
        f"(clock {cloudagent_config.clock.isoformat()})"
    )
    campaigns = json.dumps([campaign.name for campaign in CLOUDAGENT_CAMPAIGNS])
    print(f"  export SOURCES__CLOUDAGENT__BASE_URL={server.cloudagent_base_url}")
    print(f"  export SOURCES__CLOUDAGENT__API_KEY={cloudagent_config.api_key}")
    print(f"  export SOURCES__CLOUDAGENT__USER_NAME={cloudagent_config.user_name}")
    print(f"  export SOURCES__CLOUDAGENT__CAMPAIGNS='{campaigns}'")
    print("Ctrl-C to stop.", flush=True)
    stop = threading.Event()
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop_signal, lambda *_: stop.set())
    try:
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
    print("Stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
