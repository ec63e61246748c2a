"""QVoice and ipSCAPE in one warehouse, end to end, against the simulator over real HTTP.

One warehouse per module: three nightly runs, the clock advancing a day between them,
with the QVoice token expiring every few requests (so it expires in the middle of
paginated feeds) and the campaign leads changing between snapshots.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest

from simulator import (
    IpscapeWorld,
    QVoiceConfig,
    QVoiceWorld,
    SimulatorConfig,
    SimulatorServer,
)
from tests.oracle import compute_ipscape_marts, compute_qvoice_marts, expected_lead_status_history
from tests.support import (
    MART_KEYS,
    MARTS,
    ORACLE_MARTS,
    assert_rows_equal,
    configure_ipscape,
    configure_qvoice,
    mart_rows,
    query,
    run_cli,
)

QVOICE_TABLES = ("leads_history", "campaign_leads", "campaigns_status", "queues_status")
TOKEN_MAX_REQUESTS = 4
RUNS = ("first", "second", "third")


@dataclass
class Night:
    """The warehouse and both simulators' ground truth after one nightly run."""

    exit_code: int
    output: str
    clock: datetime
    ipscape: object
    qvoice: object
    raw: dict[str, list[dict]]
    marts: dict[str, list[dict]]
    logins: int  # QVoice logins so far, over all runs


@pytest.fixture(scope="module")
def nights(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Night]:
    ipscape_config = SimulatorConfig.for_days(5, attempts_per_campaign_day=10)
    qvoice_config = QVoiceConfig.for_days(
        8,
        page_size=25,
        token_max_requests=TOKEN_MAX_REQUESTS,
        unknown_status_rate=0.03,
        messy_text_rate=0.1,
    )
    ipscape, qvoice = IpscapeWorld(ipscape_config), QVoiceWorld(qvoice_config)
    database = tmp_path_factory.mktemp("warehouse") / "dialer.duckdb"
    nights = {}
    with (
        SimulatorServer(ipscape, qvoice=qvoice) as server,
        pytest.MonkeyPatch.context() as env,
    ):
        configure_ipscape(env, server.base_url, ipscape_config.api_token, ipscape_config.start_date)
        configure_qvoice(env, server.qvoice_base_url, qvoice_config)
        for number, name in enumerate(RUNS):
            if number:
                ipscape.advance(days=1)
                qvoice.advance(days=1)
            code, output = run_cli("run", "--warehouse", str(database))
            raw = {
                table: query(database, f"select * from qvoice_raw.{table}")
                for table in QVOICE_TABLES
            }
            marts = {mart: mart_rows(database, mart) for mart in MARTS}
            logins = sum(1 for r in server.requests if r.path == "/api/v2/login")
            nights[name] = Night(
                code,
                output,
                qvoice.clock,
                ipscape.ground_truth(),
                qvoice.ground_truth(),
                raw,
                marts,
                logins,
            )
    return nights


def history_key(row: dict) -> str:
    call_id = str(row.get("call_id") or "").strip()
    return call_id or f"{row['timestamp']}|{row['lead_number']}|{row['campaign_name']}"


@pytest.mark.parametrize("run", RUNS)
def test_each_run_succeeds(nights: dict[str, Night], run: str) -> None:
    assert nights[run].exit_code == 0, nights[run].output


@pytest.mark.parametrize("run", RUNS)
def test_leads_history_holds_exactly_the_simulators_dials(
    nights: dict[str, Night], run: str
) -> None:
    night = nights[run]
    loaded = [row["history_key"] for row in night.raw["leads_history"]]
    expected = [history_key(row) for row in night.qvoice.leads_history]
    assert len(loaded) == len(set(loaded)), "a dial was loaded twice"
    assert sorted(loaded) == sorted(expected)
    assert any(not row.get("call_id") for row in night.qvoice.leads_history), "no keyless rows"


def test_late_dispositions_are_updated_in_place(nights: dict[str, Night]) -> None:
    night = nights["third"]
    loaded = {row["history_key"]: row["disposition"] for row in night.raw["leads_history"]}
    for row in night.qvoice.leads_history:
        assert (loaded[history_key(row)] or "") == (row.get("disposition") or "")


def test_the_token_expired_mid_feed_and_was_renewed(nights: dict[str, Night]) -> None:
    pages = len(nights["first"].qvoice.leads_history) // 25
    assert pages > TOKEN_MAX_REQUESTS, "the feed is too short to outlive a token"
    assert nights["third"].logins > len(RUNS), "the token never expired during a run"


@pytest.mark.parametrize("run", RUNS)
def test_current_campaign_leads_equal_the_snapshot(nights: dict[str, Night], run: str) -> None:
    night = nights[run]
    current = {
        (row["id"], row["campaign_id"], row["status"])
        for row in night.raw["campaign_leads"]
        if row["_dlt_valid_to"] is None
    }
    expected = {
        (lead["id"], lead["campaign_id"], lead["status"]) for lead in night.qvoice.campaign_leads
    }
    assert current == expected


def test_leads_that_left_are_retired_not_deleted(nights: dict[str, Night]) -> None:
    first_ids = {lead["id"] for lead in nights["first"].qvoice.campaign_leads}
    last_ids = {lead["id"] for lead in nights["third"].qvoice.campaign_leads}
    gone = first_ids - last_ids
    assert gone, "no lead left its campaign: the test proves nothing"
    rows = nights["third"].raw["campaign_leads"]
    retired = {row["id"] for row in rows if row["_dlt_valid_to"] is not None}
    assert gone <= retired
    assert gone <= {row["id"] for row in rows}


def test_snapshots_are_appended_once_per_run(nights: dict[str, Night]) -> None:
    night = nights["third"]
    clocks = sorted(nights[run].clock for run in RUNS)
    campaign_times = sorted({row["snapshot_at"] for row in night.raw["campaigns_status"]})
    assert campaign_times == clocks
    assert len(night.raw["campaigns_status"]) == sum(
        len(nights[run].qvoice.campaigns_status) for run in RUNS
    )
    assert len(night.raw["queues_status"]) == sum(
        len(nights[run].qvoice.queues_status) for run in RUNS
    )


def test_lead_status_history_equals_the_simulators_changes(nights: dict[str, Night]) -> None:
    snapshots = [(nights[run].clock, nights[run].qvoice.campaign_leads) for run in RUNS]
    expected = expected_lead_status_history(snapshots)
    changed = {row["lead_id"] for row in expected if row["valid_to"] is not None}
    assert changed, "no lead changed status across the runs: the test proves nothing"
    assert_rows_equal(
        nights["third"].marts["lead_status_history"], expected, MART_KEYS["lead_status_history"]
    )


@pytest.mark.parametrize("run", ["first", "third"])
@pytest.mark.parametrize("mart", list(ORACLE_MARTS))
def test_marts_equal_the_oracle_for_both_sources(
    nights: dict[str, Night], run: str, mart: str
) -> None:
    night = nights[run]
    expected = compute_ipscape_marts(night.ipscape)[mart] + compute_qvoice_marts(night.qvoice)[mart]
    assert {row["source_system"] for row in expected} >= (
        {"ipscape", "qvoice"} if mart != "unmapped_statuses" else {"qvoice"}
    )
    assert_rows_equal(night.marts[mart], expected, MART_KEYS[mart])


def test_no_phone_number_reaches_the_marts(nights: dict[str, Night]) -> None:
    night = nights["third"]
    numbers = {row["lead_number"] for row in night.qvoice.leads_history}
    numbers |= {lead["number"] for lead in night.qvoice.campaign_leads}
    text = repr(night.marts)
    assert not [number for number in numbers if number in text]
