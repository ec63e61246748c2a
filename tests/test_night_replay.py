"""A night replays the SQL of dbt's recorded incremental build instead of starting dbt,
and ends with exactly the tables dbt would have built; whatever the recipe was not
compiled for goes to dbt, which records anew; a failing data test or a kill during a
replay commits nothing.

One small ipSCAPE warehouse for the module: its first `run` (the full build, then the
recording), then the next night's load, not yet transformed. Each test transforms a
copy of it (the warehouse file and its state folder).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import yaml

from simulator import IpscapeWorld, SimulatorConfig, SimulatorServer
from tests.support import configure_ipscape, query, run_cli
from warehouse import transform
from warehouse.night_replay import DBT_SESSION_SETTINGS, RECIPE_FILE, ReplayFailed, replay
from warehouse.paths import TRANSFORMS_DIR, WarehouseLocation

CLI = str(Path(sys.executable).with_name("dialer-warehouse"))
BUILT_SCHEMAS = ("core", "marts", "transform_state")
MOMENTS = {"recorded_at", "built_at"}  # when a build wrote a row, not what it built


def steps_of_last_run(database: Path) -> dict[str, float]:
    [row] = query(database, "select step_seconds from ops.runs order by started_at desc limit 1")
    return json.loads(row["step_seconds"])


def built_tables(database: Path) -> dict[str, list[tuple]]:
    """Every table the transforms build, its rows sorted (write times left out)."""
    with duckdb.connect(str(database), read_only=True) as connection:
        tables = connection.execute(
            "select schema_name || '.' || table_name from duckdb_tables() "
            f"where schema_name in {BUILT_SCHEMAS} order by 1"
        ).fetchall()
        result = {}
        for (table,) in tables:
            columns = [
                c[0] for c in connection.execute(f"select * from {table} limit 0").description
            ]
            kept = ", ".join(f'"{c}"' for c in columns if c not in MOMENTS)
            result[table] = connection.execute(
                f"select {kept} from {table} order by all"
            ).fetchall()
    return result


def recipe_of(database: Path) -> dict:
    return json.loads((WarehouseLocation(database).dbt_target_dir / RECIPE_FILE).read_text())


@pytest.fixture(scope="module")
def night(tmp_path_factory: pytest.TempPathFactory) -> dict:
    config = SimulatorConfig.for_days(3, attempts_per_campaign_day=10)
    world = IpscapeWorld(config)
    folder = tmp_path_factory.mktemp("night") / "warehouse"
    database = folder / "dialer.duckdb"
    with SimulatorServer(world) as server, pytest.MonkeyPatch.context() as env:
        configure_ipscape(env, server.base_url, config.api_token, config.start_date)
        code, output = run_cli("run", "--warehouse", str(database))
        assert code == 0, output
        first_steps = steps_of_last_run(database)
        world.advance(days=1)  # a new day, and late hang-ups of the day before
        code, output = run_cli("load", "--warehouse", str(database))
        assert code == 0, output
    # the night as dbt builds it, for every test to compare with
    by_dbt = copy_of(folder, tmp_path_factory.mktemp("by-dbt"))
    (WarehouseLocation(by_dbt).dbt_target_dir / RECIPE_FILE).unlink()
    code, output = run_cli("transform", "--warehouse", str(by_dbt))
    assert code == 0, output
    return {
        "folder": folder,
        "first_steps": first_steps,
        "api_token": config.api_token,
        "dbt_steps": steps_of_last_run(by_dbt),
        "dbt_tables": built_tables(by_dbt),
    }


def copy_of(folder: Path, destination: Path) -> Path:
    """The warehouse and its state folder (dbt's artifacts, the recipe) copied."""
    shutil.copytree(folder, destination / "warehouse")
    return destination / "warehouse" / "dialer.duckdb"


def test_the_first_run_records_the_recipe_after_its_full_build(night: dict) -> None:
    assert "transform:recording" in night["first_steps"]
    assert "transform:replay" not in night["first_steps"]
    recipe = recipe_of(night["folder"] / "dialer.duckdb")
    nodes = [node["node"] for node in recipe["nodes"]]
    assert "model.dialer_warehouse.dial_outcomes_daily" in nodes
    assert not any(node.startswith(("seed.", "model.dialer_warehouse.stg_")) for node in nodes)
    assert night["api_token"] not in json.dumps(recipe)


def test_a_night_replayed_builds_exactly_what_dbt_builds(night: dict, tmp_path: Path) -> None:
    database = copy_of(night["folder"], tmp_path)
    code, output = run_cli("transform", "--warehouse", str(database))
    assert code == 0, output
    assert "transform:replay" in steps_of_last_run(database)
    assert "transform:replay" not in night["dbt_steps"]
    replayed = built_tables(database)
    assert replayed == night["dbt_tables"]
    # the night had work to do: new facts and rebuilt report days
    rebuilt = replayed["transform_state.dial_outcomes_daily_rebuilt_keys"]
    assert len(rebuilt) > 0
    assert len(rebuilt) < len(replayed["marts.dial_outcomes_daily"])


def test_a_changed_catalog_sends_the_night_to_dbt_which_records_anew(
    night: dict, tmp_path: Path
) -> None:
    database = copy_of(night["folder"], tmp_path)
    key_before = recipe_of(database)["key"]
    with duckdb.connect(str(database)) as connection:  # as dlt adds a new field's column
        connection.execute("alter table ipscape_raw.dialler_attempts add column extra varchar")
    code, output = run_cli("transform", "--warehouse", str(database))
    assert code == 0, output
    assert "transform:recording" in steps_of_last_run(database)
    assert recipe_of(database)["key"] != key_before
    assert built_tables(database) == night["dbt_tables"]
    code, output = run_cli("transform", "--warehouse", str(database))
    assert code == 0, output
    assert "transform:replay" in steps_of_last_run(database)


def test_a_statement_that_fails_sends_the_night_to_dbt(night: dict, tmp_path: Path) -> None:
    database = copy_of(night["folder"], tmp_path)
    recipe_path = WarehouseLocation(database).dbt_target_dir / RECIPE_FILE
    recipe = json.loads(recipe_path.read_text())
    [marts] = [n for n in recipe["nodes"] if n["node"].endswith(".dispositions_daily")]
    marts["statements"].append("select * from a_table_nobody_made")
    recipe_path.write_text(json.dumps(recipe))
    code, output = run_cli("transform", "--warehouse", str(database))
    assert code == 0, output
    assert "transform:recording" in steps_of_last_run(database)
    assert built_tables(database) == night["dbt_tables"]


def test_a_failing_data_test_fails_the_replay_and_commits_nothing(
    night: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One new attempt without a lead id or a phone number has no lead_key."""
    database = copy_of(night["folder"], tmp_path)
    with duckdb.connect(str(database)) as connection:
        [(newest_load,)] = connection.execute(
            "select max(_dlt_load_id) from ipscape_raw.dialler_attempts"
        ).fetchall()
        connection.execute(
            "update ipscape_raw.dialler_attempts set lead_id = null, phone_number = null "
            "where attempt_id = (select min(attempt_id) from ipscape_raw.dialler_attempts "
            "where _dlt_load_id = ?)",
            [newest_load],
        )
    before = built_tables(database)
    nodes = recipe_of(database)["nodes"]
    with duckdb.connect(str(database)) as connection, pytest.raises(ReplayFailed) as failure:
        replay(connection, nodes)
    assert "not_null_dial_attempts_lead_key" in str(failure.value)
    assert built_tables(database) == before
    # the command hands the night to dbt, whose build fails on the same test
    capsys.readouterr()
    code, _ = run_cli("transform", "--warehouse", str(database))
    assert code == 1
    assert "not_null_dial_attempts_lead_key" in capsys.readouterr().err


def test_a_replay_killed_halfway_commits_nothing(night: dict, tmp_path: Path) -> None:
    database = copy_of(night["folder"], tmp_path)
    before = built_tables(database)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOURCES__")}
    killed = subprocess.run(
        [CLI, "transform", "--warehouse", str(database)],
        env=env | {"DIALER_WAREHOUSE_CRASH_AT": "transform"},
        capture_output=True,
        text=True,
        timeout=120,
        start_new_session=True,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    # dbt never started (it would have removed the recording's results first)
    assert (WarehouseLocation(database).dbt_target_dir / "run_results.json").exists()
    assert built_tables(database) == before
    code, output = run_cli("transform", "--warehouse", str(database))
    assert code == 0, output
    assert "transform:replay" in steps_of_last_run(database)
    assert built_tables(database) == night["dbt_tables"]


def test_replays_use_the_session_settings_of_dbts_connections() -> None:
    profiles = yaml.safe_load((TRANSFORMS_DIR / "profiles.yml").read_text())
    [output] = profiles["dialer_warehouse"]["outputs"].values()
    assert output["settings"] == DBT_SESSION_SETTINGS


def test_a_full_refresh_keeps_a_recipe_that_still_holds(night: dict, tmp_path: Path) -> None:
    database = copy_of(night["folder"], tmp_path)
    code, output = run_cli("transform", "--warehouse", str(database))
    assert code == 0, output
    key = recipe_of(database)["key"]
    code, output = run_cli("transform", "--full-refresh", "--warehouse", str(database))
    assert code == 0, output
    assert "transform:recording" not in steps_of_last_run(database)
    assert recipe_of(database)["key"] == key
    full_results = WarehouseLocation(database).dbt_target_dir / transform.FULL_BUILD_RESULTS
    assert any(
        r["unique_id"].startswith("seed.") for r in json.loads(full_results.read_text())["results"]
    )
