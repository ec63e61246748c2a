"""When whoever reads the command's output leaves early (`dialer-warehouse status | head
-1`, a pager quit), the command carries on quietly: its own exit code, nothing on
stderr, and a load still loads and is logged as succeeded. Each case runs the script with
its stdout a pipe nobody reads any more, unbuffered (the first write meets the closed
pipe) and buffered (the closed pipe shows at the last flush)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from simulator import IpscapeWorld, SimulatorConfig, SimulatorServer

CLI = str(Path(sys.executable).with_name("dialer-warehouse"))
BUFFERING = {"unbuffered": {"PYTHONUNBUFFERED": "1"}, "buffered": {}}


def run_unread(tmp_path: Path, buffering: str, *args: str, **settings: str) -> tuple[int, str]:
    """Exit code and stderr of the script, started with its stdout's reader gone."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SOURCES__", "RUNTIME__")) and k != "PYTHONUNBUFFERED"
    }
    env.update(HOME=str(tmp_path), **BUFFERING[buffering], **settings)
    reader, writer = os.pipe()
    os.close(reader)
    try:
        done = subprocess.run(
            [CLI, *args], cwd=tmp_path, env=env, stdout=writer, stderr=subprocess.PIPE,
            text=True, timeout=120,
        )  # fmt: skip
    finally:
        os.close(writer)
    return done.returncode, done.stderr


@pytest.fixture(scope="module")
def simulator():
    config = SimulatorConfig.for_days(2, attempts_per_campaign_day=5)
    with SimulatorServer(IpscapeWorld(config)) as server:
        yield server, config


@pytest.fixture
def empty_warehouse(tmp_path: Path) -> Path:
    database = tmp_path / "wh" / "dialer.duckdb"
    database.parent.mkdir()
    duckdb.connect(str(database)).close()
    return database


@pytest.mark.parametrize("buffering", list(BUFFERING))
def test_help_ends_quietly(tmp_path: Path, buffering: str) -> None:
    assert run_unread(tmp_path, buffering, "--help") == (0, "")


@pytest.mark.parametrize("buffering", list(BUFFERING))
def test_status_keeps_its_own_exit_code(
    tmp_path: Path, empty_warehouse: Path, buffering: str
) -> None:
    quiet = run_unread(tmp_path, buffering, "status", "--warehouse", str(empty_warehouse))
    assert quiet == (0, "")
    stale = run_unread(
        tmp_path,
        buffering,
        "status",
        "--warehouse",
        str(empty_warehouse),
        SOURCES__IPSCAPE__BASE_URL="http://127.0.0.1:9/platform-api",
        SOURCES__IPSCAPE__API_TOKEN="never-sent",
    )
    assert stale == (5, "")  # ipSCAPE configured, never loaded: stale


@pytest.mark.parametrize("buffering", list(BUFFERING))
def test_a_load_whose_summary_nobody_reads_still_loads(
    simulator, tmp_path: Path, buffering: str
) -> None:
    server, config = simulator
    database = tmp_path / "wh" / "dialer.duckdb"
    code, stderr = run_unread(
        tmp_path,
        buffering,
        "load",
        "--source",
        "ipscape",
        "--warehouse",
        str(database),
        SOURCES__IPSCAPE__BASE_URL=server.base_url,
        SOURCES__IPSCAPE__API_TOKEN=config.api_token,
        SOURCES__IPSCAPE__START_DATE=config.start_date.isoformat(),
    )
    assert (code, stderr) == (0, "")
    truth = server.world.ground_truth()
    with duckdb.connect(str(database), read_only=True) as connection:
        loaded = connection.execute(
            "select attempt_id from ipscape_raw.dialler_attempts order by attempt_id"
        ).fetchall()
        runs = connection.execute("select command, status from ops.runs").fetchall()
    assert [attempt_id for (attempt_id,) in loaded] == sorted(
        attempt["attemptId"] for attempt in truth.dialler_attempts
    )
    assert runs == [("load", "succeeded")]
