"""Runs that meet each other or the warehouse's readers, and the run log they leave:
one run at a time (a second exits at once), a killed run's stale lock taken over, a
reader holding the DuckDB file waited for a bounded time, `ops.runs` and `status`.

The job runs as a separate process (as cron starts it), against an ipSCAPE simulator.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from simulator import IpscapeWorld, SimulatorConfig, SimulatorServer

CLI = str(Path(sys.executable).with_name("dialer-warehouse"))
SLOW_PAGE_SECONDS = 3.0


@pytest.fixture(scope="module")
def simulator():
    config = SimulatorConfig.for_days(2, attempts_per_campaign_day=5)
    with SimulatorServer(IpscapeWorld(config)) as server:
        yield server, config


def environment(
    tmp_path: Path, server: SimulatorServer, config: SimulatorConfig, **extra: str
) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOURCES__", "RUNTIME__"))}
    env |= {
        "HOME": str(tmp_path),
        "DIALER_WAREHOUSE_PATH": str(tmp_path / "wh" / "dialer.duckdb"),
        "SOURCES__IPSCAPE__BASE_URL": server.base_url,
        "SOURCES__IPSCAPE__API_TOKEN": config.api_token,
        "SOURCES__IPSCAPE__START_DATE": config.start_date.isoformat(),
        "RUNTIME__REQUEST_MAX_ATTEMPTS": "2",
        "RUNTIME__REQUEST_BACKOFF_FACTOR": "0.01",
    }
    return env | extra


def cli(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [CLI, *args], env=env, cwd=env["HOME"], capture_output=True, text=True, timeout=180
    )


def start_cli(env: dict, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [CLI, *args],
        env=env,
        cwd=env["HOME"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_until_requested(server: SimulatorServer, path: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not any(r.path.endswith(path) for r in server.requests):
        assert time.monotonic() < deadline, f"{path} was never requested"
        time.sleep(0.02)


def runs(database: Path) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(
            "select command, status, error from ops.runs order by started_at"
        ).fetchall()


def test_a_second_run_exits_at_once_while_the_first_holds_the_warehouse(
    simulator, tmp_path: Path
) -> None:
    server, config = simulator
    env = environment(tmp_path, server, config)
    assert cli(env, "load").returncode == 0  # the warehouse exists; its run log too
    server.clear_requests()
    server.faults.add("/v3.0/calls/dialler", delay_seconds=SLOW_PAGE_SECONDS)
    first = start_cli(env, "load")
    wait_until_requested(server, "/v3.0/calls/dialler")
    started = time.monotonic()
    second = cli(env, "load")
    assert time.monotonic() - started < SLOW_PAGE_SECONDS, "the second run waited"
    assert second.returncode == 3
    assert "another run holds the warehouse since" in second.stderr
    assert f"pid {first.pid}" in second.stderr
    assert first.wait(timeout=120) == 0, first.stderr.read()
    assert [status for _, status, _ in runs(tmp_path / "wh" / "dialer.duckdb")] == ["succeeded"] * 2


def test_a_killed_run_leaves_a_stale_lock_the_next_run_takes_over(
    simulator, tmp_path: Path
) -> None:
    server, config = simulator
    env = environment(tmp_path, server, config)
    assert cli(env, "load").returncode == 0
    server.clear_requests()
    server.faults.add("/v3.0/calls/dialler", delay_seconds=SLOW_PAGE_SECONDS)
    doomed = start_cli(env, "load")
    wait_until_requested(server, "/v3.0/calls/dialler")
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(timeout=30)
    after = cli(env, "load")
    assert after.returncode == 0, after.stderr
    assert f"taking over a stale lock left by pid {doomed.pid}" in after.stderr
    database = tmp_path / "wh" / "dialer.duckdb"
    assert [status for _, status, _ in runs(database)] == ["succeeded", "running", "succeeded"]
    status = cli(env, "status", "--max-age-hours", "1000000")
    assert status.returncode == 0, status.stderr
    assert "interrupted" in status.stdout


def test_a_reader_holding_the_file_makes_the_run_wait_then_fail_clearly(
    simulator, tmp_path: Path
) -> None:
    server, config = simulator
    env = environment(tmp_path, server, config, DIALER_WAREHOUSE_WAIT_SECONDS="1")
    assert cli(env, "load").returncode == 0
    database = tmp_path / "wh" / "dialer.duckdb"
    reader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, time; c = duckdb.connect({str(database)!r}, read_only=True); "
            "print('open', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout.readline().strip() == "open"
        started = time.monotonic()
        blocked = cli(env, "load")
        assert blocked.returncode == 4
        assert "held by another process" in blocked.stderr
        assert f"PID {reader.pid}" in blocked.stderr
        assert time.monotonic() - started < 30
    finally:
        reader.kill()
        reader.wait()
    assert cli(env, "load").returncode == 0


def test_status_reports_runs_and_stale_sources(simulator, tmp_path: Path) -> None:
    server, config = simulator
    env = environment(tmp_path, server, config)
    assert cli(env, "load").returncode == 0
    wrong = cli(env | {"SOURCES__IPSCAPE__API_TOKEN": "wrong-token-1e6f"}, "load")
    assert wrong.returncode == 1
    recorded = runs(tmp_path / "wh" / "dialer.duckdb")
    assert [(command, status) for command, status, _ in recorded] == [
        ("load", "succeeded"),
        ("load", "failed"),
    ]
    assert "refused the credentials" in recorded[1][2]
    assert "wrong-token-1e6f" not in recorded[1][2]
    stale = cli(env, "status")  # the simulator's data is from 2026-04: older than 36 h
    assert stale.returncode == 5
    assert "ipscape" in stale.stdout and "stale" in stale.stdout
    fresh = cli(env, "status", "--max-age-hours", "1000000")
    assert fresh.returncode == 0
    assert "refused the credentials" in fresh.stdout
