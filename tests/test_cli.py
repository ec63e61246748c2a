"""The command line's failure paths, as cron would meet them: a separate process,
started outside the project directory, one line on stderr, the right exit code, and
never the secret."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from simulator import IpscapeWorld, SimulatorConfig, SimulatorServer

CLI = str(Path(sys.executable).with_name("dialer-warehouse"))
WRONG_TOKEN = "wrong-token-5f2a9c81d7"


@pytest.fixture(scope="module")
def simulator():
    config = SimulatorConfig.for_days(2, attempts_per_campaign_day=5)
    with SimulatorServer(IpscapeWorld(config)) as server:
        yield server, config


def run(tmp_path: Path, *args: str, **settings: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOURCES__", "RUNTIME__"))}
    env.update(
        HOME=str(tmp_path),
        DIALER_WAREHOUSE_PATH=str(tmp_path / "wh" / "dialer.duckdb"),
        RUNTIME__REQUEST_MAX_ATTEMPTS="2",
        RUNTIME__REQUEST_BACKOFF_FACTOR="0.01",
        RUNTIME__REQUEST_MAX_RETRY_DELAY="0.05",
        RUNTIME__REQUEST_TIMEOUT="5",
    )
    env.update(settings)
    return subprocess.run(
        [CLI, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )


def assert_one_line_failure(result: subprocess.CompletedProcess, code: int, *phrases: str) -> None:
    assert result.returncode == code, result.stderr
    lines = [
        line
        for line in result.stderr.splitlines()
        if line.strip() and not line.endswith("skipped (no base_url configured)")
    ]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for phrase in phrases:
        assert phrase in lines[0]


def files_text(folder: Path) -> str:
    texts = []
    for path in folder.rglob("*"):
        if path.is_file():
            texts.append(path.read_bytes().decode("utf-8", errors="replace"))
    return "\n".join(texts)


def test_wrong_token_fails_clearly_and_never_shows_the_token(simulator, tmp_path: Path) -> None:
    server, _ = simulator
    result = run(
        tmp_path,
        "run",
        SOURCES__IPSCAPE__BASE_URL=server.base_url,
        SOURCES__IPSCAPE__API_TOKEN=WRONG_TOKEN,
    )
    assert_one_line_failure(result, 1, "ipscape", "refused the credentials", "HTTP 401")
    assert WRONG_TOKEN not in result.stdout + result.stderr + files_text(tmp_path)


def test_verbose_failure_shows_a_traceback_but_not_the_token(simulator, tmp_path: Path) -> None:
    server, _ = simulator
    result = run(
        tmp_path,
        "--verbose",
        "load",
        SOURCES__IPSCAPE__BASE_URL=server.base_url,
        SOURCES__IPSCAPE__API_TOKEN=WRONG_TOKEN,
    )
    assert result.returncode == 1
    assert "Traceback" in result.stderr
    assert WRONG_TOKEN not in result.stdout + result.stderr + files_text(tmp_path)


def test_unreachable_api_fails_after_retries(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    result = run(
        tmp_path,
        "run",
        SOURCES__IPSCAPE__BASE_URL=f"http://127.0.0.1:{closed_port}/platform-api",
        SOURCES__IPSCAPE__API_TOKEN=WRONG_TOKEN,
    )
    assert_one_line_failure(result, 1, "ipscape", "unreachable", f"127.0.0.1:{closed_port}")
    assert WRONG_TOKEN not in result.stdout + result.stderr


def test_a_named_source_without_base_url_is_a_config_error(tmp_path: Path) -> None:
    result = run(tmp_path, "run", "--source", "ipscape")
    assert_one_line_failure(result, 2, "ipscape", "SOURCES__IPSCAPE__BASE_URL")


def test_an_unconfigured_source_is_skipped_with_a_note(tmp_path: Path) -> None:
    result = run(tmp_path, "run")
    assert result.returncode == 2
    assert "ipscape: skipped (no base_url configured)" in result.stderr
    assert "no source is configured" in result.stderr


def test_missing_token_names_the_setting(simulator, tmp_path: Path) -> None:
    server, _ = simulator
    result = run(tmp_path, "load", SOURCES__IPSCAPE__BASE_URL=server.base_url)
    assert_one_line_failure(result, 2, "api_token", "SOURCES__IPSCAPE__API_TOKEN")


def test_unknown_source_is_a_usage_error(tmp_path: Path) -> None:
    result = run(tmp_path, "load", "--source", "nosuchvendor")
    assert_one_line_failure(result, 2, "unknown source 'nosuchvendor'")


def test_load_from_another_directory_uses_the_warehouse_setting(simulator, tmp_path: Path) -> None:
    server, config = simulator
    result = run(
        tmp_path,
        "load",
        SOURCES__IPSCAPE__BASE_URL=server.base_url,
        SOURCES__IPSCAPE__API_TOKEN=config.api_token,
        SOURCES__IPSCAPE__START_DATE=config.start_date.isoformat(),
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "wh" / "dialer.duckdb").exists()
    assert "ipscape_raw.dialler_attempts" in result.stdout
    assert config.api_token not in result.stdout + result.stderr + files_text(
        tmp_path / "wh" / ".state"
    )


def test_a_bad_record_is_quarantined_and_the_rest_of_its_page_loads(
    simulator, tmp_path: Path
) -> None:
    server, config = simulator
    settings = {
        "SOURCES__IPSCAPE__BASE_URL": server.base_url,
        "SOURCES__IPSCAPE__API_TOKEN": config.api_token,
        "SOURCES__IPSCAPE__START_DATE": config.start_date.isoformat(),
    }
    assert run(tmp_path, "load", **settings).returncode == 0
    database = tmp_path / "wh" / "dialer.duckdb"
    before = table_counts(database)
    good = dict(server.world.ground_truth().dialler_attempts[-1], attemptId=4241)
    bad = {"attemptId": 4242, "timestamps": {"dialled": "yesterday-ish"}}
    server.faults.add("/v3.0/calls/dialler", replace_body={"metadata": {}, "items": [good, bad]})
    result = run(tmp_path, "run", **settings)
    assert result.returncode == 0, result.stderr
    after = table_counts(database)
    assert after["dialler_attempts"] == before["dialler_attempts"] + 1  # the good one
    with duckdb.connect(str(database), read_only=True) as connection:
        quarantined = connection.execute(
            "select resource, record_id, field, reason, record, _dlt_load_id "
            "from ipscape_raw._quarantine"
        ).fetchall()
        quality = connection.execute(
            "select check_name, table_name, detail, occurrences from marts.data_quality"
        ).fetchall()
    [(resource, record_id, field, reason, record, load_id)] = quarantined
    assert (resource, record_id, field) == ("dialler_attempts", "4242", "timestamps.dialled")
    assert "yesterday-ish" in reason and json.loads(record) == bad and load_id
    assert ("quarantined_record", "dialler_attempts", "timestamps.dialled", 1) in quality
    assert "_quarantine" in result.stdout


def table_counts(database: Path) -> dict[str, int]:
    with duckdb.connect(str(database), read_only=True) as connection:
        tables = connection.execute(
            "select table_name from information_schema.tables where table_schema = 'ipscape_raw'"
        ).fetchall()
        return {
            name: connection.execute(f'select count(*) from ipscape_raw."{name}"').fetchone()[0]
            for (name,) in tables
        }
