"""The same record twice in one page, across pages, and across runs: one row."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator import IpscapeWorld, SimulatorConfig, SimulatorServer
from tests.support import configure_ipscape, query, run_cli


def test_a_record_repeated_within_a_page_across_pages_and_runs_is_one_row(tmp_path: Path) -> None:
    config = SimulatorConfig.for_days(2, attempts_per_campaign_day=8)
    world = IpscapeWorld(config)
    database = tmp_path / "dialer.duckdb"
    with SimulatorServer(world) as server, pytest.MonkeyPatch.context() as env:
        configure_ipscape(env, server.base_url, config.api_token, config.start_date)
        truth = world.ground_truth()
        twice = truth.dialler_attempts[-1]
        # page 1: the same attempt twice, then the whole real feed, which has it again
        server.faults.add(
            "/v3.0/calls/dialler",
            replace_body={"metadata": {"nextUri": "/v3.0/calls/dialler"}, "items": [twice, twice]},
        )
        for _ in range(2):  # and the lag window reads it again on the second run
            code, _ = run_cli("load", "--source", "ipscape", "--warehouse", str(database))
            assert code == 0
    loaded = [
        r["attempt_id"]
        for r in query(database, "select attempt_id from ipscape_raw.dialler_attempts")
    ]
    assert sorted(loaded) == sorted(a["attemptId"] for a in truth.dialler_attempts)
    assert server.faults.log, "the duplicated page was never served"
