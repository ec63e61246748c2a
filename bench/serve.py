"""`python -m bench.serve WORLD N`: serve one benchmark world (see `bench.worlds`) over
HTTP with the control API, in a process of its own so its CPU and memory are not the
loader's.

Prints one JSON line on stdout once serving: `base_url`, `api_token`, `start_date`,
`backfill_rows`, `night_rows`. Stops on SIGTERM / SIGINT or when stdin closes (the
benchmark that started it is gone).
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading

from bench.world_cache import cached_world
from bench.worlds import WORLDS, today_everywhere
from simulator.server import SimulatorServer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.serve", description=__doc__)
    parser.add_argument("world", choices=sorted(WORLDS))
    parser.add_argument("n", type=int, help="the benchmark's N (dial attempts, full world)")
    args = parser.parse_args(argv)
    spec = WORLDS[args.world](args.n, today_everywhere())
    world = cached_world(spec)
    stop = threading.Event()
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop_signal, lambda *_: stop.set())
    threading.Thread(target=_stop_at_end_of_input, args=(stop,), daemon=True).start()
    with SimulatorServer(world, control=True) as server:
        ready = {
            "base_url": server.base_url,
            "api_token": world.config.api_token,
            "start_date": spec.start_date.isoformat(),
            "backfill_rows": spec.backfill_rows,
            "night_rows": spec.night_rows,
        }
        print(json.dumps(ready), flush=True)
        stop.wait()
    return 0


def _stop_at_end_of_input(stop: threading.Event) -> None:
    sys.stdin.read()
    stop.set()


if __name__ == "__main__":
    sys.exit(main())
