"""Records whose shape changes, per source, over real HTTP into one DuckDB file.

One warehouse for the module, built by three rounds of `load --source X` per source and
one `transform`: a clean load; a load where a record carries a field never seen before;
a load where a known field arrives with another type (ipSCAPE `phoneIndex` "one",
QVoice `agent_talk_time` "12s", CloudAgent `holdSeconds` "12s" after it came as a
number). ipSCAPE and QVoice get the changed records as a replaced page of their feed;
CloudAgent as a callback POSTed to the always-on receiver the job loads from.
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass, field
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
from sources.cloudagent.landing import CallbackLanding
from sources.cloudagent.receiver import CALLBACK_PATH, callback_app
from sources.common.background_server import BackgroundServer
from tests.support import column_names, configure_ipscape, configure_qvoice, query, run_cli

SOURCES = ("ipscape", "qvoice", "cloudagent")
CALLBACK_SECRET = "evolution-callback-secret"
CLOUDAGENT_CAMPAIGNS = ("Loan_Offers", "Card_Upsell", "Renewal_Calls")
RECORDING_URL = "https://recordings.example.com/2026/03/31/a1b2.wav"
IPSCAPE_DIALLER = "/v3.0/calls/dialler"
QVOICE_HISTORY = "/api/v2/reports/campaigns/leads/history"


@dataclass(frozen=True)
class Change:
    """Where a source's changed records land and how to find them."""

    table: str  # raw table, in `<source>_raw`
    key_column: str
    new_column: str  # the field never seen before, as dlt names its column
    typed_column: str  # the field whose type changed
    variant_column: str  # where dlt keeps the values of the other type
    variant_value: str


CHANGES = {
    "ipscape": Change(
        "dialler_attempts",
        "attempt_id",
        "recording_url",
        "phone_index",
        "phone_index__v_text",
        "one",
    ),
    "qvoice": Change(
        "leads_history",
        "history_key",
        "recording_url",
        "agent_talk_time",
        "agent_talk_time__v_text",
        "12s",
    ),
    "cloudagent": Change(
        "dial_status", "lead_key", "recording_url", "hold_seconds", "hold_seconds__v_text", "12s"
    ),
}


@dataclass
class Warehouse:
    database: Path
    exit_codes: dict[tuple[str, str], int] = field(default_factory=dict)  # (round, source)
    errors: dict[tuple[str, str], str] = field(default_factory=dict)
    keys: dict[tuple[str, str], object] = field(default_factory=dict)  # changed records' keys
    columns_after_new_field: dict[str, list[str]] = field(default_factory=dict)
    transform_exit_code: int | None = None


def qvoice_history_key(row: dict) -> str:
    call_id = str(row.get("call_id") or "").strip()
    return call_id or f"{row['timestamp']}|{row['lead_number']}|{row['campaign_name']}"


def post_callback(port: int, unique_id: str, row: dict) -> None:
    """A CloudAgent callback with one row, to the receiver, as the vendor sends it."""
    body = {"uniqueId": unique_id, "campaignName": row["campaignName"], "data": [row]}
    answer = requests.post(
        f"http://127.0.0.1:{port}{CALLBACK_PATH}/{CALLBACK_SECRET}", json=body, timeout=10
    )
    assert answer.status_code == 200 and answer.json()["stored"], answer.text


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    ipscape_config = SimulatorConfig.for_days(2, attempts_per_campaign_day=5)
    qvoice_config = QVoiceConfig.for_days(2)
    cloudagent_config = CloudAgentConfig.for_days(2)
    ipscape = IpscapeWorld(ipscape_config)
    qvoice = QVoiceWorld(qvoice_config)
    cloudagent = CloudAgentWorld(cloudagent_config)
    built = Warehouse(tmp_path_factory.mktemp("evolution") / "dialer.duckdb")
    landing = CallbackLanding(built.database.parent / "landing" / "cloudagent")
    with (
        SimulatorServer(ipscape, qvoice=qvoice, cloudagent=cloudagent) as server,
        BackgroundServer(callback_app(landing, CALLBACK_SECRET)) as receiver,
        pytest.MonkeyPatch.context() as env,
    ):
        configure_ipscape(env, server.base_url, ipscape_config.api_token, ipscape_config.start_date)
        # a replaced page stands for the whole feed: read it as one sequential walk
        env.setenv("SOURCES__IPSCAPE__CONCURRENCY", "1")
        configure_qvoice(env, server.qvoice_base_url, qvoice_config)
        for key, value in {
            "BASE_URL": server.cloudagent_base_url,
            "API_KEY": cloudagent_config.api_key,
            "USER_NAME": cloudagent_config.user_name,
            "CAMPAIGNS": ",".join(CLOUDAGENT_CAMPAIGNS),
            "CALLBACK_SECRET": CALLBACK_SECRET,
            "CALLBACK_PUBLIC_URL": f"http://127.0.0.1:{receiver.port}{CALLBACK_PATH}",
            "CALLBACK_WAIT_SECONDS": "10",
            "START_DATE": cloudagent_config.start_date.isoformat(),
        }.items():
            env.setenv(f"SOURCES__CLOUDAGENT__{key}", value)

        def load_round(name: str) -> None:
            for source in SOURCES:
                err = io.StringIO()
                with contextlib.redirect_stderr(err):
                    code, _ = run_cli(
                        "load", "--source", source, "--warehouse", str(built.database)
                    )
                built.exit_codes[name, source] = code
                built.errors[name, source] = err.getvalue()

        load_round("clean")

        attempts = ipscape.ground_truth().dialler_attempts
        history = qvoice.ground_truth().leads_history
        delivered = cloudagent.ground_truth().delivered_rows
        assert attempts and history and delivered, "the simulators served nothing"

        # a field never seen before
        attempt = dict(attempts[-1], recordingUrl=RECORDING_URL)
        server.faults.add(IPSCAPE_DIALLER, replace_body={"metadata": {}, "items": [attempt]})
        # a dial of its own: the replaced page is one window's, and the other windows
        # still serve every real dial as it is
        dial = dict(history[-1], call_id="EVOLVE-QV-1", recording_url=RECORDING_URL)
        server.faults.add(QVOICE_HISTORY, replace_body={"data": [dial]})
        version = dict(delivered[0], leadId="EVOLVE-1", holdSeconds=12, recordingUrl=RECORDING_URL)
        post_callback(receiver.port, "evolution-new-field", version)
        built.keys["new_field", "ipscape"] = attempt["attemptId"]
        built.keys["new_field", "qvoice"] = qvoice_history_key(dial)
        built.keys["new_field", "cloudagent"] = "EVOLVE-1"
        load_round("new_field")
        for source, change in CHANGES.items():
            built.columns_after_new_field[source] = column_names(
                built.database, f"{source}_raw", change.table
            )

        # a known field with another type
        attempt = dict(attempts[-2], phoneIndex="one")
        server.faults.add(IPSCAPE_DIALLER, replace_body={"metadata": {}, "items": [attempt]})
        dial = dict(history[-2], call_id="EVOLVE-QV-2", agent_talk_time="12s")
        server.faults.add(QVOICE_HISTORY, replace_body={"data": [dial]})
        version = dict(delivered[1], leadId="EVOLVE-2", holdSeconds="12s")
        post_callback(receiver.port, "evolution-type-change", version)
        built.keys["type_change", "ipscape"] = attempt["attemptId"]
        built.keys["type_change", "qvoice"] = qvoice_history_key(dial)
        built.keys["type_change", "cloudagent"] = "EVOLVE-2"
        load_round("type_change")

        built.transform_exit_code, _ = run_cli("transform", "--warehouse", str(built.database))
    return built


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("round_name", ["clean", "new_field", "type_change"])
def test_every_load_succeeds(warehouse: Warehouse, round_name: str, source: str) -> None:
    assert warehouse.exit_codes[round_name, source] == 0, warehouse.errors[round_name, source]


@pytest.mark.parametrize("source", SOURCES)
def test_a_new_field_becomes_a_column_with_its_value(warehouse: Warehouse, source: str) -> None:
    change = CHANGES[source]
    assert change.new_column in warehouse.columns_after_new_field[source]
    rows = query(
        warehouse.database,
        f"select {change.new_column} from {source}_raw.{change.table} "
        f"where {change.key_column} = ?",
        [warehouse.keys["new_field", source]],
    )
    assert rows == [{change.new_column: RECORDING_URL}]
    others = query(
        warehouse.database,
        f"select count({change.new_column}) as n from {source}_raw.{change.table}",
    )
    assert others == [{"n": 1}]


@pytest.mark.parametrize("source", SOURCES)
def test_a_changed_type_lands_in_a_variant_column(warehouse: Warehouse, source: str) -> None:
    change = CHANGES[source]
    assert change.variant_column not in warehouse.columns_after_new_field[source]
    rows = query(
        warehouse.database,
        f"select {change.typed_column} as typed, {change.variant_column} as variant "
        f"from {source}_raw.{change.table} where {change.key_column} = ?",
        [warehouse.keys["type_change", source]],
    )
    assert rows == [{"typed": None, "variant": change.variant_value}]


def test_the_transforms_build_with_the_variant_columns(warehouse: Warehouse) -> None:
    assert warehouse.transform_exit_code == 0


@pytest.mark.parametrize("source", SOURCES)
def test_a_type_clash_is_reported_in_data_quality(warehouse: Warehouse, source: str) -> None:
    change = CHANGES[source]
    rows = query(
        warehouse.database,
        "select table_name, detail, occurrences from marts.data_quality "
        "where source_system = ? and check_name = 'type_clash'",
        [source],
    )
    assert rows == [{"table_name": change.table, "detail": change.variant_column, "occurrences": 1}]
