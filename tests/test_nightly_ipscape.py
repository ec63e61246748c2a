"""The nightly job end to end for ipSCAPE, against the simulator over real HTTP.

One warehouse is built per module and read by every test: a first run (with a 429
and a 503 thrown in), a second run with the clock unchanged, and a third after the
clock moved a day (new calls plus late hang-ups and wrap codes for the day before).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from simulator import IpscapeWorld, SimulatorConfig, SimulatorServer
from tests.oracle import compute_ipscape_marts
from tests.support import (
    MART_KEYS,
    MARTS,
    ORACLE_MARTS,
    assert_rows_equal,
    configure_ipscape,
    mart_rows,
    query,
    run_cli,
)

RAW_KEYS = {
    "dialler_attempts": ("attempt_id", lambda r: r["attemptId"]),
    "activities": ("data__activity_id", lambda r: r["data"]["activityId"]),
    "leads": ("lead_id", lambda r: r["leadId"]),
    "lead_lists": ("id", lambda r: r["id"]),
    "campaigns": ("campaign_id", lambda r: r["campaignId"]),
    "users": ("user_id", lambda r: r["userId"]),
}


@dataclass
class Snapshot:
    """The warehouse and the simulator's ground truth after one run."""

    exit_code: int
    output: str
    truth: object
    raw: dict[str, list[dict]]
    marts: dict[str, list[dict]]
    exports: dict[str, int]


def take_snapshot(database: Path, world: IpscapeWorld, exit_code: int, output: str) -> Snapshot:
    raw = {table: query(database, f"select * from ipscape_raw.{table}") for table in RAW_KEYS}
    marts = {mart: mart_rows(database, mart) for mart in MARTS}
    exports_dir = database.parent / "exports"
    exports = {mart: pq.read_metadata(exports_dir / f"{mart}.parquet").num_rows for mart in MARTS}
    return Snapshot(exit_code, output, world.ground_truth(), raw, marts, exports)


@pytest.fixture(scope="module")
def nightly(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Snapshot]:
    config = SimulatorConfig.for_days(10, unknown_status_rate=0.03, messy_text_rate=0.1)
    world = IpscapeWorld(config)
    database = tmp_path_factory.mktemp("warehouse") / "dialer.duckdb"
    snapshots = {}
    with SimulatorServer(world) as server, pytest.MonkeyPatch.context() as env:
        configure_ipscape(env, server.base_url, config.api_token, config.start_date)
        server.faults.add("/v3.0/calls/dialler", status=429, retry_after=0, times=1)
        server.faults.add("/v3.0/activities", status=503, times=1)
        for name in ("first", "second"):
            snapshots[name] = take_snapshot(
                database, world, *run_cli("run", "--warehouse", str(database))
            )
        world.advance(days=1)
        snapshots["after_a_day"] = take_snapshot(
            database, world, *run_cli("run", "--warehouse", str(database))
        )
    return snapshots


def _parse(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value).astimezone(UTC)


def _offset_spelling(value: str) -> str:
    if value.endswith("Z"):
        return "Z"
    return "+hh:mm" if value[-3] == ":" else "+hhmm"


@pytest.mark.parametrize("run", ["first", "second", "after_a_day"])
def test_each_run_succeeds(nightly: dict[str, Snapshot], run: str) -> None:
    assert nightly[run].exit_code == 0, nightly[run].output


@pytest.mark.parametrize("run", ["first", "after_a_day"])
@pytest.mark.parametrize("table", list(RAW_KEYS))
def test_raw_tables_hold_exactly_the_simulators_records(
    nightly: dict[str, Snapshot], run: str, table: str
) -> None:
    snapshot = nightly[run]
    key_column, truth_key = RAW_KEYS[table]
    loaded = [row[key_column] for row in snapshot.raw[table]]
    expected = [truth_key(record) for record in getattr(snapshot.truth, table)]
    assert len(loaded) == len(set(loaded)), "a record was loaded twice"
    assert sorted(loaded) == sorted(expected)


def test_simulator_world_is_not_trivial(nightly: dict[str, Snapshot]) -> None:
    truth = nightly["first"].truth
    assert len(truth.dialler_attempts) > 1000
    assert len(truth.activities) > 300
    assert {c.get("timezone") for c in truth.campaigns} >= {None, "Australia/Perth"}


def test_second_run_loads_nothing_new_and_leaves_marts_identical(
    nightly: dict[str, Snapshot],
) -> None:
    first, second = nightly["first"], nightly["second"]
    for table in RAW_KEYS:
        assert len(second.raw[table]) == len(first.raw[table])
    assert second.marts == first.marts
    new_counts = [
        line.split()[-1]
        for line in second.output.splitlines()
        if line.strip().startswith("ipscape_raw.")
    ]
    assert new_counts and set(new_counts) == {"0"}


def test_late_updates_are_applied_not_duplicated(nightly: dict[str, Snapshot]) -> None:
    before, after = nightly["first"], nightly["after_a_day"]
    hung_up_before = {
        r["attempt_id"]: r["timestamps__hang_up"] for r in before.raw["dialler_attempts"]
    }
    truth_after = {
        a["attemptId"]: _parse(a["timestamps"].get("hangUp")) for a in after.truth.dialler_attempts
    }
    late = [
        attempt_id
        for attempt_id, hung_up in hung_up_before.items()
        if hung_up is None and truth_after[attempt_id] is not None
    ]
    assert late, "the simulator revealed no late hang-up: the test proves nothing"
    hung_up_after = {
        r["attempt_id"]: r["timestamps__hang_up"] for r in after.raw["dialler_attempts"]
    }
    assert all(hung_up_after[attempt_id] == truth_after[attempt_id] for attempt_id in late)


def test_late_wrap_codes_are_applied(nightly: dict[str, Snapshot]) -> None:
    after = nightly["after_a_day"]
    loaded = {r["data__activity_id"]: r["data__wrap_code"] for r in after.raw["activities"]}
    for activity in after.truth.activities:
        assert loaded[activity["data"]["activityId"]] == activity["data"].get("wrapCode")


def test_leads_reflect_their_latest_attempts(nightly: dict[str, Snapshot]) -> None:
    after = nightly["after_a_day"]
    loaded = {
        r["lead_id"]: (r["last_status_code"], r["outcomes_info__total_attempts"])
        for r in after.raw["leads"]
    }
    expected = {
        lead["leadId"]: (lead["lastStatusCode"], lead["outcomesInfo"]["totalAttempts"])
        for lead in after.truth.leads
    }
    assert loaded == expected


def test_timestamps_are_stored_in_utc(nightly: dict[str, Snapshot]) -> None:
    snapshot = nightly["first"]
    truth = {a["attemptId"]: a["timestamps"]["dialled"] for a in snapshot.truth.dialler_attempts}
    spellings = {_offset_spelling(value) for value in truth.values()}
    assert spellings == {"Z", "+hh:mm", "+hhmm"}
    for row in snapshot.raw["dialler_attempts"]:
        assert row["timestamps__dialled"] == _parse(truth[row["attempt_id"]])


@pytest.mark.parametrize("run", ["first", "after_a_day"])
@pytest.mark.parametrize("mart", list(ORACLE_MARTS))
def test_marts_equal_the_oracle(nightly: dict[str, Snapshot], run: str, mart: str) -> None:
    snapshot = nightly[run]
    expected = compute_ipscape_marts(snapshot.truth)[mart]
    assert_rows_equal(snapshot.marts[mart], expected, MART_KEYS[mart])


def test_marts_cover_the_tricky_days(nightly: dict[str, Snapshot]) -> None:
    """The oracle comparison above only means something if these cases are in it."""
    snapshot = nightly["after_a_day"]
    outcomes = snapshot.marts["dial_outcomes_daily"]
    zones = {row["timezone"] for row in outcomes}
    assert {"Australia/Sydney", "Australia/Perth", "Australia/Brisbane"} <= zones
    days = {row["report_date"] for row in outcomes if row["timezone"] == "Australia/Sydney"}
    assert date(2026, 4, 5) in days  # Sydney's DST change day (25 hours)
    assert any(row["other"] > 0 for row in outcomes)
    assert snapshot.marts["unmapped_statuses"], "unknown statuses should be listed"
    crossing = [
        a
        for a in snapshot.truth.dialler_attempts
        if a["timestamps"].get("hangUp")
        and _parse(a["timestamps"]["hangUp"]).date() != _parse(a["timestamps"]["dialled"]).date()
    ]
    assert crossing, "no call crosses midnight"


def test_exports_match_the_marts(nightly: dict[str, Snapshot]) -> None:
    snapshot = nightly["after_a_day"]
    assert snapshot.exports == {mart: len(rows) for mart, rows in snapshot.marts.items()}


def test_no_phone_number_reaches_the_marts_or_exports(nightly: dict[str, Snapshot]) -> None:
    snapshot = nightly["after_a_day"]
    phones = {a["phoneNumber"] for a in snapshot.truth.dialler_attempts}
    text = repr(snapshot.marts)
    assert not [phone for phone in phones if phone in text]


def test_a_clean_feed_leaves_nothing_in_quarantine(nightly: dict[str, Snapshot]) -> None:
    assert nightly["after_a_day"].marts["data_quality"] == []
    assert nightly["after_a_day"].marts["lead_status_history"] == []
