"""Pages a feed serves again byte for byte are not parsed again, and the warehouse
still holds exactly what the vendor serves.

One small ipSCAPE world whose three days of data end at its clock (no new rows when the
clock moves, only the late hang-ups and wrap-ups it reveals), pages of 25 items, `load`
commands only: a backfill; a first quiet night (the lag window's pages are read for the
first time); a second quiet night (every page comes back as stored); the clock 30 hours
on (the pages holding a revealed call change, the others come back as stored); a
release of the source's code (a copy of `sources` with one line more, put first on a
separate process's path: every page is parsed again, once), a quiet night after it,
and the code as it was again; the zone setting changed (no page is stored under
another zone); a feed page with a bad record, twice (a page with a quarantined record
is never stored). A second world has a fourth day the clock brings: that night loads
it, and the quiet night after it asks for the night's windows again, all but its first
(their fixed grid), and reuses their pages.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import dlt
import pytest
import requests

from simulator import IpscapeWorld, SimulatorConfig, SimulatorServer
from sources.common.stored_pages import STATE_KEY, StoredPages
from sources.common.windows import next_grid_bound
from tests.support import configure_ipscape, job_log, query, run_cli
from warehouse.paths import resolve_warehouse

FEEDS = ("leads", "dialler_attempts", "activities")
DIALLER = "/v3.0/calls/dialler"
LAG = timedelta(days=2)
# three days of data, none after: moving the clock only reveals late hang-ups (half the
# answered calls reveal theirs a day and 1 to 10 hours after they started)
CONFIG = SimulatorConfig.for_days(
    3,
    start_date=date(2026, 3, 2),
    daily_volumes=(150, 150, 150),
    page_size=25,
    late_update_rate=0.5,
)
REVEAL_HOURS = 30
REUSED = re.compile(r"ipscape (\w+): (\d+) of (\d+) pages with rows served as loaded before")
CLI = str(Path(sys.executable).with_name("dialer-warehouse"))
REPOSITORY = Path(__file__).resolve().parents[1]


def load(database: Path, release: Path | None = None) -> dict:
    """One `load`: per feed (reused, served) pages with rows; the rows loaded and the
    records quarantined (all tables); afterwards, the hang-ups the warehouse holds and
    each feed's stored pages and cursor. With `release`, a directory holding another
    `sources` package, the load runs in a separate process that imports that one."""
    if release is None:
        with job_log(logging.INFO) as messages:
            code, output = run_cli("load", "--source", "ipscape", "--warehouse", str(database))
    else:
        code, output, messages = load_released(database, release)
    [row] = query(
        database,
        "select rows_loaded, quarantined from ops.runs order by started_at desc limit 1",
    )
    pages = {}
    for message in messages:
        if match := REUSED.search(message):
            pages[match[1]] = (int(match[2]), int(match[3]))
    return {
        "code": code,
        "output": output,
        "pages": pages,
        "loaded": json.loads(row["rows_loaded"])["ipscape"],
        "quarantined": json.loads(row["quarantined"]).get("ipscape", 0),
        "hang_ups": hang_ups_held(database),
        "stored_pages": stored_pages_state(database),
        "cursors": cursors(database),
    }


def load_released(database: Path, release: Path) -> tuple[int, str, list[str]]:
    """`dialer-warehouse --verbose load` in a separate process whose `sources` package is
    the one in `release`: its exit code, stdout and stderr lines."""
    command = [CLI, "--verbose", "load", "--source", "ipscape", "--warehouse", str(database)]
    env = dict(os.environ, PYTHONPATH=str(release))
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    return done.returncode, done.stdout + done.stderr, done.stderr.splitlines()


def released_copy(directory: Path) -> Path:
    """A copy of the `sources` package under `directory` with one line more: a release
    of the source's code that changes nothing it does."""
    caches = shutil.ignore_patterns("__pycache__")
    shutil.copytree(REPOSITORY / "sources", directory / "sources", ignore=caches)
    with (directory / "sources" / "ipscape" / "records.py").open("a") as records:
        records.write("# a release\n")
    return directory


def hang_ups_held(database: Path) -> dict[str, list[int]]:
    """The attempts and activities whose hang-up the warehouse holds."""
    attempts = query(
        database,
        "select attempt_id from ipscape_raw.dialler_attempts "
        "where timestamps__hang_up is not null order by 1",
    )
    activities = query(
        database,
        "select data__activity_id from ipscape_raw.activities "
        "where data__timestamps__hang_up is not null order by 1",
    )
    return {
        "dialler_attempts": [row["attempt_id"] for row in attempts],
        "activities": [row["data__activity_id"] for row in activities],
    }


def hang_ups_served(world: IpscapeWorld) -> dict[str, list[int]]:
    """The attempts and activities whose hang-up the vendor serves at its clock."""
    truth = world.ground_truth()
    return {
        "dialler_attempts": sorted(
            attempt["attemptId"]
            for attempt in truth.dialler_attempts
            if (attempt.get("timestamps") or {}).get("hangUp")
        ),
        "activities": sorted(
            activity["data"]["activityId"]
            for activity in truth.activities
            if (activity["data"].get("timestamps") or {}).get("hangUp")
        ),
    }


def feed_states(database: Path) -> dict[str, dict]:
    """Each feed's resource state, as dlt keeps it (its cursor and its stored pages)."""
    location = resolve_warehouse(str(database))
    pipeline = dlt.attach(
        pipeline_name="dialer_warehouse_ipscape", pipelines_dir=str(location.pipelines_dir)
    )
    resources = pipeline.state["sources"]["ipscape"]["resources"]
    return {feed: resources[feed] for feed in FEEDS}


def stored_pages_state(database: Path) -> dict[str, dict]:
    return {feed: dict(state.get(STATE_KEY, {})) for feed, state in feed_states(database).items()}


def cursors(database: Path) -> dict[str, object]:
    """Each feed's incremental cursor (`last_value`)."""
    return {
        feed: [column["last_value"] for column in state["incremental"].values()]
        for feed, state in feed_states(database).items()
    }


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict:
    world = IpscapeWorld(CONFIG)
    config = CONFIG
    database = tmp_path_factory.mktemp("stored_pages") / "dialer.duckdb"
    result: dict = {}
    with SimulatorServer(world) as server, pytest.MonkeyPatch.context() as env:
        configure_ipscape(env, server.base_url, config.api_token, config.start_date)
        env.setenv("SOURCES__IPSCAPE__CONCURRENCY", "4")
        for name in ("backfill", "first_quiet", "second_quiet"):
            result[name] = load(database)
            result[name]["served"] = hang_ups_served(world)
        world.advance(days=0, hours=REVEAL_HOURS)
        result["revealed"] = load(database)
        result["revealed"]["served"] = hang_ups_served(world)
        result["revealed_quiet"] = load(database)
        release = released_copy(tmp_path_factory.mktemp("release"))
        result["new_release"] = load(database, release)
        result["new_release_quiet"] = load(database, release)
        result["rolled_back"] = load(database)  # the code as it was: stored again as such
        env.setenv("SOURCES__IPSCAPE__TIMEZONE", "Australia/Perth")
        result["other_zone"] = load(database)
        # one sequential walk, whose one page holds a good and a bad attempt
        env.setenv("SOURCES__IPSCAPE__CONCURRENCY", "1")
        good = world.ground_truth().dialler_attempts[-1]
        bad = dict(good, attemptId=good["attemptId"] + 10**6, timestamps={})
        server.faults.add(DIALLER, replace_body={"metadata": {}, "items": [good, bad]}, times=None)
        result["bad_page"] = load(database)
        result["bad_page_again"] = load(database)
    return result


RUNS = ("backfill", "first_quiet", "second_quiet", "revealed", "revealed_quiet")
RELEASE_RUNS = ("new_release", "new_release_quiet", "rolled_back")


@pytest.mark.parametrize("name", [*RUNS, *RELEASE_RUNS, "other_zone", "bad_page", "bad_page_again"])
def test_every_load_succeeds_and_says_what_it_reused(runs: dict, name: str) -> None:
    assert runs[name]["code"] == 0, runs[name]["output"]
    assert set(runs[name]["pages"]) == set(FEEDS)


@pytest.mark.parametrize("name", RUNS)
def test_the_warehouse_holds_every_hang_up_the_vendor_serves(runs: dict, name: str) -> None:
    served = runs[name].get("served") or runs["revealed"]["served"]
    assert runs[name]["hang_ups"] == served


def test_the_clock_revealed_late_hang_ups() -> None:
    """The world this module needs: moving the clock reveals calls, adds none."""
    world = IpscapeWorld(CONFIG)
    before, attempts = hang_ups_served(world), len(world.ground_truth().dialler_attempts)
    world.advance(days=0, hours=REVEAL_HOURS)
    after = hang_ups_served(world)
    assert len(world.ground_truth().dialler_attempts) == attempts
    for feed in before:
        assert set(before[feed]) < set(after[feed])


def test_a_backfill_reuses_no_page(runs: dict) -> None:
    assert all(reused == 0 and served > 0 for reused, served in runs["backfill"]["pages"].values())


@pytest.mark.parametrize("name", ["second_quiet", "revealed_quiet"])
def test_a_quiet_night_parses_no_page_and_loads_no_row(runs: dict, name: str) -> None:
    for feed, (reused, served) in runs[name]["pages"].items():
        assert reused == served > 0, feed
    assert runs[name]["loaded"] == 0


def test_a_quiet_night_keeps_the_same_stored_pages(runs: dict) -> None:
    assert runs["second_quiet"]["stored_pages"] == runs["first_quiet"]["stored_pages"]
    assert all(runs["second_quiet"]["stored_pages"].values())


def test_pages_holding_a_revealed_call_are_parsed_the_others_reused(runs: dict) -> None:
    for feed in ("dialler_attempts", "activities"):
        reused, served = runs["revealed"]["pages"][feed]
        assert 0 < reused < served, feed
    assert runs["revealed"]["loaded"] > 0
    revealed = runs["revealed"]["served"]
    assert set(revealed["dialler_attempts"]) > set(
        runs["second_quiet"]["served"]["dialler_attempts"]
    )


def test_stored_pages_are_only_those_the_next_night_rereads(runs: dict) -> None:
    for feed, pages in runs["revealed_quiet"]["stored_pages"].items():
        newest = [datetime.fromisoformat(entry[2]) for entry in pages.values()]
        assert newest, feed
        assert min(newest) >= max(newest) - LAG, feed


@pytest.mark.parametrize("name", ["new_release", "rolled_back"])
def test_after_a_change_of_the_code_every_page_is_parsed_again(runs: dict, name: str) -> None:
    served = runs["revealed_quiet"]["pages"]
    assert runs[name]["pages"] == {feed: (0, total) for feed, (_, total) in served.items()}
    assert runs[name]["loaded"] == 0  # the same rows: held unchanged, not loaded again


def test_the_quiet_night_after_a_release_reuses_every_page(runs: dict) -> None:
    assert runs["new_release_quiet"]["pages"] == runs["revealed_quiet"]["pages"]
    assert runs["new_release_quiet"]["loaded"] == 0


def test_a_release_stores_the_same_pages_under_other_digests(runs: dict) -> None:
    before, after = runs["revealed_quiet"]["stored_pages"], runs["new_release"]["stored_pages"]
    for feed in FEEDS:
        assert after[feed].keys() == before[feed].keys(), feed
        assert all(after[feed][url][0] != before[feed][url][0] for url in before[feed]), feed
    assert runs["rolled_back"]["stored_pages"] == before


@pytest.mark.parametrize("name", RELEASE_RUNS)
def test_a_release_leaves_the_warehouse_holding_what_the_vendor_serves(
    runs: dict, name: str
) -> None:
    assert runs[name]["hang_ups"] == runs["revealed"]["served"]  # the clock has not moved since


def test_no_page_is_reused_under_another_zone(runs: dict) -> None:
    assert all(reused == 0 for reused, _ in runs["other_zone"]["pages"].values())


def test_a_page_with_a_quarantined_record_is_parsed_every_time(runs: dict) -> None:
    for name in ("bad_page", "bad_page_again"):
        assert runs[name]["pages"]["dialler_attempts"] == (0, 1)
        assert runs[name]["quarantined"] == 1
    assert runs["bad_page_again"]["stored_pages"]["dialler_attempts"] == {}


# A night with new rows, then a quiet night: the quiet night starts a day later, and
# asks for the night's windows again, all but its first (the windows' fixed grid)

NEW_DAY_CONFIG = SimulatorConfig.for_days(
    3,
    start_date=date(2026, 3, 2),
    daily_volumes=(150, 150, 150, 150),
    page_size=25,
    late_update_rate=0.5,
)
FEED_PATHS = {
    "leads": ("/v3.0/leads", "uploadedTimestamp"),
    "dialler_attempts": ("/v3.0/calls/dialler", "dialledTimestamp"),
    "activities": ("/v3.0/activities", "createdTimestamp"),
}


def windows_asked(server: SimulatorServer) -> dict[str, list[tuple[str, str | None]]]:
    """Per feed, the windows (From, To) the last run asked for, in order of From."""
    asked = {}
    for feed, (path, prefix) in FEED_PATHS.items():
        bounds = {
            (request.params[f"{prefix}From"], request.params.get(f"{prefix}To"))
            for request in server.requests
            if request.path.endswith(path) and f"{prefix}From" in request.params
        }
        asked[feed] = sorted(bounds)
    return asked


def pages_with_rows(server: SimulatorServer, path: str, params: dict[str, str]) -> int:
    """The pages with items the vendor serves for one window, walked as a client does."""
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {NEW_DAY_CONFIG.api_token}"
    url, pages = f"{server.base_url}{path}", 0
    while url:
        body = session.get(url, params=params, timeout=10).json()
        pages += bool(body["items"])
        next_uri, params = body["metadata"].get("nextUri"), {}
        url = f"{server.base_url}{next_uri}" if next_uri else ""
    return pages


def pages_of_windows_not_asked_before(
    server: SimulatorServer, asked: dict[str, list], asked_before: dict[str, list]
) -> dict[str, int]:
    """Per feed, the pages with items of the windows a run asked for that the run
    before did not (no page of those can have been stored)."""
    pages = {}
    for feed, (path, prefix) in FEED_PATHS.items():
        new = [window for window in asked[feed] if window not in asked_before[feed]]
        pages[feed] = sum(
            pages_with_rows(
                server,
                path,
                {f"{prefix}From": start} | ({f"{prefix}To": end} if end else {}),
            )
            for start, end in new
        )
    return pages


@pytest.fixture(scope="module")
def new_day(tmp_path_factory: pytest.TempPathFactory) -> dict:
    world = IpscapeWorld(NEW_DAY_CONFIG)
    database = tmp_path_factory.mktemp("stored_pages_new_day") / "dialer.duckdb"
    result: dict = {}
    with SimulatorServer(world) as server, pytest.MonkeyPatch.context() as env:
        configure_ipscape(env, server.base_url, NEW_DAY_CONFIG.api_token, NEW_DAY_CONFIG.start_date)
        env.setenv("SOURCES__IPSCAPE__CONCURRENCY", "4")
        load(database)
        load(database)
        world.advance(days=1)
        for name in ("night", "quiet"):
            server.clear_requests()
            result[name] = load(database)
            result[name]["windows"] = windows_asked(server)
            result[name]["served"] = hang_ups_served(world)
        result["quiet"]["unstorable_pages"] = pages_of_windows_not_asked_before(
            server, result["quiet"]["windows"], result["night"]["windows"]
        )
    return result


@pytest.mark.parametrize("name", ["night", "quiet"])
def test_after_a_new_day_the_warehouse_holds_what_the_vendor_serves(
    new_day: dict, name: str
) -> None:
    assert new_day[name]["code"] == 0, new_day[name]["output"]
    assert new_day[name]["hang_ups"] == new_day[name]["served"]


def test_the_quiet_night_asks_for_the_nights_windows_but_its_first(new_day: dict) -> None:
    for feed in FEEDS:
        night, quiet = new_day["night"]["windows"][feed], new_day["quiet"]["windows"][feed]
        assert set(quiet[1:]) <= set(night), feed
    for feed in ("dialler_attempts", "activities"):  # the new day moved their cursors
        night, quiet = new_day["night"]["windows"][feed], new_day["quiet"]["windows"][feed]
        assert quiet[0][0] > night[0][0], feed


def test_a_quiet_night_whose_newest_pages_are_reused_keeps_the_cursors(new_day: dict) -> None:
    """dlt sees none of the reused pages' rows: the cursors must not move back."""
    assert new_day["quiet"]["cursors"] == new_day["night"]["cursors"]


def test_the_quiet_night_after_a_new_day_reuses_pages_and_loads_nothing(new_day: dict) -> None:
    assert new_day["night"]["loaded"] > 0
    assert new_day["quiet"]["loaded"] == 0
    unstorable = new_day["quiet"]["unstorable_pages"]
    for feed, (reused, served) in new_day["quiet"]["pages"].items():
        # every page but those of the windows the night did not ask for
        assert reused == served - unstorable[feed] > 0, feed


def test_window_bounds_are_multiples_of_the_window_from_the_epoch() -> None:
    six_hours = timedelta(hours=6)
    moment = datetime.fromisoformat("2026-03-04T13:27:41.5+00:00")
    assert next_grid_bound(moment, six_hours) == datetime.fromisoformat("2026-03-04T18:00:00+00:00")
    bound = datetime.fromisoformat("2026-03-04T18:00:00+00:00")
    assert next_grid_bound(bound, six_hours) == datetime.fromisoformat("2026-03-05T00:00:00+00:00")


# StoredPages alone


def stored(context: str = "zone A") -> StoredPages:
    """Stored pages of a run under `context`, after a run under "zone A" stored one page."""
    digest = StoredPages({}, "zone A", LAG).digest(b"one")
    previous = {"https://vendor/p1": [digest, "/p2", "2026-03-04T10:00:00+00:00"]}
    return StoredPages(previous, context, LAG)


def test_a_page_served_again_with_the_same_body_is_stored() -> None:
    pages = stored()
    again, digest = pages.served_again("https://vendor/p1", b"one")
    assert again is not None and again.next_link == "/p2"
    assert digest == again.digest


@pytest.mark.parametrize(
    ("url", "body", "context"),
    [
        ("https://vendor/p1", b"one changed", "zone A"),
        ("https://vendor/p9", b"one", "zone A"),
        ("https://vendor/p1", b"one", "zone B"),
    ],
)
def test_another_body_url_or_context_is_not_stored(url: str, body: bytes, context: str) -> None:
    pages = stored(context)
    again, digest = pages.served_again(url, body)
    assert again is None
    # the digest is computed (and handed on) only for a URL that was stored
    assert (digest is not None) == (url == "https://vendor/p1")
    if digest is not None:
        assert digest == pages.digest(body)  # this run's digest, for the page's new entry


def test_the_state_keeps_pages_at_most_the_lag_older_than_the_newest() -> None:
    pages = stored()
    newest = datetime.fromisoformat("2026-03-05T12:00:00+00:00")
    for url, age in (("a", timedelta(0)), ("b", LAG), ("c", LAG + timedelta(seconds=1))):
        pages.keep(url, pages.entry(url.encode(), None, newest - age))
    assert sorted(pages.state()) == ["a", "b"]


def test_a_backfill_keeps_pages_within_lag_and_a_day_of_the_vendors_clock() -> None:
    pages = stored()
    now = datetime.fromisoformat("2026-03-05T00:00:00+00:00")
    assert pages.worth_keeping(now - LAG - timedelta(days=1), now)
    assert not pages.worth_keeping(now - LAG - timedelta(days=1, seconds=1), now)


def test_a_night_keeps_every_page_it_reads() -> None:
    pages = StoredPages({}, "zone A", LAG, every_page=True)
    now = datetime.fromisoformat("2026-03-05T00:00:00+00:00")
    assert pages.worth_keeping(now - timedelta(days=30), now)
