"""The benchmark's world at a tiny N, over real HTTP: exactly N attempts and N
activities, whole pages in feed order, the night's N / 30 after the control API moves
the clock, pages that wait without holding up other requests, a world saved and
loaded back that serves and grows exactly like the original, and the ceiling's walks
reading every page."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
import requests

from bench import ceiling
from bench.worlds import PAGE_SIZE, WorldSpec, main_world
from simulator import IpscapeWorld, SimulatorServer
from simulator.ipscape.cursor import FeedQuery
from simulator.ipscape.snapshot import load_world, save_world

N = 2_000
TODAY = date(2026, 4, 20)  # a fixed "today": the world is the same on every run
FEEDS = {"dialler_attempts": "/v3.0/calls/dialler", "activities": "/v3.0/activities"}


@pytest.fixture(scope="module")
def spec() -> WorldSpec:
    return main_world(N, TODAY)


@pytest.fixture
def server(spec: WorldSpec) -> Iterator[SimulatorServer]:
    world = IpscapeWorld(spec.config())
    world.prerender()
    with SimulatorServer(world, control=True) as running:
        yield running


def walk(server: SimulatorServer, feed: str) -> tuple[list[dict], list[int]]:
    """Every item of a feed from its first page, following nextUri; and page sizes."""
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {server.world.config.api_token}"
    items, sizes = [], []
    url = f"{server.base_url}{FEEDS[feed]}"
    while url:
        response = session.get(url, timeout=10)
        assert response.status_code == 200, response.text
        body = response.json()
        items += body["items"]
        sizes.append(len(body["items"]))
        next_uri = body["metadata"].get("nextUri")
        url = f"{server.base_url}{next_uri}" if next_uri else ""
    return items, sizes


def item_id(feed: str, item: dict) -> int:
    return item["attemptId"] if feed == "dialler_attempts" else item["data"]["activityId"]


@pytest.mark.parametrize("feed", FEEDS)
def test_the_backfill_serves_exactly_n_rows_in_whole_pages(
    server: SimulatorServer, feed: str
) -> None:
    items, sizes = walk(server, feed)
    assert len(items) == N
    assert len({item_id(feed, item) for item in items}) == N
    assert sizes == [PAGE_SIZE] * (N // PAGE_SIZE) + ([N % PAGE_SIZE] if N % PAGE_SIZE else [])
    assert items == getattr(server.world.ground_truth(), feed)


def test_the_night_brings_n_over_30_new_rows_and_late_updates(
    server: SimulatorServer, spec: WorldSpec
) -> None:
    before = {feed: walk(server, feed)[0] for feed in FEEDS}
    control = server.base_url.removesuffix("/platform-api")
    response = requests.post(f"{control}/_simulator/advance?days=1", timeout=60)
    assert response.status_code == 200, response.text
    assert spec.night_rows == N // 30
    truth = server.world.ground_truth()
    for feed in FEEDS:
        items = walk(server, feed)[0]
        assert len(items) == N + spec.night_rows
        assert items == getattr(truth, feed)
        earlier = {item_id(feed, item): item for item in before[feed]}
        changed = [item for item in items if earlier.get(item_id(feed, item), item) != item]
        assert changed, f"no late update in {feed}"


def test_the_ceiling_reads_every_row_in_each_of_its_walks(
    server: SimulatorServer, capsys: pytest.CaptureFixture[str]
) -> None:
    token = server.world.config.api_token
    argv = ["--base-url", server.base_url, "--api-token", token]
    assert ceiling.main([*argv, "--arrow-feed", "dialler_attempts", *FEEDS]) == 0
    walks = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    pages = -(-N // PAGE_SIZE)
    assert [(w["feed"], w["mode"], w["rows"], w["pages"]) for w in walks] == [
        ("dialler_attempts", "json", N, pages),
        ("dialler_attempts", "transport", N, pages),
        ("dialler_attempts", "arrow", N, pages),
        ("activities", "json", N, pages),
    ]
    assert all(w["seconds"] > 0 for w in walks)


def test_a_page_delay_does_not_hold_up_other_requests(spec: WorldSpec) -> None:
    delay, requests_at_once = 0.3, 8
    world = IpscapeWorld(replace(spec.config(), page_delay_seconds=delay))
    took: list[float] = []
    with SimulatorServer(world) as server:
        headers = {"Authorization": f"Bearer {world.config.api_token}"}

        def fetch() -> None:
            started = time.monotonic()
            response = requests.get(f"{server.base_url}/v3.0/users", headers=headers, timeout=10)
            assert response.status_code == 200
            took.append(time.monotonic() - started)

        threads = [threading.Thread(target=fetch) for _ in range(requests_at_once)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    assert len(took) == requests_at_once and min(took) >= delay
    assert elapsed < requests_at_once * delay / 2  # served side by side, not in turn


def test_a_saved_world_serves_and_grows_like_the_original(spec: WorldSpec, tmp_path: Path) -> None:
    original = IpscapeWorld(spec.config())
    original.prerender()
    save_world(original, tmp_path / "world")
    loaded = load_world(tmp_path / "world")
    for world in (original, loaded):
        world.advance(days=1)
    assert loaded.ground_truth() == original.ground_truth()
    for feed in ("dialler_attempts", "activities", "leads"):
        assert pages(loaded, feed) == pages(original, feed)


def pages(world: IpscapeWorld, feed: str) -> list[bytes]:
    items, query = [], FeedQuery()
    while query is not None:
        page = world.page(feed, query)
        items += page.items
        query = page.next_query
    return items
