"""An answer that is not JSON, or of the wrong shape: the run fails for that resource
with the URL and an excerpt, the other resources and sources still load, nothing
partial is committed for the failed one, and the next run completes the data.
Also: a CloudAgent token invalidated mid-run is regenerated once."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from simulator import (
    CloudAgentConfig,
    CloudAgentWorld,
    IpscapeWorld,
    QVoiceConfig,
    QVoiceWorld,
    SimulatorConfig,
    SimulatorServer,
)
from sources.common.rate_limiter import RateLimiter
from tests.support import configure_ipscape, configure_qvoice, query, quick_retries, run_cli
from warehouse.load import load_source
from warehouse.paths import WarehouseLocation
from warehouse.registry import SOURCES


def keys(database: Path, table: str, column: str) -> list:
    try:
        return sorted(row[column] for row in query(database, f"select {column} from {table}"))
    except Exception:  # the table does not exist: nothing was committed
        return []


@pytest.mark.parametrize(
    ("fault", "phrase"),
    [
        ({"truncate_body": True}, "is not valid JSON"),
        ({"replace_body": {"rows": []}}, "has no 'items'"),
    ],
)
def test_ipscape_a_broken_page_fails_only_its_resource(
    tmp_path: Path, capsys: pytest.CaptureFixture, fault: dict, phrase: str
) -> None:
    config = SimulatorConfig.for_days(2, attempts_per_campaign_day=8)
    world = IpscapeWorld(config)
    database = tmp_path / "dialer.duckdb"
    with SimulatorServer(world) as server, pytest.MonkeyPatch.context() as env:
        configure_ipscape(env, server.base_url, config.api_token, config.start_date)
        server.faults.add("/v3.0/activities", **fault)
        code, _ = run_cli("load", "--source", "ipscape", "--warehouse", str(database))
        err = capsys.readouterr().err
        truth = world.ground_truth()
        assert code == 1
        assert f"ipscape: activities: GET {server.base_url}/v3.0/activities answered 200" in err
        assert phrase in err and "'" in err.split(phrase, 1)[1]  # an excerpt follows
        assert keys(database, "ipscape_raw.activities", "data__activity_id") == []
        attempts = keys(database, "ipscape_raw.dialler_attempts", "attempt_id")
        assert attempts == sorted(a["attemptId"] for a in truth.dialler_attempts)
        assert run_cli("load", "--source", "ipscape", "--warehouse", str(database))[0] == 0
    activities = keys(database, "ipscape_raw.activities", "data__activity_id")
    assert activities == sorted(a["data"]["activityId"] for a in truth.activities)


def test_qvoice_a_broken_history_page_leaves_the_snapshots_loading(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    config = QVoiceConfig.for_days(2, page_size=20)
    world = QVoiceWorld(config)
    database = tmp_path / "dialer.duckdb"
    with SimulatorServer(None, qvoice=world) as server, pytest.MonkeyPatch.context() as env:
        configure_qvoice(env, server.qvoice_base_url, config)
        server.faults.add("/api/v2/reports/campaigns/leads/history", truncate_body=True)
        code, _ = run_cli("load", "--source", "qvoice", "--warehouse", str(database))
        err = capsys.readouterr().err
        truth = world.ground_truth()
        assert code == 1
        assert "qvoice: leads_history: GET" in err and "is not valid JSON" in err
        assert keys(database, "qvoice_raw.leads_history", "history_key") == []
        leads = keys(database, "qvoice_raw.campaign_leads", "id")
        assert leads == sorted(lead["id"] for lead in truth.campaign_leads)
        assert run_cli("load", "--source", "qvoice", "--warehouse", str(database))[0] == 0
    assert len(keys(database, "qvoice_raw.leads_history", "history_key")) == len(
        truth.leads_history
    )


class InvalidatingLimiter(RateLimiter):
    """Before the second dial-status request, someone else generates a token (which
    invalidates the source's cached one), as a second deployment would."""

    def __init__(self, server: SimulatorServer, config: CloudAgentConfig) -> None:
        super().__init__(10, 60.0)
        self.server, self.config, self.calls = server, config, 0

    def acquire(self) -> None:
        self.calls += 1
        if self.calls == 2:
            answer = requests.post(
                f"{self.server.cloudagent_base_url}/ca_apis/caToken/generateToken",
                headers={"apiKey": self.config.api_key},
                json={"userName": self.config.user_name},
                timeout=10,
            )
            assert answer.json().get("token")
        super().acquire()


def test_cloudagent_token_invalidated_mid_run_is_regenerated_once(tmp_path: Path) -> None:
    config = CloudAgentConfig.for_days(2)
    world = CloudAgentWorld(config)
    location = WarehouseLocation(tmp_path / "dialer.duckdb")
    with SimulatorServer(cloudagent=world) as server, pytest.MonkeyPatch.context() as env:
        for key, value in {
            "BASE_URL": server.cloudagent_base_url,
            "API_KEY": config.api_key,
            "USER_NAME": config.user_name,
            "CAMPAIGNS": "Loan_Offers,Card_Upsell,Renewal_Calls",
            "CALLBACK_SECRET": "cb-secret",
            "CALLBACK_LISTEN": "127.0.0.1:0",
            "CALLBACK_WAIT_SECONDS": "10",
            "START_DATE": config.start_date.isoformat(),
        }.items():
            env.setenv(f"SOURCES__CLOUDAGENT__{key}", value)
        quick_retries(env)
        limiter = InvalidatingLimiter(server, config)
        load_source(
            SOURCES["cloudagent"], location, {"limiter": limiter, "clock": lambda: world.clock}
        )
        requests_made = world.dial_status_requests
    refused = [r for r in requests_made if not r.accepted]
    assert [r.message for r in refused] == ["Authentication failed"]
    assert {r.campaign_name for r in requests_made if r.accepted} == {
        "Loan_Offers",
        "Card_Upsell",
        "Renewal_Calls",
    }
    landed = query(location.database, "select distinct campaign_name from cloudagent_raw.callbacks")
    assert len(landed) == 3
