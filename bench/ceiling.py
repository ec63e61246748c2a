"""`python -m bench.ceiling`: what this machine can do with the pages before any
pipeline work, measured in its own process on the served world.

For each feed named, one `requests` session walks it from its first page, following
`metadata.nextUri`, and parses every page with the standard library's `json.loads`
(the issue's "fetching + JSON parsing"; `Response.json()` would take simplejson when it
is installed, ~30 % slower here), doing nothing with the rows. With `--arrow-feed`, that
feed's pages (the URLs the walk followed) are then read twice more:

- `transport`: fetched again one after the other, bodies read and dropped (the issue's
  "fetching the pages only");
- `arrow`: fetched again by `--arrow-workers` threads at once, each body read by
  `pyarrow.json` exactly as our pipeline reads a page of the feed
  (`sources.common.arrow_pages.read_body`, with the feed's page shape). This is
  the least work any pipeline that makes Arrow tables of the pages does, with both
  cores busy; it leaves out flattening, checks, Parquet, the load and start-up.

Prints one JSON line per measured walk: {"feed", "mode", "rows", "pages", "seconds"};
`rows` of the transport re-read is the walk's count (its bodies are not parsed).
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests

from sources.common.arrow_pages import PageShape, read_body
from sources.ipscape.feeds import ACTIVITIES, DIALLER_ATTEMPTS

FEEDS = {"dialler_attempts": "/v3.0/calls/dialler", "activities": "/v3.0/activities"}
SHAPES = {"dialler_attempts": DIALLER_ATTEMPTS.shape, "activities": ACTIVITIES.shape}
TIMEOUT_SECONDS = 60
ARROW_WORKERS = 4  # measured on 2 cores: 1 → 2 → 4 workers 126k → 182k → 188k rows/s


def new_session(api_token: str) -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # never a proxy
    session.headers["Authorization"] = f"Bearer {api_token}"
    return session


def walk(session: requests.Session, api_root: str, path: str) -> tuple[int, list[str]]:
    """Rows of every page of one feed, first page to last, and the URLs of its pages."""
    rows, urls = 0, []
    url = f"{api_root}{path}"
    while url:
        urls.append(url)
        response = session.get(url, timeout=TIMEOUT_SECONDS)
        response.raise_for_status()
        page = json.loads(response.content)
        rows += len(page["items"])
        next_uri = page["metadata"].get("nextUri")
        url = f"{api_root}{next_uri.removeprefix('/platform-api')}" if next_uri else ""
    return rows, urls


def fetch_only(session: requests.Session, urls: Iterable[str]) -> int:
    """Pages fetched, their bodies read and dropped."""
    pages = 0
    for url in urls:
        session.get(url, timeout=TIMEOUT_SECONDS).raise_for_status()
        pages += 1
    return pages


def fetch_and_parse_to_arrow(
    api_token: str, urls: list[str], shape: PageShape, workers: int
) -> int:
    """Items of every page, fetched and read into an Arrow table as the pipeline reads
    a page of that shape (`sources.common.arrow_pages.read_body`), `workers` at a time."""
    local = threading.local()
    sessions: list[requests.Session] = []  # one a thread, closed at the end

    def read(url: str) -> int:
        if not hasattr(local, "session"):
            local.session = new_session(api_token)
            sessions.append(local.session)
        response = local.session.get(url, timeout=TIMEOUT_SECONDS)
        response.raise_for_status()
        page = read_body(response.content, shape)
        return len(page.column(shape.data_key)[0])

    try:
        with ThreadPoolExecutor(workers) as pool:
            return sum(pool.map(read, urls))
    finally:
        for session in sessions:
            session.close()


def timed(action: Callable[..., Any], *args: object) -> tuple[Any, float]:
    """What `action(*args)` returned, and the seconds it took."""
    started = time.perf_counter()
    result = action(*args)
    return result, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ceiling", description=__doc__)
    parser.add_argument("--base-url", required=True, help="API root with /platform-api")
    parser.add_argument("--api-token", required=True)
    parser.add_argument("--arrow-feed", choices=sorted(FEEDS), help="also re-read this feed")
    parser.add_argument("--arrow-workers", type=int, default=ARROW_WORKERS)
    parser.add_argument("feeds", nargs="+", choices=sorted(FEEDS))
    args = parser.parse_args(argv)

    def report(feed: str, mode: str, rows: int, pages: int, seconds: float) -> None:
        line = {"feed": feed, "mode": mode, "rows": rows, "pages": pages, "seconds": seconds}
        print(json.dumps(line), flush=True)

    with new_session(args.api_token) as session:
        for feed in args.feeds:
            (rows, urls), seconds = timed(walk, session, args.base_url, FEEDS[feed])
            report(feed, "json", rows, len(urls), seconds)
            if feed == args.arrow_feed:
                pages, seconds = timed(fetch_only, session, urls)
                report(feed, "transport", rows, pages, seconds)
                arrow_read = (args.api_token, urls, SHAPES[feed], args.arrow_workers)
                items, seconds = timed(fetch_and_parse_to_arrow, *arrow_read)
                report(feed, "arrow", items, len(urls), seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
