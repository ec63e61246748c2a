"""The QVoice source's edge cases, each against its own simulator over real HTTP:
paging quirks, a second refusal after re-login, wrong credentials. Load only (no dbt)."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator import QVoiceConfig, QVoiceWorld, SimulatorServer
from tests.support import configure_qvoice, query, run_cli

HISTORY_PATH = "/api/v2/reports/campaigns/leads/history"


def history_key(row: dict) -> str:
    call_id = str(row.get("call_id") or "").strip()
    return call_id or f"{row['timestamp']}|{row['lead_number']}|{row['campaign_name']}"


def load(
    tmp_path: Path, config: QVoiceConfig, capsys: pytest.CaptureFixture, **overrides: str
) -> tuple[int, str, QVoiceWorld, SimulatorServer]:
    """One `load --source qvoice` against a fresh simulator; returns code, stderr, world."""
    world = QVoiceWorld(config)
    database = tmp_path / "dialer.duckdb"
    with SimulatorServer(None, qvoice=world) as server, pytest.MonkeyPatch.context() as env:
        configure_qvoice(env, server.qvoice_base_url, config)
        for key, value in overrides.items():
            env.setenv(key, value)
        code, _ = run_cli("load", "--source", "qvoice", "--warehouse", str(database))
    return code, capsys.readouterr().err, world, database


def loaded_keys(database: Path) -> list[str]:
    return [
        row["history_key"]
        for row in query(database, "select history_key from qvoice_raw.leads_history")
    ]


def test_a_repeated_next_start_key_stops_cleanly(tmp_path: Path, capsys) -> None:
    config = QVoiceConfig.for_days(3, page_size=20, repeat_last_key=True)
    code, err, world, database = load(tmp_path, config, capsys)
    assert code == 0, err
    expected = sorted(history_key(row) for row in world.ground_truth().leads_history)
    assert sorted(loaded_keys(database)) == expected


def test_a_bare_array_is_one_page(tmp_path: Path, capsys) -> None:
    config = QVoiceConfig.for_days(3, history_bare_array=True)
    code, err, world, database = load(tmp_path, config, capsys)
    assert code == 0, err
    expected = sorted(history_key(row) for row in world.ground_truth().leads_history)
    assert sorted(loaded_keys(database)) == expected


def test_a_second_refusal_after_relogin_fails_clearly(tmp_path: Path, capsys) -> None:
    config = QVoiceConfig.for_days(2)
    world = QVoiceWorld(config)
    with SimulatorServer(None, qvoice=world) as server, pytest.MonkeyPatch.context() as env:
        configure_qvoice(env, server.qvoice_base_url, config)
        server.faults.add(HISTORY_PATH, status=401, times=2)
        code, _ = run_cli("load", "--source", "qvoice", "--warehouse", str(tmp_path / "w.duckdb"))
        logins = sum(1 for r in server.requests if r.path == "/api/v2/login")
    err = capsys.readouterr().err
    assert code == 1
    assert "qvoice: the API refused the credentials (HTTP 401 at GET" in err
    assert HISTORY_PATH in err
    assert logins == 2, "one login for the run, one re-login after the first 401"
    assert config.password not in err


def test_wrong_password_names_the_settings(tmp_path: Path, capsys) -> None:
    config = QVoiceConfig.for_days(1)
    code, err, _, _ = load(
        tmp_path, config, capsys, SOURCES__QVOICE__PASSWORD="not-the-password-93f1"
    )
    assert code == 1
    assert "qvoice: login refused (HTTP 400 at POST /api/v2/login)" in err
    assert "SOURCES__QVOICE__PASSWORD" in err
    assert "not-the-password-93f1" not in err


def test_wrong_account_is_refused_with_a_hint(tmp_path: Path, capsys) -> None:
    config = QVoiceConfig.for_days(1)
    code, err, _, _ = load(tmp_path, config, capsys, SOURCES__QVOICE__ACCOUNT_ID="someone-else")
    assert code == 1
    assert "HTTP 403" in err
    assert "SOURCES__QVOICE__ACCOUNT_ID" in err


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("SOURCES__QVOICE__CONCURRENCY", "0", "SOURCES__QVOICE__CONCURRENCY must be at least 1"),
        ("SOURCES__QVOICE__WINDOW_DAYS", "0", "SOURCES__QVOICE__WINDOW_DAYS must be positive"),
    ],
)
def test_unusable_window_settings_name_the_setting(
    tmp_path: Path, capsys, setting: str, value: str, message: str
) -> None:
    config = QVoiceConfig.for_days(1)
    code, err, _, database = load(tmp_path, config, capsys, **{setting: value})
    assert code == 2, err
    assert f"qvoice: {message}" in err
    assert not database.exists() or not query(
        database,
        "select 1 from information_schema.tables where table_schema = 'qvoice_raw'",
    )
