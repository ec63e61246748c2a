"""The transform step: dbt builds staging, core and marts inside the warehouse file.

dbt runs in its own process after dlt has closed the file (DuckDB allows one writing
process), so it never shares a connection or global state with the job. It reads the
same warehouse path (`DIALER_WAREHOUSE_PATH`, passed to the profile) and gets each
source's configured time zone as a dbt var.

Builds are incremental (transforms/macros/incremental/): the facts and the daily marts
read only what was loaded since the last build. A build is a full refresh when asked
(`--full-refresh`) and whenever what it builds from differs from the last complete
build: the transforms' files, the dbt vars, the versions of dbt and DuckDB, or which of
the raw tables the staging views read exist (a view over a table that did not exist
yet stands over an empty stand-in). That fingerprint is kept in the warehouse
(`transform_state.last_build`), written only once dbt succeeded and cleared before a
full refresh starts, so a build that dies is followed by another full one. An
incremental build leaves the seeds and staging views (unchanged, by that fingerprint)
as they are and skips their tests.

A night does not start dbt when it can help it: every incremental dbt build is recorded,
and a later night compiled from the same fingerprint and catalog replays that SQL in
this process (warehouse/night_replay.py). A full build is followed by an incremental
dbt build with nothing new to read, which records the recipe the nights replay.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

import duckdb

from warehouse.crash_points import crash_if_wanted, crash_wanted
from warehouse.errors import JobError
from warehouse.night_replay import RECIPE_FILE, ReplayFailed, load_recipe, night_key, replay
from warehouse.paths import TRANSFORMS_DIR, WAREHOUSE_PATH_ENV, WarehouseLocation
from warehouse.registry import SOURCES
from warehouse.run_log import seconds_since

# dbt in a process of its own, through dbtRunner, which can record what it executes
DBT = [sys.executable, "-m", "warehouse.dbt_recorder"]
STATE_SCHEMA = "transform_state"
# beside dbt's run_results.json: the nodes a replayed night ran, and the last full build's
REPLAY_RESULTS = "night_replay_results.json"
FULL_BUILD_RESULTS = "run_results.full_refresh.json"
# what an incremental build does not rebuild (their code and inputs are in the fingerprint)
UNCHANGED_BETWEEN_FULL_BUILDS = ("resource_type:seed", "config.materialized:view")
# the transforms' code: dbt's files, not what dbt writes there (target/, logs/, .user.yml)
PROJECT_FILES = {".sql", ".yml", ".yaml", ".csv"}
GENERATED_DIRS = {"target", "logs", "dbt_packages"}
# how a staging view names the raw table it reads (macros/source_or_empty.sql)
STAGED_TABLE = re.compile(r"source_or_empty\(\s*'(\w+)'\s*,\s*'(\w+)'\s*\)")

log = logging.getLogger("dialer_warehouse")


def dbt_vars() -> dict[str, str]:
    """`<source>_timezone` for every known source (configured value or vendor default)."""
    return {f"{spec.name}_timezone": spec.timezone() for spec in SOURCES.values()}


def build_transforms(location: WarehouseLocation, full_refresh: bool = False) -> dict[str, float]:
    """`dbt build` (seeds, models, tests) against the warehouse; raises JobError on failure.

    Incremental unless `full_refresh`, or the fingerprint of what it builds from changed
    since the last complete build (see the module's docstring); an incremental build
    replays the recorded SQL of the last one when nothing it compiles from changed.
    Returns the seconds of its parts, for the run log: `transform:replay` (a night
    replayed) or `transform:recording` (an incremental dbt build, recorded).
    """
    raw_tables, last_build = _read_build_state(location)
    fingerprint = transforms_fingerprint(raw_tables)
    if not full_refresh and last_build != fingerprint:
        why = "no complete build yet" if last_build is None else "transforms or inputs changed"
        log.info("transform: full refresh (%s)", why)
        full_refresh = True
    if full_refresh:
        if last_build is not None:
            _record_build(location, None)
        run_dbt_build(location, full_refresh=True)
        _record_build(location, fingerprint)
        # what the full build ran, before the recording build writes its own results
        results = location.dbt_target_dir / "run_results.json"
        results.replace(results.with_name(FULL_BUILD_RESULTS))
    started = time.monotonic()
    # the catalog as the incremental SQL compiles against it (a replay that fails commits
    # nothing, so it is still the catalog dbt then records against)
    key = _night_key(location, fingerprint)
    recorded = load_recipe(_recipe_path(location), key)
    if recorded is not None and full_refresh:
        return {}  # the nights' recipe still holds: this build changed nothing it reads
    if recorded is not None and _replayed_night(location, recorded):
        return {"transform:replay": seconds_since(started)}
    log.info("transform: dbt build, recorded for the nights to replay")
    started = time.monotonic()
    run_dbt_build(
        location,
        full_refresh=False,
        exclude=UNCHANGED_BETWEEN_FULL_BUILDS,
        record=(_recipe_path(location), key),
    )
    return {"transform:recording": seconds_since(started)}


def _replayed_night(location: WarehouseLocation, nodes: list[dict]) -> bool:
    """Replay the recorded incremental build's nodes; False (nothing committed): dbt must run."""
    with duckdb.connect(str(location.database)) as connection:
        try:
            tests = replay(connection, nodes)
        except ReplayFailed as failure:
            log.warning("transform: the recorded build failed (%s); dbt builds instead", failure)
            return False
    names = [node["node"] for node in nodes if node["node"]]  # '' holds dbt's own lookups
    log.info("transform: replayed dbt's recorded build (%d nodes, %d tests)", len(names), tests)
    results = {"nodes": names, "tests_passed": tests}
    (location.dbt_target_dir / REPLAY_RESULTS).write_text(json.dumps(results, indent=1))
    return True


def _night_key(location: WarehouseLocation, fingerprint: str) -> str:
    with duckdb.connect(str(location.database), read_only=True) as connection:
        return night_key(connection, fingerprint)


def _recipe_path(location: WarehouseLocation) -> Path:
    return location.dbt_target_dir / RECIPE_FILE


def run_dbt_build(
    location: WarehouseLocation,
    *,
    full_refresh: bool,
    select: tuple[str, ...] = (),
    exclude: tuple[str, ...] = (),
    record: tuple[Path, str] | None = None,
) -> None:
    """One `dbt build` of the selected nodes; raises JobError on failure.

    `record`: (file, key) to keep its statements in, for nights to replay.
    """
    recording = ["--record", str(record[0]), "--key", record[1]] if record else []
    args = [
        *DBT,
        *recording,
        "--",
        "--no-use-colors" if not sys.stdout.isatty() else "--use-colors",
        "build",
        "--project-dir",
        str(TRANSFORMS_DIR),
        "--profiles-dir",
        str(TRANSFORMS_DIR),
        "--target-path",
        str(location.dbt_target_dir),
        "--log-path",
        str(location.dbt_log_dir),
        "--vars",
        json.dumps(dbt_vars()),
    ]
    if full_refresh:
        args.append("--full-refresh")
    if select:
        args += ["--select", *select]
    if exclude:
        args += ["--exclude", *exclude]
    if not sys.stdout.isatty():
        args.insert(args.index("--") + 1, "--quiet")
    # dbt needs no vendor settings: keep the sources' secrets out of its process
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOURCES__")} | {
        WAREHOUSE_PATH_ENV: str(location.database),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    for stale in ("run_results.json", REPLAY_RESULTS):
        (location.dbt_target_dir / stale).unlink(missing_ok=True)
    log_file = location.dbt_log_dir / "dbt.log"
    log_start = log_file.stat().st_size if log_file.exists() else 0
    quiet = not sys.stdout.isatty()
    with subprocess.Popen(
        args,
        env=env,
        stdout=subprocess.PIPE if quiet else None,
        stderr=subprocess.STDOUT,
        text=True,
    ) as dbt:
        if crash_wanted("transform"):
            _crash_once_dbt_builds(log_file, log_start)
        output, _ = dbt.communicate()
    if dbt.returncode != 0:
        raise JobError(f"transform failed: {_first_failure(location, output)}")


def transforms_fingerprint(raw_tables: list[str]) -> str:
    """A digest of everything a build depends on besides the raw rows themselves."""
    digest = hashlib.sha256()
    for path in sorted(TRANSFORMS_DIR.rglob("*")):
        relative = path.relative_to(TRANSFORMS_DIR)
        if (
            path.suffix in PROJECT_FILES
            and not relative.name.startswith(".")
            and not GENERATED_DIRS.intersection(relative.parts[:-1])
        ):
            digest.update(f"{relative.as_posix()}\0".encode())
            digest.update(path.read_bytes())
    versions = {package: version(package) for package in ("dbt-core", "dbt-duckdb", "duckdb")}
    settings = {"vars": dbt_vars(), "versions": versions, "raw_tables": raw_tables}
    digest.update(json.dumps(settings, sort_keys=True).encode())
    return digest.hexdigest()


def _read_build_state(location: WarehouseLocation) -> tuple[list[str], str | None]:
    """Which raw tables that the staging views read exist (`<schema>.<table>`, sorted),
    and the last complete build's fingerprint (None if there is none)."""
    staged = {
        f"{schema}.{table}"
        for path in (TRANSFORMS_DIR / "models" / "staging").rglob("*.sql")
        for schema, table in STAGED_TABLE.findall(path.read_text())
    }
    with duckdb.connect(str(location.database), read_only=True) as connection:
        tables = {
            f"{schema}.{table}"
            for schema, table in connection.execute(
                "select schema_name, table_name from duckdb_tables()"
            ).fetchall()
        }
        if f"{STATE_SCHEMA}.last_build" not in tables:
            return sorted(staged & tables), None
        row = connection.execute(f"select fingerprint from {STATE_SCHEMA}.last_build").fetchone()
    return sorted(staged & tables), row[0] if row else None


def _record_build(location: WarehouseLocation, fingerprint: str | None) -> None:
    """Keep `fingerprint` as the last complete build's; None: no build is complete."""
    with duckdb.connect(str(location.database)) as connection:
        connection.execute(f"create schema if not exists {STATE_SCHEMA}")
        connection.execute(
            f"create table if not exists {STATE_SCHEMA}.last_build "
            "(fingerprint varchar not null, built_at timestamptz not null)"
        )
        connection.execute(f"delete from {STATE_SCHEMA}.last_build")
        if fingerprint is not None:
            connection.execute(
                f"insert into {STATE_SCHEMA}.last_build values (?, now())", [fingerprint]
            )


def _crash_once_dbt_builds(log_file: Path, log_start: int) -> None:
    """For crash tests: die (with dbt) once this dbt run has created a first model."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if log_file.exists():
            with open(log_file, "rb") as log:
                log.seek(log_start)
                if b"OK created" in log.read():
                    break
        time.sleep(0.05)
    crash_if_wanted("transform")


def _first_failure(location: WarehouseLocation, output: str | None) -> str:
    """The first failed node and its message, from run_results.json or dbt's output."""
    results_path = location.dbt_target_dir / "run_results.json"
    try:
        results = json.loads(results_path.read_text())["results"]
    except (OSError, ValueError, KeyError):
        results = []
    failures = [r for r in results if r.get("status") in ("error", "fail")]
    if failures:
        first = failures[0]
        # `<type>.<package>.<name>`, and a data test's ends with a hash after its name
        node = (first.get("unique_id") or "?.?.?").split(".")[2]
        message = (first.get("message") or first.get("status")).strip().splitlines()[0]
        more = f" (+{len(failures) - 1} more)" if len(failures) > 1 else ""
        return f"{node}: {message}{more}"
    lines = [line.strip() for line in (output or "").splitlines() if line.strip()]
    return lines[-1] if lines else f"dbt exited with an error; see {location.dbt_log_dir}"
