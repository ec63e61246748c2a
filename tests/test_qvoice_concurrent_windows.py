"""QVoice's leads history fetched in concurrent time windows loads exactly what the
single sequential walk loads, and leaves exactly the same incremental state.

Two warehouses over one simulated QVoice tenant (20 days, pages of 25 rows, so every
window has several pages, each answered 20 ms late, so walks overlap): one loaded with
`concurrency = 1`, one with 4; then a second night on both after the clock moved a
day. The portal never has more than `concurrency` of the source's requests in flight.
"""

from __future__ import annotations

from pathlib import Path

import dlt
import pytest

from simulator import QVoiceConfig, QVoiceWorld, SimulatorServer
from tests.support import configure_qvoice, query, run_cli
from warehouse.paths import resolve_warehouse

HISTORY_PATH = "/api/v2/reports/campaigns/leads/history"
WALKS = {"sequential": "1", "windowed": "4"}
NIGHTS = ("backfill", "next_night")


def incremental_state(database: Path) -> dict:
    """The incremental state of the QVoice history, as dlt keeps it."""
    location = resolve_warehouse(str(database))
    pipeline = dlt.attach(
        pipeline_name="dialer_warehouse_qvoice", pipelines_dir=str(location.pipelines_dir)
    )
    resource = pipeline.state["sources"]["qvoice"]["resources"]["leads_history"]
    return resource["incremental"]["timestamp"]


def history_rows(database: Path) -> list[tuple]:
    rows = query(database, "select * from qvoice_raw.leads_history order by history_key")
    return [tuple(v for k, v in row.items() if not k.startswith("_dlt")) for row in rows]


def history_key(row: dict) -> str:
    call_id = str(row.get("call_id") or "").strip()
    return call_id or f"{row['timestamp']}|{row['lead_number']}|{row['campaign_name']}"


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> dict:
    config = QVoiceConfig.for_days(20, page_size=25, page_delay_seconds=0.02)
    world = QVoiceWorld(config)
    root = tmp_path_factory.mktemp("qvoice_windows")
    result: dict = {walk: {} for walk in WALKS}
    with SimulatorServer(None, qvoice=world) as server, pytest.MonkeyPatch.context() as env:
        configure_qvoice(env, server.qvoice_base_url, config)
        for night in NIGHTS:
            if night == "next_night":
                world.advance(days=1)
            for walk, concurrency in WALKS.items():
                env.setenv("SOURCES__QVOICE__CONCURRENCY", concurrency)
                database = root / walk / "dialer.duckdb"
                server.clear_requests()
                code, output = run_cli("load", "--source", "qvoice", "--warehouse", str(database))
                history = [r for r in server.requests if r.path == HISTORY_PATH]
                result[walk][night] = {
                    "code": code,
                    "output": output,
                    "most_in_flight": server.most_requests_in_flight,
                    "state": incremental_state(database),
                    "rows": history_rows(database),
                    "keys": sorted(
                        row["history_key"]
                        for row in query(
                            database, "select history_key from qvoice_raw.leads_history"
                        )
                    ),
                    "window_starts": {r.params.get("startDate") for r in history},
                }
            result["truth", night] = sorted(
                history_key(row) for row in world.ground_truth().leads_history
            )
    return result


@pytest.mark.parametrize("night", NIGHTS)
def test_both_walks_succeed(loaded: dict, night: str) -> None:
    for walk in WALKS:
        assert loaded[walk][night]["code"] == 0, loaded[walk][night]["output"]


@pytest.mark.parametrize("night", NIGHTS)
def test_windows_leave_the_state_of_the_sequential_walk(loaded: dict, night: str) -> None:
    sequential, windowed = loaded["sequential"][night], loaded["windowed"][night]
    assert windowed["state"] == sequential["state"]
    assert sequential["state"]["last_value"], "no incremental state was kept"


@pytest.mark.parametrize("night", NIGHTS)
def test_windows_load_the_rows_of_the_sequential_walk(loaded: dict, night: str) -> None:
    sequential = loaded["sequential"][night]["rows"]
    assert loaded["windowed"][night]["rows"] == sequential
    assert sequential


@pytest.mark.parametrize("night", NIGHTS)
def test_every_served_dial_is_loaded_once(loaded: dict, night: str) -> None:
    assert loaded["windowed"][night]["keys"] == loaded["truth", night]


@pytest.mark.parametrize("night", NIGHTS)
def test_requests_in_flight_never_exceed_the_concurrency(loaded: dict, night: str) -> None:
    for walk, concurrency in WALKS.items():
        assert 1 <= loaded[walk][night]["most_in_flight"] <= int(concurrency), walk


def test_the_windowed_backfill_keeps_every_worker_busy(loaded: dict) -> None:
    """Only the backfill has windows enough to be sure of it: the next night's few
    windows may end before the last worker starts, so there any overlap is luck."""
    assert loaded["windowed"]["backfill"]["most_in_flight"] == int(WALKS["windowed"])


@pytest.mark.parametrize("night", NIGHTS)
def test_the_range_was_cut_into_windows(loaded: dict, night: str) -> None:
    assert len(loaded["sequential"][night]["window_starts"]) == 1
    assert len(loaded["windowed"][night]["window_starts"]) >= 4
