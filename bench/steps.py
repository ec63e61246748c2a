"""The measured steps of the benchmark; each returns its figures as a dict (seconds,
rows, rows per second, peak RSS in MB of the step's whole process tree)."""

from __future__ import annotations

import json
import math
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench.job import job_env, run_job
from bench.processes import PROJECT_ROOT, run_measured
from bench.simulator_process import ServedWorld, SimulatorProcess
from bench.warehouse_facts import incremental_state, newest_step_seconds, raw_counts, rows_loaded
from bench.worlds import MAIN_DAYS, every_zone_at_midnight

CALL_TABLES = ("dialler_attempts", "activities")
BASELINE_ROWS = 20_000  # dlt's defaults run at ~2,500 rows/s: 20,000 rows take ~8 s
BASELINE_SHARE = 10  # at a small N, a tenth of it (a quick run stays quick)


def per_second(rows: float, seconds: float) -> float:
    return rows / seconds if seconds > 0 else math.nan


def ceiling(served: ServedWorld) -> dict[str, Any]:
    """Fetch and parse only, one feed after the other (attempts, then activities); the
    attempts' pages then fetched alone, and fetched and parsed into Arrow tables by
    several threads (see `bench.ceiling`)."""
    command = [sys.executable, "-m", "bench.ceiling", "--base-url", served.base_url]
    command += ["--api-token", served.api_token, "--arrow-feed", "dialler_attempts"]
    measured = run_measured("ceiling", [*command, *CALL_TABLES], job_env(served))
    walks = {
        (walk["feed"], walk["mode"]): walk for walk in map(json.loads, measured.stdout.splitlines())
    }
    attempts, activities = walks["dialler_attempts", "json"], walks["activities", "json"]
    transport, arrow = walks["dialler_attempts", "transport"], walks["dialler_attempts", "arrow"]
    both_rows = attempts["rows"] + activities["rows"]
    both_seconds = attempts["seconds"] + activities["seconds"]
    return {
        "attempts_rows": attempts["rows"],
        "attempts_s": attempts["seconds"],
        "rows_per_s": per_second(attempts["rows"], attempts["seconds"]),
        "activities_rows_per_s": per_second(activities["rows"], activities["seconds"]),
        "all_rows_per_s": per_second(both_rows, both_seconds),
        "transport_s": transport["seconds"],
        "transport_rows_per_s": per_second(transport["rows"], transport["seconds"]),
        "arrow_s": arrow["seconds"],
        "arrow_rows_per_s": per_second(arrow["rows"], arrow["seconds"]),
        "peak_rss_mb": measured.peak_rss_mb,
    }


def backfill(served: ServedWorld, database: Path, extra_env: dict | None = None) -> dict:
    """`dialer-warehouse load --source ipscape` into a new warehouse, from START_DATE."""
    env = job_env(served, extra_env)
    measured = run_job("load (backfill)", "load", database, env, "--source", "ipscape")
    counts = raw_counts(database, (*CALL_TABLES, "leads"))
    rows = counts["dialler_attempts"] + counts["activities"]
    return {
        "wall_s": measured.wall_s,
        "peak_rss_mb": measured.peak_rss_mb,
        "attempts": counts["dialler_attempts"],
        "activities": counts["activities"],
        "leads": counts["leads"],
        "rows_expected": 2 * served.backfill_rows,
        "rows_per_s": per_second(rows, measured.wall_s),
        "attempts_per_s": per_second(counts["dialler_attempts"], measured.wall_s),
    }


def transform(served: ServedWorld, database: Path) -> dict[str, Any]:
    """`dialer-warehouse transform --full-refresh`; `transform_s` is the full build as the
    command logged it in `ops.runs` (start-up left out), else the wall, without the
    incremental build recorded after it for the nights (`recording_s`)."""
    measured = run_job(
        "transform --full-refresh", "transform", database, job_env(served), "--full-refresh"
    )
    steps = newest_step_seconds(database) or {}
    recording = steps.get("transform:recording") or 0.0
    return {
        "wall_s": measured.wall_s,
        "peak_rss_mb": measured.peak_rss_mb,
        "transform_s": steps.get("transform", measured.wall_s) - recording,
        "recording_s": recording,
    }


def night_run(simulator: SimulatorProcess, served: ServedWorld, database: Path) -> dict:
    """The clock one day on (a new day plus late updates), then the nightly
    `dialer-warehouse run --source ipscape`: load, transform, export."""
    before = raw_counts(database, CALL_TABLES)
    simulator.advance(days=1)
    figures = nightly_run("run (night)", served, database)
    after = raw_counts(database, CALL_TABLES)
    figures["rows_new"] = {table: after[table] - before[table] for table in CALL_TABLES}
    figures["new_rows_expected"] = served.night_rows
    return figures


def nightly_run(label: str, served: ServedWorld, database: Path) -> dict[str, Any]:
    """`dialer-warehouse run --source ipscape`: wall, rows loaded per raw table, and the
    seconds of each step as the runner logged them in `ops.runs` (`step_seconds`, e.g.
    {"load:ipscape": 1.2, "transform": 8.0, "export": 0.3}; None when not logged);
    start-up = wall minus the steps (a step's parts, `transform:replay` or
    `transform:recording`, are inside its `transform`)."""
    measured = run_job(label, "run", database, job_env(served), "--source", "ipscape")
    steps = newest_step_seconds(database)
    figures: dict[str, Any] = {
        "wall_s": measured.wall_s,
        "peak_rss_mb": measured.peak_rss_mb,
        "rows_loaded": rows_loaded(measured.stdout),
        "step_seconds": steps,
    }
    if steps is not None:
        whole_steps = [s for name, s in steps.items() if s and not name.startswith("transform:")]
        figures["startup_s"] = measured.wall_s - sum(whole_steps)
    return figures


def baseline(served: ServedWorld, n: int, scratch: Path) -> dict[str, Any]:
    """dlt's defaults (`bench.baseline`) over the first days of the world, about
    20,000 attempts (N / 10 when that is less), in a folder outside the project so no
    project setting applies."""
    wanted = min(BASELINE_ROWS, n // BASELINE_SHARE)
    days = min(MAIN_DAYS, max(1, math.ceil(wanted * MAIN_DAYS / n)))
    until = every_zone_at_midnight(date.fromisoformat(served.start_date) + timedelta(days=days))
    scratch.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "bench.baseline", "--base-url", served.base_url]
    command += ["--api-token", served.api_token, "--until", until.strftime("%Y-%m-%dT%H:%M:%SZ")]
    command += ["--database", str(scratch / "baseline.duckdb")]
    command += ["--pipelines-dir", str(scratch / "pipelines")]
    env = {**job_env(served), "PYTHONPATH": str(PROJECT_ROOT)}
    measured = run_measured("baseline", command, env, cwd=scratch)
    result = json.loads(measured.stdout.strip().splitlines()[-1])
    return {
        "rows": result["rows"],
        "run_s": result["seconds"],
        "wall_s": measured.wall_s,
        "rows_per_s": per_second(result["rows"], result["seconds"]),
        "peak_rss_mb": measured.peak_rss_mb,
    }


def same_incremental_state(sequential_db: Path, concurrent_db: Path) -> dict[str, Any]:
    """Whether two warehouses' ipSCAPE pipelines keep the same `incremental` state for
    every resource, and the resources where they differ."""
    sequential = incremental_state(sequential_db)
    concurrent = incremental_state(concurrent_db)
    differing = sorted(
        name
        for name in set(sequential) | set(concurrent)
        if sequential.get(name) != concurrent.get(name)
    )
    return {"state_equal": not differing, "state_differences": differing}
