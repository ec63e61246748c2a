"""A warehouse file deleted, moved without its `.state` folder, or restored from an
older backup: the next load goes by the file, never by the local state it outlived.

One small ipSCAPE world; `load` commands only (no dbt). The backup case moves the
world's clock past the lag window (4 days, the lag is 2), so local cursors that ran
ahead of the restored file would have skipped days.
"""

from __future__ import annotations

import json
import logging
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from simulator import IpscapeWorld, SimulatorConfig, SimulatorServer
from tests.support import configure_ipscape, job_log, query, run_cli

DIALLER = "/platform-api/v3.0/calls/dialler"
RAW_TABLES = ("dialler_attempts", "activities", "leads")
LAG = timedelta(days=2)


def load(database: Path) -> dict:
    """One `load`: rows loaded per source, and the warnings the job logged."""
    with job_log(logging.WARNING) as warnings:
        code, output = run_cli("load", "--source", "ipscape", "--warehouse", str(database))
    assert code == 0, output
    [row] = query(database, "select rows_loaded from ops.runs order by started_at desc limit 1")
    return {"loaded": json.loads(row["rows_loaded"]), "warnings": warnings}


def served_keys(world: IpscapeWorld) -> dict[str, list[int]]:
    """The attempts, activities and leads the vendor serves at its clock (the ground
    truth), keyed as `raw_keys` reads them."""
    truth = world.ground_truth()
    return {
        "dialler_attempts": sorted(attempt["attemptId"] for attempt in truth.dialler_attempts),
        "activities": sorted(activity["data"]["activityId"] for activity in truth.activities),
        "leads": sorted(lead["leadId"] for lead in truth.leads),
    }


def raw_keys(database: Path) -> dict[str, list[int]]:
    keys = {"dialler_attempts": "attempt_id", "activities": "data__activity_id", "leads": "lead_id"}
    return {
        table: [
            row["key"]
            for row in query(database, f"select {key} as key from ipscape_raw.{table} order by 1")
        ]
        for table, key in keys.items()
    }


@pytest.fixture(scope="module")
def warehouses(tmp_path_factory: pytest.TempPathFactory) -> dict:
    config = SimulatorConfig.for_days(3, attempts_per_campaign_day=6)
    world = IpscapeWorld(config)
    root = tmp_path_factory.mktemp("replaced")
    result: dict = {}
    with SimulatorServer(world) as server, pytest.MonkeyPatch.context() as env:
        configure_ipscape(env, server.base_url, config.api_token, config.start_date)
        result["served_before"] = served_keys(world)

        deleted = root / "deleted" / "dialer.duckdb"
        result["first_run"] = load(deleted)
        deleted.unlink()
        result["deleted_run"] = load(deleted)
        result["deleted"] = raw_keys(deleted)

        moved_from, moved = root / "first" / "dialer.duckdb", root / "moved" / "dialer.duckdb"
        load(moved_from)
        result["fresh_before"] = raw_keys(moved_from)  # a first load, no state before it
        moved.parent.mkdir()
        shutil.move(moved_from, moved)
        server.clear_requests()
        result["moved_run"] = load(moved)
        result["moved_dialler_from"] = [
            datetime.fromisoformat(r.params["dialledTimestampFrom"])
            for r in server.requests
            if r.path == DIALLER and "dialledTimestampFrom" in r.params
        ]
        newest = "select max(timestamps__dialled) as t from ipscape_raw.dialler_attempts"
        result["moved_newest_dialled"] = query(moved, newest)[0]["t"]
        result["moved"] = raw_keys(moved)

        restored = root / "restored" / "dialer.duckdb"
        load(restored)
        shutil.copy(restored, root / "backup.duckdb")
        world.advance(days=4)
        result["next_night"] = load(restored)
        shutil.copy(root / "backup.duckdb", restored)
        result["restored_run"] = load(restored)
        result["restored"] = raw_keys(restored)

        result["served"] = served_keys(world)
    return result


def test_a_first_load_holds_what_the_vendor_served(warehouses: dict) -> None:
    # the yardstick of the cases below
    assert warehouses["fresh_before"] == warehouses["served_before"]
    assert all(warehouses["served_before"].values())


def test_a_deleted_warehouse_is_loaded_again_from_the_start_date(warehouses: dict) -> None:
    assert warehouses["deleted"] == warehouses["fresh_before"]


def test_a_moved_warehouse_goes_on_from_its_cursors(warehouses: dict) -> None:
    assert warehouses["moved"] == warehouses["fresh_before"]
    # nothing new at the vendor: a quiet night's load, not a re-read of every day
    assert warehouses["moved_run"]["loaded"] == {"ipscape": 0}
    starts = warehouses["moved_dialler_from"]
    assert starts, "the dialler feed was not read"
    assert min(starts) >= warehouses["moved_newest_dialled"] - LAG - timedelta(seconds=1)


def test_a_warehouse_restored_from_a_backup_reads_the_days_since_the_backup(
    warehouses: dict,
) -> None:
    assert warehouses["restored"] == warehouses["served"]
    # the days after the backup hold rows the backup did not
    for table, keys in warehouses["served"].items():
        assert set(keys) > set(warehouses["served_before"][table]), table


def test_a_warning_says_when_the_local_state_was_set_aside(warehouses: dict) -> None:
    assert warehouses["first_run"]["warnings"] == []
    assert warehouses["next_night"]["warnings"] == []
    [deleted] = warehouses["deleted_run"]["warnings"]
    assert "holds no state" in deleted and "loads from its start date" in deleted
    for case in ("moved_run", "restored_run"):
        [warning] = warehouses[case]["warnings"]
        assert "the warehouse's state is restored" in warning, case
