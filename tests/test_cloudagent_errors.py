"""CloudAgent's error answers (HTTP 200 with a status "error" body) become clear,
specific messages through the CLI, and never show the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator import CloudAgentConfig, CloudAgentWorld, SimulatorServer
from tests.support import quick_retries, run_cli

WRONG_KEY = "wrong-api-key-77c1"


@pytest.mark.parametrize(
    ("setting", "value", "phrase"),
    [
        (
            "SOURCES__CLOUDAGENT__API_KEY",
            WRONG_KEY,
            "refused the credentials (Authentication failed)",
        ),
        (
            "SOURCES__CLOUDAGENT__USER_NAME",
            "nobody",
            "refused the credentials (Authentication failed)",
        ),
        ("SOURCES__CLOUDAGENT__CAMPAIGNS", "[]", "no campaigns configured"),
    ],
)
def test_vendor_refusals_are_named(
    tmp_path: Path, capsys: pytest.CaptureFixture, setting: str, value: str, phrase: str
) -> None:
    config = CloudAgentConfig.for_days(1)
    world = CloudAgentWorld(config)
    with SimulatorServer(cloudagent=world) as server, pytest.MonkeyPatch.context() as env:
        env.setenv("SOURCES__CLOUDAGENT__BASE_URL", server.cloudagent_base_url)
        env.setenv("SOURCES__CLOUDAGENT__API_KEY", config.api_key)
        env.setenv("SOURCES__CLOUDAGENT__USER_NAME", config.user_name)
        env.setenv("SOURCES__CLOUDAGENT__CAMPAIGNS", "Loan_Offers")
        env.setenv("SOURCES__CLOUDAGENT__CALLBACK_SECRET", "s3cret-cb")
        env.setenv("SOURCES__CLOUDAGENT__CALLBACK_LISTEN", "127.0.0.1:0")
        env.setenv("SOURCES__CLOUDAGENT__CALLBACK_WAIT_SECONDS", "0.2")
        env.setenv(setting, value)
        quick_retries(env)
        code, out = run_cli(
            "load", "--source", "cloudagent", "--warehouse", str(tmp_path / "w.duckdb")
        )
    err = capsys.readouterr().err
    assert code != 0
    assert "cloudagent: " in err and phrase in err
    assert WRONG_KEY not in out + err and "s3cret-cb" not in out + err
