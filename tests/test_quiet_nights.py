"""A night with nothing new rebuilds and exports nothing; a changed row, even without
new rows, rebuilds the marts.

One small ipSCAPE warehouse for the module, four `run`s: the first night; a quiet
night (same clock); a night where the vendor changed one attempt already loaded (its
dial status) and sent nothing new; another quiet night.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from simulator import IpscapeWorld, SimulatorConfig, SimulatorServer
from tests.support import configure_ipscape, query, run_cli
from warehouse.paths import WarehouseLocation

DIALLER = "/v3.0/calls/dialler"


@dataclass
class Night:
    exit_code: int
    output: str
    steps: dict[str, float]
    export_mtimes: dict[str, int]
    new_rows: dict[str, int]
    rows_loaded: dict[str, int]
    landed_files: list[str]  # files the feeds wrote for dlt, left after the run


def night(database: Path) -> Night:
    code, output = run_cli("run", "--warehouse", str(database))
    [row] = query(
        database,
        "select step_seconds, rows_new, rows_loaded from ops.runs order by started_at desc limit 1",
    )
    exports = database.parent / "exports"
    mtimes = {path.name: path.stat().st_mtime_ns for path in sorted(exports.glob("*.parquet"))}
    landing = WarehouseLocation(database).landing_dir
    landed = sorted(str(path) for path in landing.rglob("*") if path.is_file())
    return Night(
        code,
        output,
        json.loads(row["step_seconds"]),
        mtimes,
        json.loads(row["rows_new"]),
        json.loads(row["rows_loaded"]),
        landed,
    )


@pytest.fixture(scope="module")
def nights(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Night]:
    config = SimulatorConfig.for_days(2, attempts_per_campaign_day=8)
    world = IpscapeWorld(config)
    database = tmp_path_factory.mktemp("quiet") / "dialer.duckdb"
    result = {}
    with SimulatorServer(world) as server, pytest.MonkeyPatch.context() as env:
        configure_ipscape(env, server.base_url, config.api_token, config.start_date)
        # the changed attempt is served as the whole feed: one sequential walk
        env.setenv("SOURCES__IPSCAPE__CONCURRENCY", "1")
        result["first"] = night(database)
        server.clear_requests()
        result["quiet"] = night(database)
        result["quiet_lead_reads"] = [
            r.path for r in server.requests if re.search(r"/leads/\d+$", r.path)
        ]
        newest = world.ground_truth().dialler_attempts[-1]
        status = 3 if newest["dialStatusId"] != 3 else 2
        changed = dict(newest, dialStatusId=status, dialStatusName=f"status {status}")
        # from now on the vendor's feed holds the changed version
        server.faults.add(DIALLER, replace_body={"metadata": {}, "items": [changed]}, times=None)
        result["changed"] = night(database)
        result["changed_attempt"] = query(
            database,
            f"select dial_status_id from ipscape_raw.dialler_attempts "
            f"where attempt_id = {newest['attemptId']}",
        )[0]["dial_status_id"]
        result["expected_status"] = status
        result["quiet_again"] = night(database)
    return result


def test_every_night_succeeds(nights: dict) -> None:
    for name in ("first", "quiet", "changed", "quiet_again"):
        assert nights[name].exit_code == 0, nights[name].output


def test_a_quiet_night_neither_rebuilds_nor_exports(nights: dict) -> None:
    for name, before in (("quiet", "first"), ("quiet_again", "changed")):
        quiet = nights[name]
        assert set(quiet.steps) == {"load:ipscape"}, quiet.steps
        assert quiet.export_mtimes == nights[before].export_mtimes
        assert set(quiet.new_rows.values()) == {0}
        assert "Nothing new" in quiet.output


def test_a_quiet_night_loads_no_row_again(nights: dict) -> None:
    # the lag window's rows come back as they were stored: none is loaded again
    for name in ("quiet", "quiet_again"):
        assert nights[name].rows_loaded == {"ipscape": 0}, nights[name].rows_loaded


def test_a_changed_row_is_the_only_row_loaded(nights: dict) -> None:
    assert nights["changed"].rows_loaded == {"ipscape": 1}


def test_no_night_leaves_files_behind(nights: dict) -> None:
    for name in ("first", "quiet", "changed", "quiet_again"):
        assert nights[name].landed_files == [], name


def test_a_changed_row_without_new_rows_rebuilds_and_exports(nights: dict) -> None:
    changed = nights["changed"]
    assert nights["changed_attempt"] == nights["expected_status"]
    assert set(changed.new_rows.values()) == {0}
    assert {"load:ipscape", "transform", "export"} <= set(changed.steps)
    assert all(changed.steps[step] > 0 for step in ("transform", "export"))
    first_exports = nights["first"].export_mtimes
    assert all(changed.export_mtimes[name] > first_exports[name] for name in first_exports)


def test_a_quiet_night_re_reads_no_lead(nights: dict) -> None:
    # leads are re-read only for attempts new this run; the lag window's are not new
    assert nights["quiet_lead_reads"] == []
