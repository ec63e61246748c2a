"""HTTP faults on each source's main feed, over real HTTP against one simulator serving
the three vendors, each run a `load --source X` into a fresh DuckDB file (no dbt).

Per source and fault kind (429 with `Retry-After: 0`, a 503 burst, a connection reset,
a read timeout, a body that stalls after its headers):
- a burst shorter than the retry bound is retried and the raw table holds exactly the
  simulator's records;
- a burst longer than the bound stops after exactly `RUNTIME__REQUEST_MAX_ATTEMPTS`
  tries, the run fails with one stderr line naming the source, the endpoint and the
  last status, and the next run without faults completes the data.

Timeouts and backoffs are fractions of a second: no test waits on a real backoff.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from starlette.requests import ClientDisconnect

from simulator import (
    CloudAgentConfig,
    CloudAgentWorld,
    IpscapeWorld,
    QVoiceConfig,
    QVoiceWorld,
    SimulatorConfig,
    SimulatorServer,
)
from tests.support import configure_ipscape, configure_qvoice, query, run_cli

MAX_ATTEMPTS = 3
TIMEOUT_SECONDS = 0.3
SLOW_SECONDS = 1.0  # a delay or stall well past the read timeout
WITHIN_BOUND = MAX_ATTEMPTS - 1  # faulted tries; the last try is answered
PAST_BOUND = MAX_ATTEMPTS + 2  # more faults pending than the job may try
CLOUDAGENT_CAMPAIGNS = ("Loan_Offers", "Card_Upsell", "Renewal_Calls")


@dataclass(frozen=True)
class FaultKind:
    settings: dict[str, Any]  # keyword arguments of `server.faults.add`
    last_status: str  # how the one-line failure names what the last try met


FAULTS = {
    "429": FaultKind({"status": 429, "retry_after": 0}, "HTTP 429"),
    "503_burst": FaultKind({"status": 503}, "HTTP 503"),
    "connection_reset": FaultKind({"reset_connection": True}, "unreachable"),
    "read_timeout": FaultKind({"delay_seconds": SLOW_SECONDS}, "timed out"),
    "stalled_body": FaultKind({"stall_seconds": SLOW_SECONDS}, "timed out"),
}


@dataclass
class Vendors:
    server: SimulatorServer
    ipscape: IpscapeWorld
    qvoice: QVoiceWorld
    cloudagent: CloudAgentWorld
    ipscape_config: SimulatorConfig
    qvoice_config: QVoiceConfig
    cloudagent_config: CloudAgentConfig


@dataclass(frozen=True)
class Endpoint:
    fault_path: str  # as the simulator's fault injector matches it
    url_path: str  # as the failure message shows it
    loaded: Callable[[Path], list]  # the feed's keys in the warehouse
    expected: Callable[[Vendors, str], list]  # the simulator's keys (arg: callback secret)


@pytest.fixture(scope="module")
def vendors() -> Vendors:
    ipscape_config = SimulatorConfig.for_days(2, attempts_per_campaign_day=5)
    qvoice_config = QVoiceConfig.for_days(2, page_size=40)
    # no account limits in the way: many runs share this account within the module
    cloudagent_config = CloudAgentConfig.for_days(
        2, rate_limit_per_minute=1000, tokens_per_hour=1000
    )
    ipscape = IpscapeWorld(ipscape_config)
    qvoice = QVoiceWorld(qvoice_config)
    cloudagent = CloudAgentWorld(cloudagent_config)
    # a POST that timed out leaves the simulator's handler a ClientDisconnect, which
    # uvicorn logs to this process's stderr; the tests read the job's stderr
    simulator_log = logging.getLogger("uvicorn.error")
    simulator_log.addFilter(drop_client_disconnects)
    try:
        with SimulatorServer(ipscape, qvoice=qvoice, cloudagent=cloudagent) as server:
            yield Vendors(
                server,
                ipscape,
                qvoice,
                cloudagent,
                ipscape_config,
                qvoice_config,
                cloudagent_config,
            )
    finally:
        simulator_log.removeFilter(drop_client_disconnects)


def drop_client_disconnects(record: logging.LogRecord) -> bool:
    return not (record.exc_info and isinstance(record.exc_info[1], ClientDisconnect))


@pytest.fixture
def callback_secret(vendors: Vendors, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every source configured against the simulator, quick retries and a short read
    timeout; a callback secret of this test's own, so only its callbacks count."""
    server = vendors.server
    server.faults.clear()
    configure_ipscape(
        monkeypatch,
        server.base_url,
        vendors.ipscape_config.api_token,
        vendors.ipscape_config.start_date,
    )
    configure_qvoice(monkeypatch, server.qvoice_base_url, vendors.qvoice_config)
    secret = f"cb-{uuid.uuid4().hex}"
    config = vendors.cloudagent_config
    for key, value in {
        "BASE_URL": server.cloudagent_base_url,
        "API_KEY": config.api_key,
        "USER_NAME": config.user_name,
        "CAMPAIGNS": ",".join(CLOUDAGENT_CAMPAIGNS),
        "CALLBACK_SECRET": secret,
        "CALLBACK_LISTEN": "127.0.0.1:0",
        "CALLBACK_WAIT_SECONDS": "10",
        "START_DATE": config.start_date.isoformat(),
    }.items():
        monkeypatch.setenv(f"SOURCES__CLOUDAGENT__{key}", value)
    monkeypatch.setenv("RUNTIME__REQUEST_MAX_ATTEMPTS", str(MAX_ATTEMPTS))
    monkeypatch.setenv("RUNTIME__REQUEST_TIMEOUT", str(TIMEOUT_SECONDS))
    yield secret
    server.faults.clear()


IPSCAPE_TABLES = {
    "dialler_attempts": ("attempt_id", lambda r: r["attemptId"]),
    "activities": ("data__activity_id", lambda r: r["data"]["activityId"]),
    "leads": ("lead_id", lambda r: r["leadId"]),
    "lead_lists": ("id", lambda r: r["id"]),
    "campaigns": ("campaign_id", lambda r: r["campaignId"]),
    "users": ("user_id", lambda r: r["userId"]),
}


def ipscape_loaded(database: Path) -> list:
    return [
        (table, sorted(r[key] for r in query(database, f"select {key} from ipscape_raw.{table}")))
        for table, (key, _) in IPSCAPE_TABLES.items()
    ]


def ipscape_expected(vendors: Vendors, _: str) -> list:
    truth = vendors.ipscape.ground_truth()
    return [
        (table, sorted(key_of(record) for record in getattr(truth, table)))
        for table, (_, key_of) in IPSCAPE_TABLES.items()
    ]


def qvoice_history_key(row: dict) -> str:
    call_id = str(row.get("call_id") or "").strip()
    return call_id or f"{row['timestamp']}|{row['lead_number']}|{row['campaign_name']}"


def qvoice_loaded(database: Path) -> list:
    return sorted(
        r["history_key"]
        for r in query(database, "select history_key from qvoice_raw.leads_history")
    )


def qvoice_expected(vendors: Vendors, _: str) -> list:
    return sorted(qvoice_history_key(row) for row in vendors.qvoice.ground_truth().leads_history)


def cloudagent_loaded(database: Path) -> list:
    rows = query(
        database,
        "select campaign_name, lead_key, last_dialed_time, updated_date "
        "from cloudagent_raw.dial_status",
    )
    return sorted(tuple(row.values()) for row in rows)


def cloudagent_expected(vendors: Vendors, secret: str) -> list:
    """Every row version the receivers of this test's runs took (2xx), once each."""
    assert vendors.server.wait_for_deliveries(timeout=10)
    versions = set()
    for delivery in vendors.cloudagent.deliveries:
        if not delivery.delivered or not delivery.url.endswith(f"/{secret}"):
            continue
        for row in delivery.rows:
            lead = str(row.get("leadId") or "").strip() or str(row.get("phoneNumber") or "")
            versions.add(
                (
                    row.get("campaignName") or delivery.campaign_name,
                    lead.strip(),
                    row.get("lastDialedTime") or "",
                    row.get("updatedDate") or "",
                )
            )
    return sorted(versions)


HISTORY_PATH = "/api/v2/reports/campaigns/leads/history"
DIAL_STATUS_PATH = "/endpoint/dailer/data/preview/download"
ENDPOINTS = {
    "ipscape": Endpoint(
        "/v3.0/calls/dialler", "/platform-api/v3.0/calls/dialler", ipscape_loaded, ipscape_expected
    ),
    "qvoice": Endpoint(HISTORY_PATH, HISTORY_PATH, qvoice_loaded, qvoice_expected),
    "cloudagent": Endpoint(
        DIAL_STATUS_PATH, DIAL_STATUS_PATH, cloudagent_loaded, cloudagent_expected
    ),
}


def load(source: str, database: Path) -> int:
    code, _ = run_cli("load", "--source", source, "--warehouse", str(database))
    return code


def assert_complete(source: str, vendors: Vendors, database: Path, secret: str) -> None:
    endpoint = ENDPOINTS[source]
    loaded = endpoint.loaded(database)
    expected = endpoint.expected(vendors, secret)
    assert expected, "the simulator served nothing: the test proves nothing"
    assert loaded == expected


@pytest.mark.parametrize("fault", list(FAULTS))
@pytest.mark.parametrize("source", list(ENDPOINTS))
def test_a_burst_within_the_retry_bound_is_retried_and_loads_everything(
    vendors: Vendors, callback_secret: str, tmp_path: Path, capsys, source: str, fault: str
) -> None:
    endpoint = ENDPOINTS[source]
    vendors.server.faults.add(endpoint.fault_path, times=WITHIN_BOUND, **FAULTS[fault].settings)
    database = tmp_path / "dialer.duckdb"
    code = load(source, database)
    err = capsys.readouterr().err
    assert code == 0, err
    assert vendors.server.faults.hits == {endpoint.fault_path: WITHIN_BOUND}
    assert_complete(source, vendors, database, callback_secret)


@pytest.mark.parametrize("fault", list(FAULTS))
@pytest.mark.parametrize("source", list(ENDPOINTS))
def test_a_burst_past_the_bound_fails_clearly_and_the_next_run_completes(
    vendors: Vendors, callback_secret: str, tmp_path: Path, capsys, source: str, fault: str
) -> None:
    endpoint, kind = ENDPOINTS[source], FAULTS[fault]
    server = vendors.server
    server.faults.add(endpoint.fault_path, times=PAST_BOUND, **kind.settings)
    database = tmp_path / "dialer.duckdb"
    code = load(source, database)
    err = capsys.readouterr().err
    assert code == 1, err
    assert server.faults.hits == {endpoint.fault_path: MAX_ATTEMPTS}, "tries past the bound"
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith(f"dialer-warehouse: {source}: "), lines[0]
    assert endpoint.url_path in lines[0], lines[0]
    assert kind.last_status in lines[0], lines[0]

    server.faults.clear()
    code = load(source, database)
    err = capsys.readouterr().err
    assert code == 0, err
    assert_complete(source, vendors, database, callback_secret)
