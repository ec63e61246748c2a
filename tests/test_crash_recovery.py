"""A run killed (SIGKILL) during extract, normalize, load, transform or export: the
next run ends with a warehouse equal to the ground truth — no lost rows, no
duplicates, the marts rebuilt — and an export is never left half-written.

The job runs as its own process group (as cron starts it); `DIALER_WAREHOUSE_CRASH_AT`
makes it kill itself (and dbt) at the named point. One baseline warehouse is built per
module; each crash test works on a copy of it, one simulated day later.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from simulator import IpscapeWorld, SimulatorConfig, SimulatorServer
from tests.oracle import compute_ipscape_marts
from tests.support import MART_KEYS, MARTS, ORACLE_MARTS, assert_rows_equal, mart_rows, query
from warehouse.crash_points import CRASH_POINTS

CLI = str(Path(sys.executable).with_name("dialer-warehouse"))
RAW_KEYS = {
    "dialler_attempts": ("attempt_id", lambda r: r["attemptId"]),
    "activities": ("data__activity_id", lambda r: r["data"]["activityId"]),
    "leads": ("lead_id", lambda r: r["leadId"]),
}


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory):
    config = SimulatorConfig.for_days(3, attempts_per_campaign_day=15)
    world = IpscapeWorld(config)
    folder = tmp_path_factory.mktemp("baseline")
    with SimulatorServer(world) as server:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SOURCES__", "RUNTIME__"))}
        env |= {
            "SOURCES__IPSCAPE__BASE_URL": server.base_url,
            "SOURCES__IPSCAPE__API_TOKEN": config.api_token,
            "SOURCES__IPSCAPE__START_DATE": config.start_date.isoformat(),
        }
        first = run(env, folder)
        assert first.returncode == 0, first.stderr
        world.advance(days=1)  # new calls, and late hang-ups for the day before
        yield env, folder, world


def run(env: dict, folder: Path, crash_at: str | None = None) -> subprocess.CompletedProcess:
    settings = {"DIALER_WAREHOUSE_PATH": str(folder / "wh" / "dialer.duckdb"), "HOME": str(folder)}
    if crash_at:
        settings["DIALER_WAREHOUSE_CRASH_AT"] = crash_at
    return subprocess.run(
        [CLI, "run"],
        env=env | settings,
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
        start_new_session=True,  # its own process group: the crash kills it and dbt only
    )


@pytest.mark.parametrize("crash_at", CRASH_POINTS)
def test_the_run_after_a_crash_repairs_everything(baseline, tmp_path: Path, crash_at: str) -> None:
    env, folder, world = baseline
    shutil.copytree(folder / "wh", tmp_path / "wh")
    crashed = run(env, tmp_path, crash_at)
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr
    repaired = run(env, tmp_path)
    assert repaired.returncode == 0, repaired.stderr
    assert "taking over a stale lock" in repaired.stderr

    database = tmp_path / "wh" / "dialer.duckdb"
    truth = world.ground_truth()
    for table, (column, key_of) in RAW_KEYS.items():
        loaded = [
            row[column] for row in query(database, f"select {column} from ipscape_raw.{table}")
        ]
        assert len(loaded) == len(set(loaded)), f"{table}: a record was loaded twice"
        assert sorted(loaded) == sorted(key_of(record) for record in getattr(truth, table))
    hung_up = {
        r["attempt_id"]: r["timestamps__hang_up"]
        for r in query(
            database, "select attempt_id, timestamps__hang_up from ipscape_raw.dialler_attempts"
        )
    }
    assert sum(1 for value in hung_up.values() if value) == sum(
        1 for a in truth.dialler_attempts if a["timestamps"].get("hangUp")
    )
    oracle = compute_ipscape_marts(truth)
    for mart in ORACLE_MARTS:
        assert_rows_equal(mart_rows(database, mart), oracle[mart], MART_KEYS[mart])
    exports = tmp_path / "wh" / "exports"
    leftovers = [path.name for path in exports.iterdir() if path.name.endswith(".partial")]
    assert not leftovers, "a half-written export was left behind"
    for mart in MARTS:
        assert pq.read_metadata(exports / f"{mart}.parquet").num_rows == len(
            mart_rows(database, mart)
        )
    statuses = [
        r["status"] for r in query(database, "select status from ops.runs order by started_at")
    ]
    assert statuses == ["succeeded", "running", "succeeded"]
