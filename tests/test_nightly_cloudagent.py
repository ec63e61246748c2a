"""CloudAgent end to end: report requests, callbacks over real HTTP both ways, landing,
load, transforms — against the simulator. One warehouse for the module, three nights.

The simulator delivers some callbacks twice, some with `data` as a JSON string, some
as a link to a CSV or JSON file, in reverse order, and holds some back until after the
run stopped waiting (they arrive between runs at an always-on receiver, as
`dialer-warehouse callbacks serve` would take them, and the next run loads them).
The source's rate limiter runs on the simulator's clock.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest

from simulator import CloudAgentConfig, CloudAgentWorld, SimulatorServer
from sources.cloudagent.client import CloudAgentClient
from sources.cloudagent.landing import CallbackLanding
from sources.cloudagent.receiver import CALLBACK_PATH, callback_app
from sources.common.background_server import BackgroundServer
from sources.common.rate_limiter import RateLimiter
from tests.oracle import compute_cloudagent_marts
from tests.support import (
    MART_KEYS,
    MARTS,
    ORACLE_MARTS,
    assert_rows_equal,
    mart_rows,
    query,
    quick_retries,
)
from warehouse import job
from warehouse.load import load_source
from warehouse.paths import WarehouseLocation
from warehouse.registry import SOURCES

SECRET = "ca-callback-secret-1f7"
CAMPAIGNS = ("Loan_Offers", "Card_Upsell", "Renewal_Calls")
RUNS = ("first", "second", "third")


@dataclass
class Night:
    truth: object
    raw: list[dict]
    callbacks: list[dict]
    marts: dict[str, list[dict]]
    requests: list
    delivered_ids: set[str]  # uniqueIds whose callback the receiver took by then


def simulator_limiter(world: CloudAgentWorld) -> RateLimiter:
    """10 per minute on the simulator's clock; waiting advances that clock."""
    return RateLimiter(
        10, 60.0, clock=lambda: world.clock.timestamp(), sleep=lambda s: world.advance(seconds=s)
    )


def configure(env: pytest.MonkeyPatch, server: SimulatorServer, config: CloudAgentConfig) -> None:
    env.setenv("SOURCES__CLOUDAGENT__BASE_URL", server.cloudagent_base_url)
    env.setenv("SOURCES__CLOUDAGENT__API_KEY", config.api_key)
    env.setenv("SOURCES__CLOUDAGENT__USER_NAME", config.user_name)
    env.setenv("SOURCES__CLOUDAGENT__CAMPAIGNS", ",".join(CAMPAIGNS))
    env.setenv("SOURCES__CLOUDAGENT__CALLBACK_SECRET", SECRET)
    env.setenv("SOURCES__CLOUDAGENT__START_DATE", config.start_date.isoformat())
    env.setenv("SOURCES__CLOUDAGENT__CALLBACK_WAIT_SECONDS", "1.5")
    quick_retries(env)


@pytest.fixture(scope="module")
def nights(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Night]:
    config = CloudAgentConfig.for_days(
        4,
        duplicate_rate=0.3,
        json_string_rate=0.25,
        file_link_rate=0.25,
        hold_rate=0.3,
        reorder=True,
    )
    world = CloudAgentWorld(config)
    location = WarehouseLocation(tmp_path_factory.mktemp("warehouse") / "dialer.duckdb")
    landing = CallbackLanding(location.database.parent / "landing" / "cloudagent")
    nights = {}
    with (
        SimulatorServer(cloudagent=world) as server,
        BackgroundServer(callback_app(landing, SECRET)) as receiver,
        pytest.MonkeyPatch.context() as env,
    ):
        configure(env, server, config)
        env.setenv(
            "SOURCES__CLOUDAGENT__CALLBACK_PUBLIC_URL",
            f"http://127.0.0.1:{receiver.port}{CALLBACK_PATH}",
        )
        overrides = {"limiter": simulator_limiter(world), "clock": lambda: world.clock}
        for number, name in enumerate(RUNS):
            if number:
                world.advance(days=1)
                server.release_held_callbacks()
                assert server.wait_for_deliveries(timeout=10)
            load_source(SOURCES["cloudagent"], location, overrides)
            job.transform_step(location)
            nights[name] = Night(
                world.ground_truth(),
                query(location.database, "select * from cloudagent_raw.dial_status"),
                query(location.database, "select * from cloudagent_raw.callbacks"),
                {mart: mart_rows(location.database, mart) for mart in MARTS},
                list(world.dial_status_requests),
                {d.unique_id for d in world.deliveries if d.delivered},
            )
        server.release_held_callbacks()
    return nights


def version_key(row: dict) -> tuple:
    lead = str(row.get("leadId") or "").strip() or str(row.get("phoneNumber") or "").strip()
    return (
        row["campaignName"],
        lead,
        row.get("lastDialedTime") or "",
        row.get("updatedDate") or "",
    )


@pytest.mark.parametrize("run", RUNS)
def test_every_delivered_row_is_in_the_warehouse_exactly_once(nights, run: str) -> None:
    night = nights[run]
    loaded = [
        (r["campaign_name"], r["lead_key"], r["last_dialed_time"], r["updated_date"])
        for r in night.raw
    ]
    assert len(loaded) == len(set(loaded)), "a row version was loaded twice"
    delivered = {version_key(row) for row in night.truth.delivered_rows}
    landed_late = {version_key(row) for row in nights["third"].truth.delivered_rows} - delivered
    assert set(loaded) >= delivered
    assert not set(loaded) - delivered - landed_late


def test_the_delivery_variants_were_all_exercised(nights) -> None:
    callbacks = nights["third"].callbacks
    assert all(c["parse_error"] is None for c in callbacks)
    assert len(callbacks) == len({c["unique_id"] for c in callbacks}), "a callback landed twice"
    assert {c["unique_id"] for c in callbacks} == nights["third"].delivered_ids


def test_a_window_completes_only_when_its_callback_is_loaded(nights) -> None:
    """A campaign whose callback had not come by the end of a run is asked again, the
    next night, from the same start; the others move on."""
    held_somewhere = False
    for earlier, later in itertools.pairwise(RUNS):
        loaded = {c["unique_id"] for c in nights[earlier].callbacks}
        asked_before = len(nights[earlier].requests)
        asked = {r.campaign_name: r for r in nights[earlier].requests if r.accepted}
        asked_next = {r.campaign_name: r for r in nights[later].requests[asked_before:]}
        for campaign, request in asked.items():
            held = request.unique_id not in loaded
            held_somewhere |= held
            same_start = asked_next[campaign].body["fromDate"] == request.body["fromDate"]
            assert same_start == held, (earlier, campaign)
    assert held_somewhere, "the simulator held no callback: the test proves nothing"


def test_the_limiter_keeps_ten_requests_per_minute_of_simulator_time(tmp_path: Path) -> None:
    config = CloudAgentConfig.for_days(1)
    world = CloudAgentWorld(config)
    with SimulatorServer(cloudagent=world) as server:
        client = CloudAgentClient(
            server.cloudagent_base_url, config.api_key, config.user_name, simulator_limiter(world)
        )
        now = world.clock.replace(tzinfo=None)
        for _ in range(25):
            client.request_dial_status(
                "Loan_Offers", now - timedelta(hours=1), now, "http://127.0.0.1:9/cb"
            )
        times = [r.at for r in world.dial_status_requests]
    assert all(r.accepted for r in world.dial_status_requests)
    for start in times:
        assert sum(1 for t in times if start <= t < start + timedelta(seconds=60)) <= 10
    assert times[-1] - times[0] >= timedelta(seconds=120)
    assert client.tokens_generated == 1


@pytest.mark.parametrize("mart", list(ORACLE_MARTS))
def test_marts_equal_the_oracle(nights, mart: str) -> None:
    night = nights["third"]
    expected = compute_cloudagent_marts(night.truth)[mart]
    actual = [row for row in night.marts[mart] if row["source_system"] == "cloudagent"]
    assert expected or mart == "unmapped_statuses"
    assert_rows_equal(actual, expected, MART_KEYS[mart])


def test_no_phone_number_reaches_the_marts(nights) -> None:
    night = nights["third"]
    numbers = {row["phoneNumber"] for row in night.truth.delivered_rows if row.get("phoneNumber")}
    text = repr(night.marts)
    assert numbers and not [n for n in numbers if n in text]


def test_an_invalid_campaign_does_not_stop_the_others(tmp_path: Path) -> None:
    config = CloudAgentConfig.for_days(2)
    world = CloudAgentWorld(config)
    location = WarehouseLocation(tmp_path / "dialer.duckdb")
    with SimulatorServer(cloudagent=world) as server, pytest.MonkeyPatch.context() as env:
        configure(env, server, config)
        env.setenv("SOURCES__CLOUDAGENT__CAMPAIGNS", '["No_Such_Campaign", "Loan_Offers"]')
        env.setenv("SOURCES__CLOUDAGENT__CALLBACK_LISTEN", "127.0.0.1:0")
        with pytest.raises(
            Exception, match="'No_Such_Campaign' refused by CloudAgent: campaignName is invalid"
        ):
            load_source(SOURCES["cloudagent"], location, {"clock": lambda: world.clock})
    loaded = query(
        location.database, "select distinct campaign_name from cloudagent_raw.dial_status"
    )
    assert loaded == [{"campaign_name": "Loan_Offers"}]
