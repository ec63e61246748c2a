"""A backfill fetched in concurrent time windows loads exactly what the single
sequential cursor walk loads, and leaves exactly the same incremental state.

Two warehouses over one simulated tenant (20 days, pages of 25 items, so every window
has several pages, each answered 20 ms late, so walks overlap): one loaded with
`concurrency = 1`, one with 4 workers over windows of one day; then a second night on
both after the clock moved a day. However many feeds run at once, the vendor never has
more than `concurrency` of the source's requests in flight.
"""

from __future__ import annotations

from pathlib import Path

import dlt
import pytest

from simulator import IpscapeWorld, SimulatorConfig, SimulatorServer
from tests.support import configure_ipscape, query, run_cli
from warehouse.paths import resolve_warehouse

TABLES = {
    "dialler_attempts": "attempt_id",
    "activities": "data__activity_id",
    "leads": "lead_id",
}
WALKS = {"sequential": "1", "windowed": "4"}


def incremental_states(database: Path) -> dict:
    """The incremental state of every ipSCAPE resource, as dlt keeps it."""
    location = resolve_warehouse(str(database))
    pipeline = dlt.attach(
        pipeline_name="dialer_warehouse_ipscape", pipelines_dir=str(location.pipelines_dir)
    )
    resources = pipeline.state["sources"]["ipscape"]["resources"]
    return {name: state.get("incremental") for name, state in sorted(resources.items())}


def raw_rows(database: Path, table: str) -> list[tuple]:
    rows = query(database, f"select * from ipscape_raw.{table} order by {TABLES[table]}")
    return [tuple(v for k, v in row.items() if not k.startswith("_dlt")) for row in rows]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    config = SimulatorConfig.for_days(
        20, attempts_per_campaign_day=12, page_size=25, page_delay_seconds=0.02
    )
    world = IpscapeWorld(config)
    root = tmp_path_factory.mktemp("windows")
    result: dict[str, dict] = {walk: {} for walk in WALKS}
    with SimulatorServer(world) as server, pytest.MonkeyPatch.context() as env:
        configure_ipscape(env, server.base_url, config.api_token, config.start_date)
        env.setenv("SOURCES__IPSCAPE__WINDOW_DAYS", "1")
        for night in ("backfill", "next_night"):
            if night == "next_night":
                world.advance(days=1)
            for walk, concurrency in WALKS.items():
                env.setenv("SOURCES__IPSCAPE__CONCURRENCY", concurrency)
                database = root / walk / "dialer.duckdb"
                server.clear_requests()
                code, output = run_cli("load", "--source", "ipscape", "--warehouse", str(database))
                result[walk][night] = {
                    "code": code,
                    "most_in_flight": server.most_requests_in_flight,
                    "output": output,
                    "state": incremental_states(database),
                    "rows": {table: raw_rows(database, table) for table in TABLES},
                    "attempt_ids": [
                        row["attempt_id"]
                        for row in query(
                            database, "select attempt_id from ipscape_raw.dialler_attempts"
                        )
                    ],
                    "windows": {
                        request.params.get("dialledTimestampTo")
                        for request in server.requests
                        if request.path.endswith("/calls/dialler")
                    },
                }
        result["truth"] = world.ground_truth()
    return result


@pytest.mark.parametrize("night", ["backfill", "next_night"])
def test_both_walks_succeed(loaded: dict, night: str) -> None:
    for walk in WALKS:
        assert loaded[walk][night]["code"] == 0, loaded[walk][night]["output"]


@pytest.mark.parametrize("night", ["backfill", "next_night"])
def test_windows_leave_the_state_of_the_sequential_walk(loaded: dict, night: str) -> None:
    sequential, windowed = loaded["sequential"][night], loaded["windowed"][night]
    assert windowed["state"] == sequential["state"]
    assert sequential["state"]["dialler_attempts"], "no incremental state was kept"


@pytest.mark.parametrize("night", ["backfill", "next_night"])
@pytest.mark.parametrize("table", list(TABLES))
def test_windows_load_the_rows_of_the_sequential_walk(loaded: dict, night: str, table: str) -> None:
    sequential = loaded["sequential"][night]["rows"][table]
    assert loaded["windowed"][night]["rows"][table] == sequential
    assert sequential


@pytest.mark.parametrize("night", ["backfill", "next_night"])
def test_requests_in_flight_never_exceed_the_concurrency(loaded: dict, night: str) -> None:
    for walk, concurrency in WALKS.items():
        assert 1 <= loaded[walk][night]["most_in_flight"] <= int(concurrency), walk


def test_the_windowed_backfill_keeps_every_worker_busy(loaded: dict) -> None:
    """Only the backfill has windows enough to be sure of it: the next night's few
    windows may end before the last worker starts, so there any overlap is luck."""
    assert loaded["windowed"]["backfill"]["most_in_flight"] == int(WALKS["windowed"])


def test_the_backfill_was_cut_into_windows(loaded: dict) -> None:
    assert loaded["sequential"]["backfill"]["windows"] == {None}
    windowed = loaded["windowed"]["backfill"]["windows"]
    assert None in windowed and len(windowed) >= 4  # bounded windows and the open tail


def test_every_simulated_attempt_is_loaded_once(loaded: dict) -> None:
    keys = loaded["windowed"]["next_night"]["attempt_ids"]
    assert sorted(keys) == sorted(a["attemptId"] for a in loaded["truth"].dialler_attempts)
