"""Incremental transforms build exactly what a full rebuild builds from the same raw data.

One warehouse per module, all three vendors, over several nights with incremental
transforms. After each night below, a copy of the warehouse is rebuilt with
`transform --full-refresh`, and every core and mart table must equal the incremental
one row for row:
- `late_updates`: a new day, and late hang-ups, wrap codes, dispositions and CloudAgent
  versions of the days before;
- `raw_edits`: what merges can also bring, written straight into the raw tables under a
  newer load id: attempts and calls moved to another day, campaign or agent, calls that
  lost their agent, a renamed campaign and agent, a campaign that got its own zone, a
  QVoice campaign reported under a new id;
- `died_before_marts`: more such edits, a build that stopped after the facts were
  rebuilt, before the marts (a dbt run of the facts alone), then an ordinary build;
- `killed`: more such edits, a build killed (SIGKILL, with dbt) once dbt created its
  first model, then an ordinary build.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import duckdb
import pytest

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
from tests.support import configure_ipscape, configure_qvoice, query, run_cli
from tests.test_nightly_cloudagent import SECRET, simulator_limiter
from tests.test_nightly_cloudagent import configure as configure_cloudagent
from warehouse import transform
from warehouse.load import load_source
from warehouse.paths import WarehouseLocation
from warehouse.registry import SOURCES

CLI = str(Path(sys.executable).with_name("dialer-warehouse"))
TABLES = (
    "core.dial_attempts",
    "core.agent_interactions",
    "core.cloudagent_dials",
    "core.leads",
    "core.campaigns",
    "core.agents",
    "core.qvoice_campaign_ids",
    "marts.dial_outcomes_daily",
    "marts.dispositions_daily",
    "marts.agent_performance_daily",
    "marts.unmapped_statuses",
    "marts.lead_status_history",
    "marts.data_quality",
)
NIGHTS = ("late_updates", "raw_edits", "died_before_marts", "killed")
DAILY_MARTS = ("dial_outcomes_daily", "dispositions_daily", "agent_performance_daily")
FACTS = ("cloudagent_dials", "dial_attempts", "agent_interactions", "leads")


@dataclass
class Night:
    """One night's incremental build, and a full rebuild of the same raw data."""

    incremental: dict[str, list[tuple]]
    full_refresh: dict[str, list[tuple]]
    columns: dict[str, tuple[list[str], list[str]]]
    built_nodes: list[str]  # the nodes of the night's (last) build
    replayed: bool  # whether that build replayed dbt's recorded SQL (transform.REPLAY_RESULTS)
    rebuilt: dict[str, list[dict]]  # per model, the keys the incremental build rebuilt
    clock_date: object  # the simulators' day (ipSCAPE's local calendar, roughly)
    notes: dict  # what the night's special steps observed


def table_rows(database: Path) -> tuple[dict[str, list[tuple]], dict[str, list[str]]]:
    with duckdb.connect(str(database), read_only=True) as connection:
        connection.execute("set TimeZone = 'UTC'")
        rows = {t: connection.execute(f"select * from {t} order by all").fetchall() for t in TABLES}
        columns = {
            t: [c[0] for c in connection.execute(f"select * from {t} limit 0").description]
            for t in TABLES
        }
    return rows, columns


def rebuilt_keys(database: Path) -> dict[str, list[dict]]:
    """The keys each incremental model rebuilt in the last build (none on a full one)."""
    tables = query(
        database,
        "select table_name from duckdb_tables() where schema_name = 'transform_state' "
        "and suffix(table_name, '_rebuilt_keys')",
    )
    return {
        row["table_name"].removesuffix("_rebuilt_keys"): query(
            database, f"select * from transform_state.{row['table_name']}"
        )
        for row in tables
    }


def built_nodes(location: WarehouseLocation, results_file: str = "run_results.json") -> list[str]:
    """The nodes the last transform ran: replayed (transform.REPLAY_RESULTS) or by dbt."""
    replayed = location.dbt_target_dir / transform.REPLAY_RESULTS
    if replayed.exists():
        return json.loads(replayed.read_text())["nodes"]
    results = json.loads((location.dbt_target_dir / results_file).read_text())
    return [result["unique_id"] for result in results["results"]]


def full_refresh_copy(location: WarehouseLocation, folder: Path) -> Path:
    """The warehouse copied into `folder` and rebuilt there in full (one path for every
    copy, so dbt's partial parsing carries over from one to the next)."""
    copy = folder / "dialer.duckdb"
    folder.mkdir(exist_ok=True)
    shutil.copy(location.database, copy)
    code, output = run_cli("transform", "--full-refresh", "--warehouse", str(copy))
    assert code == 0, output
    return copy


def newer_load_id(connection: duckdb.DuckDBPyConnection) -> str:
    """A load id after every load so far (and before the next real one, a while later)."""
    newest = max(
        connection.execute(f"select max(_dlt_load_id) from {table}").fetchone()[0]
        for table in (
            "ipscape_raw.dialler_attempts",
            "ipscape_raw.activities",
            "qvoice_raw.leads_history",
            "cloudagent_raw.dial_status",
        )
    )
    return f"{float(newest) + 0.001:.6f}"


def apply_raw_edits(database: Path, edit_round: int, before: datetime) -> dict:
    """Rewrite raw rows as a merge of a newer load would: changes the lag window of the
    sources never brings, so only the incremental bookkeeping can get them right: records
    dialled `before` (the first days) are moved. Each round edits other records; the
    next real load undoes the renames and zones."""
    skip = 3 * edit_round
    with duckdb.connect(str(database)) as connection:
        connection.execute("set TimeZone = 'UTC'")
        load_id = newer_load_id(connection)
        cutoff = f"timestamptz '{before.isoformat()}'"
        (zoned,) = connection.execute(
            "select min(campaign_id) from ipscape_raw.campaigns "
            "where campaign_type = 'Outbound' and timezone is null and campaign_id <> 2"
        ).fetchone()
        (renumbered,) = connection.execute(
            "select name from qvoice_raw.campaigns_status "
            "where snapshot_at = (select max(snapshot_at) from qvoice_raw.campaigns_status) "
            f"order by name limit 1 offset {edit_round}"
        ).fetchone()
        edits = [
            # three attempts of the first day move a day back, two to another campaign
            f"""update ipscape_raw.dialler_attempts set
                timestamps__dialled = timestamps__dialled - interval 1 day,
                timestamps__answered = timestamps__answered - interval 1 day,
                timestamps__hang_up = timestamps__hang_up - interval 1 day,
                _dlt_load_id = '{load_id}'
            where attempt_id in (select attempt_id from ipscape_raw.dialler_attempts
                where timestamps__dialled < {cutoff} order by attempt_id limit 3 offset {skip})""",
            f"""update ipscape_raw.dialler_attempts set
                campaign_id = case campaign_id when 2 then 4 else 2 end,
                campaign_name = case campaign_id when 2 then 'Collections QLD'
                    else 'Sales Outbound' end,
                _dlt_load_id = '{load_id}'
            where attempt_id in (select attempt_id from ipscape_raw.dialler_attempts
                where timestamps__dialled < {cutoff} and campaign_id in (2, 3, 4)
                order by attempt_id desc limit 2 offset {skip})""",
            # two calls of the first day lose their agent; two change agent and day
            f"""update ipscape_raw.activities set
                data__agent_id = null, data__agent_full_name = null, _dlt_load_id = '{load_id}'
            where data__activity_id in (select data__activity_id from ipscape_raw.activities
                where data__agent_id is not null and data__timestamps__created < {cutoff}
                order by data__activity_id limit 2)""",
            f"""update ipscape_raw.activities set
                data__agent_id = (select max(user_id) from ipscape_raw.users),
                data__timestamps__created = data__timestamps__created + interval 1 day,
                _dlt_load_id = '{load_id}'
            where data__activity_id in (select data__activity_id from ipscape_raw.activities
                where data__agent_id is not null and data__timestamps__created < {cutoff}
                order by data__activity_id desc limit 2 offset {skip})""",
            # a campaign renamed, a campaign that now has its own zone, an agent renamed
            f"""update ipscape_raw.campaigns set
                campaign_title = campaign_title || ' (renamed)', _dlt_load_id = '{load_id}'
            where campaign_id = 2""",
            f"""update ipscape_raw.campaigns set
                timezone = 'Australia/Adelaide', _dlt_load_id = '{load_id}'
            where campaign_id = {zoned}""",
            f"""update ipscape_raw.users set
                first_name = first_name || 'a', _dlt_load_id = '{load_id}'
            where user_id = (select min(data__agent_id) from ipscape_raw.activities)""",
            # QVoice reports one campaign under a new id
            f"""insert into qvoice_raw.campaigns_status by name
            select campaign_id || '-new' as campaign_id, name, status, total_leads,
                snapshot_at + interval 1 minute as snapshot_at,
                '{load_id}' as _dlt_load_id, md5(random()::varchar) as _dlt_id
            from qvoice_raw.campaigns_status
            where snapshot_at = (select max(snapshot_at) from qvoice_raw.campaigns_status)
                and name = '{renumbered}'""",
            # CloudAgent: a newer version of two dials of the first day, without agent
            f"""insert into cloudagent_raw.dial_status by name
            select * replace (
                '' as agent_id, '' as agent_name, 'NoAnswer' as dial_status,
                updated_date || ' (edit {edit_round})' as updated_date,
                updated_at + interval 1 hour as updated_at,
                '{load_id}' as _dlt_load_id, md5(random()::varchar) as _dlt_id)
            from cloudagent_raw.dial_status
            where agent_id <> '' and last_dialed_at is not null
            order by last_dialed_at, lead_key limit 2 offset {skip}""",
        ]
        for edit in edits:
            connection.execute(edit)
        moved = connection.execute(
            f"select count(*) from ipscape_raw.dialler_attempts where _dlt_load_id = '{load_id}'"
        ).fetchone()[0]
    return {
        "load_id": load_id,
        "attempts_moved": moved,
        "zoned_campaign": str(zoned),
        "renumbered_campaign": renumbered,
    }


def run_killed_transform(location: WarehouseLocation) -> int:
    """`dialer-warehouse transform` in its own process group, killed once the build ran
    its first model (the job's transform crash point: here in the replay of the recorded
    build; on a night that runs dbt, dbt is killed with it)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOURCES__")}
    env |= {"DIALER_WAREHOUSE_CRASH_AT": "transform"}
    crashed = subprocess.run(
        [CLI, "transform", "--warehouse", str(location.database)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        start_new_session=True,
    )
    return crashed.returncode


@pytest.fixture(scope="module")
def nights(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Night]:
    ipscape_config = SimulatorConfig.for_days(
        6, attempts_per_campaign_day=8, unknown_status_rate=0.03, messy_text_rate=0.1
    )
    qvoice_config = QVoiceConfig.for_days(6, dials_per_campaign_day=6, unknown_status_rate=0.05)
    cloudagent_config = CloudAgentConfig.for_days(
        6, dials_per_campaign_day=6, leads_per_campaign_day=5, hold_rate=0.3, duplicate_rate=0.2
    )
    worlds = (
        IpscapeWorld(ipscape_config),
        QVoiceWorld(qvoice_config),
        CloudAgentWorld(cloudagent_config),
    )
    cloudagent = worlds[2]
    folder = tmp_path_factory.mktemp("incremental")
    location = WarehouseLocation(folder / "wh" / "dialer.duckdb")
    landing = CallbackLanding(location.database.parent / "landing" / "cloudagent")
    overrides = {
        "cloudagent": {"limiter": simulator_limiter(cloudagent), "clock": lambda: cloudagent.clock}
    }
    result: dict[str, Night] = {}
    with (
        SimulatorServer(worlds[0], qvoice=worlds[1], cloudagent=cloudagent) as server,
        BackgroundServer(callback_app(landing, SECRET)) as receiver,
        pytest.MonkeyPatch.context() as env,
    ):
        configure_ipscape(env, server.base_url, ipscape_config.api_token, ipscape_config.start_date)
        configure_qvoice(env, server.qvoice_base_url, qvoice_config)
        configure_cloudagent(env, server, cloudagent_config)
        env.setenv(
            "SOURCES__CLOUDAGENT__CALLBACK_PUBLIC_URL",
            f"http://127.0.0.1:{receiver.port}{CALLBACK_PATH}",
        )

        def load_a_night(advance: bool = True) -> None:
            if advance:
                for world in worlds:
                    world.advance(days=1)
                server.release_held_callbacks()
                assert server.wait_for_deliveries(timeout=10)
            for name in ("ipscape", "qvoice", "cloudagent"):
                load_source(SOURCES[name], location, overrides.get(name))

        def transform_incrementally() -> None:
            code, output = run_cli("transform", "--warehouse", str(location.database))
            assert code == 0, output

        def finish(name: str, notes: dict) -> None:
            rebuilt = rebuilt_keys(location.database)
            nodes = built_nodes(location)
            replayed = (location.dbt_target_dir / transform.REPLAY_RESULTS).exists()
            incremental, columns = table_rows(location.database)
            full, full_columns = table_rows(full_refresh_copy(location, folder / "full-refresh"))
            result[name] = Night(
                incremental,
                full,
                {t: (columns[t], full_columns[t]) for t in TABLES},
                nodes,
                replayed,
                rebuilt,
                worlds[0].clock.date(),
                notes,
            )

        # records dialled before this are in no lag window after the backfill
        first_days = datetime.combine(ipscape_config.start_date, time(20), tzinfo=UTC)
        # the backfill: the first build is a full one
        load_a_night(advance=False)
        transform_incrementally()
        first_nodes = built_nodes(location, transform.FULL_BUILD_RESULTS)

        load_a_night()
        transform_incrementally()
        finish("late_updates", {"first_build_nodes": first_nodes})

        load_a_night()
        edits = apply_raw_edits(location.database, 0, first_days)
        transform_incrementally()
        finish("raw_edits", edits)

        load_a_night()
        apply_raw_edits(location.database, 1, first_days)
        # the facts are rebuilt (and commit), the marts are not: as a build that died there
        transform.run_dbt_build(
            location,
            full_refresh=False,
            select=("+dial_attempts", "+agent_interactions"),
            exclude=transform.UNCHANGED_BETWEEN_FULL_BUILDS,
        )
        pending = query(
            location.database,
            "select mart, count(*) as n from transform_state.pending_report_keys group by mart",
        )
        transform_incrementally()
        finish("died_before_marts", {"pending": {row["mart"]: row["n"] for row in pending}})

        load_a_night()
        apply_raw_edits(location.database, 2, first_days)
        returncode = run_killed_transform(location)
        transform_incrementally()
        finish("killed", {"returncode": returncode})
        server.release_held_callbacks()
    return result


@pytest.mark.parametrize("night", NIGHTS)
@pytest.mark.parametrize("table", TABLES)
def test_incremental_build_equals_a_full_rebuild(
    nights: dict[str, Night], night: str, table: str
) -> None:
    built = nights[night]
    columns, full_columns = built.columns[table]
    assert columns == full_columns
    incremental, full = built.incremental[table], built.full_refresh[table]
    missing = [row for row in full if row not in set(incremental)]
    extra = [row for row in incremental if row not in set(full)]
    assert incremental == full, (
        f"{len(incremental)} rows vs {len(full)} in a full rebuild; "
        f"missing {missing[:3]}, unexpected {extra[:3]} (columns {columns})"
    )


def test_the_tables_are_not_trivial(nights: dict[str, Night]) -> None:
    tables = nights["killed"].incremental
    for table in ("core.dial_attempts", "core.agent_interactions", "core.leads"):
        assert len(tables[table]) > 300, table
    sources = {row[0] for row in tables["marts.dial_outcomes_daily"]}
    assert sources == {"ipscape", "qvoice", "cloudagent"}
    assert tables["marts.unmapped_statuses"], "unknown statuses should be listed"
    assert tables["marts.lead_status_history"]


def test_the_first_build_is_full_and_later_ones_incremental(nights: dict[str, Night]) -> None:
    first = nights["late_updates"].notes["first_build_nodes"]
    assert any(node.startswith("seed.") for node in first)
    assert "model.dialer_warehouse.stg_ipscape__dialler_attempts" in first
    later = nights["late_updates"].built_nodes
    assert not any(node.startswith("seed.") for node in later)
    assert not any(".stg_" in node for node in later), "staging views were rebuilt"
    assert {f"model.dialer_warehouse.{model}" for model in FACTS + DAILY_MARTS} <= set(later)
    assert set(nights["late_updates"].rebuilt) == set(FACTS + DAILY_MARTS)


def test_every_night_replays_the_build_recorded_after_the_first(
    nights: dict[str, Night],
) -> None:
    """No night changed what the SQL compiles from, so each replayed the recorded build
    and the comparisons with a full rebuild above hold for the replay."""
    assert {name: night.replayed for name, night in nights.items()} == dict.fromkeys(NIGHTS, True)


def test_a_night_rebuilds_only_the_days_its_rows_touch(nights: dict[str, Night]) -> None:
    """ipSCAPE and QVoice re-read a two-day lag window; CloudAgent's callbacks held back
    from the first night bring rows of every day, so its keys are not checked here."""
    night = nights["late_updates"]
    for mart in DAILY_MARTS:
        rebuilt = night.rebuilt[mart]
        assert 0 < len(rebuilt) < len(night.incremental[f"marts.{mart}"]), mart
        days = {row["report_date"] for row in rebuilt if row["source_system"] != "cloudagent"}
        # the new day and the lag window, in every campaign's zone
        assert min(days) >= night.clock_date - timedelta(days=4), (mart, sorted(days))


def test_a_moved_record_rebuilds_its_old_day(nights: dict[str, Night]) -> None:
    night = nights["raw_edits"]
    assert night.notes["attempts_moved"] == 5
    days = {row["report_date"] for row in night.rebuilt["dial_outcomes_daily"]}
    before = nights["late_updates"].incremental["marts.dial_outcomes_daily"]
    first_day = min(row[3] for row in before)
    # the first day is in no lag window: only the moved attempts' old keys rebuild it
    assert first_day in days
    assert first_day - timedelta(days=1) in days  # where three of them went


def test_campaigns_whose_zone_or_id_changed_are_rebuilt_whole(nights: dict[str, Night]) -> None:
    night = nights["raw_edits"]
    columns = night.columns["core.dial_attempts"][0]
    attempts = [
        dict(zip(columns, row, strict=True)) for row in night.incremental["core.dial_attempts"]
    ]
    zoned = [
        a
        for a in attempts
        if a["source_system"] == "ipscape" and a["campaign_id"] == night.notes["zoned_campaign"]
    ]
    renumbered = [
        a
        for a in attempts
        if a["source_system"] == "qvoice"
        and a["campaign_name"] == night.notes["renumbered_campaign"]
    ]
    assert zoned and renumbered
    assert {a["timezone"] for a in zoned} == {"Australia/Adelaide"}
    assert {a["campaign_id"] for a in renumbered} == {renumbered[0]["campaign_id"]}
    assert renumbered[0]["campaign_id"].endswith("-new")
    # every attempt of those campaigns was rebuilt, whatever its day
    rebuilt = {(row["source_system"], row["attempt_id"]) for row in night.rebuilt["dial_attempts"]}
    assert {(a["source_system"], a["attempt_id"]) for a in zoned + renumbered} <= rebuilt


def test_a_build_that_died_before_the_marts_left_their_keys_queued(
    nights: dict[str, Night],
) -> None:
    pending = nights["died_before_marts"].notes["pending"]
    assert set(pending) == set(DAILY_MARTS)
    assert all(count > 0 for count in pending.values())


def test_the_killed_build_was_killed(nights: dict[str, Night]) -> None:
    assert nights["killed"].notes["returncode"] == -signal.SIGKILL


def test_the_fingerprint_covers_code_vars_and_raw_tables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "transforms"
    shutil.copytree(transform.TRANSFORMS_DIR, project, ignore=shutil.ignore_patterns("target"))
    monkeypatch.setattr(transform, "TRANSFORMS_DIR", project)
    tables = ["ipscape_raw.dialler_attempts"]
    base = transform.transforms_fingerprint(tables)
    assert transform.transforms_fingerprint(list(tables)) == base
    # what dbt writes in the project folder is not code
    (project / "target").mkdir(exist_ok=True)
    (project / "target" / "manifest.json").write_text("{}")
    (project / ".user.yml").write_text("id: someone")
    assert transform.transforms_fingerprint(tables) == base
    assert transform.transforms_fingerprint([*tables, "qvoice_raw.leads_history"]) != base
    monkeypatch.setenv("SOURCES__QVOICE__TIMEZONE", "America/New_York")
    assert transform.transforms_fingerprint(tables) != base
    monkeypatch.delenv("SOURCES__QVOICE__TIMEZONE")
    seed = project / "seeds" / "disposition_flags.csv"
    seed.write_text(seed.read_text() + "Busy Tone,no_contact,false,false,false,false,false\n")
    assert transform.transforms_fingerprint(tables) != base


def test_only_the_raw_tables_staging_reads_count(tmp_path: Path) -> None:
    """A table no staging view reads (quarantine, a nested list's child table) appearing
    needs no full refresh; one a view reads does (its view stood over an empty stand-in)."""
    location = WarehouseLocation(tmp_path / "dialer.duckdb")
    with duckdb.connect(str(location.database)) as connection:
        connection.execute("create schema ipscape_raw")
        for table in ("dialler_attempts", "_quarantine", "leads__phones", "_dlt_loads"):
            connection.execute(f"create table ipscape_raw.{table} (x int)")
    assert transform._read_build_state(location) == (["ipscape_raw.dialler_attempts"], None)
