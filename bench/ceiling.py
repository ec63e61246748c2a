"""`python -m bench.ceiling`: the transport ceiling, fetch and JSON-parse only: one
requests session walks a cursor feed of a served world from its first page, following
`metadata.nextUri`, and does nothing with the rows (run in its own process). Pages are
parsed by the standard library's `json.loads` (`Response.json()` would take simplejson
when it is installed, ~30 % slower here).

Prints one JSON line per feed: {"feed", "rows", "seconds"}.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import requests

FEEDS = {"dialler_attempts": "/v3.0/calls/dialler", "activities": "/v3.0/activities"}
TIMEOUT_SECONDS = 60


def walk(session: requests.Session, api_root: str, path: str) -> int:
    """Rows of every page of one feed, first page to last."""
    rows = 0
    url = f"{api_root}{path}"
    while url:
        response = session.get(url, timeout=TIMEOUT_SECONDS)
        response.raise_for_status()
        page = json.loads(response.content)
        rows += len(page["items"])
        next_uri = page["metadata"].get("nextUri")
        url = f"{api_root}{next_uri.removeprefix('/platform-api')}" if next_uri else ""
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ceiling", description=__doc__)
    parser.add_argument("--base-url", required=True, help="API root with /platform-api")
    parser.add_argument("--api-token", required=True)
    parser.add_argument("feeds", nargs="+", choices=sorted(FEEDS))
    args = parser.parse_args(argv)
    with requests.Session() as session:
        session.trust_env = False  # never a proxy
        session.headers["Authorization"] = f"Bearer {args.api_token}"
        for feed in args.feeds:
            started = time.perf_counter()
            rows = walk(session, args.base_url, FEEDS[feed])
            seconds = time.perf_counter() - started
            print(json.dumps({"feed": feed, "rows": rows, "seconds": seconds}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
