"""The benchmark's results: the summary JSON (with the keys issue 6 names), the table
printed at the end, and the files in `bench/results/`."""

from __future__ import annotations

import json
import math
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.ceiling import ARROW_WORKERS
from bench.processes import PROJECT_ROOT
from bench.targets import verdict_lines, verdicts

RESULTS_DIR = Path(__file__).resolve().parent / "results"
LATEST_RESULTS = "bench/results/latest.json"  # relative to the project root


def git_commit(root: Path = PROJECT_ROOT) -> tuple[str, bool]:
    """The short commit checked out in `root`, and whether the working tree differs
    from it (the bench's own `latest.json` left out: the previous run rewrote it)."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
        return done.stdout.strip() if done.returncode == 0 else ""

    changed = git("status", "--porcelain", "--", ".", f":(exclude){LATEST_RESULTS}")
    return git("rev-parse", "--short", "HEAD") or "unknown", bool(changed)


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if not numerator or not denominator or math.isnan(numerator) or math.isnan(denominator):
        return None
    return numerator / denominator


def summary(
    n: int, steps: dict[str, Any], wall_s: float, checked_out: tuple[str, bool]
) -> dict[str, Any]:
    """The headline figures first (issue 6's keys), then every step's own figures, then
    the verdict on each of the issue's targets (`bench.targets`); `checked_out` is
    `git_commit()` as the bench started (what it measured)."""
    ours, small, night = steps["ours"], steps["ours_small"], steps["night"]
    night_steps = night["step_seconds"] or {}
    transform_full = steps["transform_full"]["transform_s"]
    latency = steps["latency"]
    commit, dirty = checked_out
    results = {
        "n": n,
        "ours_rows_per_s": ours["rows_per_s"],
        "ours_attempts_per_s": ours["attempts_per_s"],
        "baseline_rows_per_s": steps["baseline"]["rows_per_s"],
        "ceiling_rows_per_s": steps["ceiling"]["rows_per_s"],
        "ceiling_all_rows_per_s": steps["ceiling"]["all_rows_per_s"],
        "transport_rows_per_s": steps["ceiling"]["transport_rows_per_s"],
        "ceiling_arrow_rows_per_s": steps["ceiling"]["arrow_rows_per_s"],
        "ours_vs_baseline": ratio(ours["rows_per_s"], steps["baseline"]["rows_per_s"]),
        "ours_vs_ceiling": ratio(ours["rows_per_s"], steps["ceiling"]["all_rows_per_s"]),
        "peak_rss_mb": ours["peak_rss_mb"],
        "peak_rss_mb_small_n": small["peak_rss_mb"],
        "rss_growth_small_to_n": ratio(ours["peak_rss_mb"], small["peak_rss_mb"]),
        "noop_run_s": steps["noop"]["wall_s"],
        "noop_runs_s": steps["noop"].get("walls_s"),
        "night_run_s": night["wall_s"],
        "night_load_s": night_steps.get("load:ipscape"),
        "transform_full_s": transform_full,
        "transform_recording_s": steps["transform_full"].get("recording_s"),
        "transform_incremental_s": night_steps.get("transform"),
        "transform_incremental_replayed": "transform:replay" in night_steps,
        "transform_incremental_share": ratio(night_steps.get("transform"), transform_full),
        "latency_backfill_sequential_s": latency["sequential"]["wall_s"],
        "latency_backfill_concurrent_s": latency["concurrent"]["wall_s"],
        "latency_backfill_concurrent_runs_s": latency["concurrent"].get("walls_s"),
        "latency_backfill_speedup": latency["speedup"],
        "latency_state_equal": latency["state_equal"],
        "git_commit": commit,
        "git_dirty": dirty,
        "measured_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "bench_wall_s": wall_s,
        "steps": steps,
    }
    return {**results, "targets": verdicts(results)}


def write_results(results: dict[str, Any]) -> Path:
    """`bench/results/<UTC timestamp>-<commit>.json` and `latest.json`; the first path."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = results["measured_at"].replace("-", "").replace(":", "")
    text = json.dumps(results, indent=2, sort_keys=False, default=str) + "\n"
    path = RESULTS_DIR / f"{stamp}-{results['git_commit']}.json"
    path.write_text(text)
    (PROJECT_ROOT / LATEST_RESULTS).write_text(text)
    return path


def _number(value: float | None, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:,.{digits}f}"


def table(results: dict[str, Any]) -> str:
    """One line per measured path: rows/s, wall seconds, peak RSS (MB), and a ratio."""
    steps = results["steps"]
    ours, small = steps["ours"], steps["ours_small"]
    latency = steps["latency"]
    night_transform = "replayed" if results["transform_incremental_replayed"] else "dbt"
    lines = [
        (f"ours: backfill, attempts + activities (N={results['n']:,})", ours["rows_per_s"],
         ours["wall_s"], ours["peak_rss_mb"], None),
        ("ours: same run, attempts only", ours["attempts_per_s"], None, None, None),
        (f"ours: backfill at N/5 ({small['attempts']:,} attempts)", small["rows_per_s"],
         small["wall_s"], small["peak_rss_mb"],
         ("RSS N / N/5", results["rss_growth_small_to_n"])),
        (f"baseline: dlt defaults ({steps['baseline']['rows']:,} attempts)",
         results["baseline_rows_per_s"], steps["baseline"]["wall_s"],
         steps["baseline"]["peak_rss_mb"], ("ours / baseline", results["ours_vs_baseline"])),
        ("ceiling: fetch + parse, attempts", results["ceiling_rows_per_s"],
         steps["ceiling"]["attempts_s"], steps["ceiling"]["peak_rss_mb"], None),
        ("ceiling: fetch + parse, attempts + activities", results["ceiling_all_rows_per_s"],
         None, None, ("ours / ceiling", results["ours_vs_ceiling"])),
        ("transport: fetch only, attempts", results["transport_rows_per_s"],
         steps["ceiling"]["transport_s"], None, None),
        (f"fetch + pyarrow.json, attempts, {ARROW_WORKERS} threads",
         results["ceiling_arrow_rows_per_s"], steps["ceiling"]["arrow_s"], None, None),
        ("transform --full-refresh after the backfill (dbt)", None,
         results["transform_full_s"], steps["transform_full"]["peak_rss_mb"], None),
        ("  then the nights' recipe recorded (dbt, incremental)", None,
         results["transform_recording_s"], None, None),
        ("incremental night: run", None, results["night_run_s"],
         steps["night"]["peak_rss_mb"], None),
        ("incremental night: its load", None, results["night_load_s"], None, None),
        (f"incremental night: its transform ({night_transform})", None,
         results["transform_incremental_s"],
         None, ("share of full", results["transform_incremental_share"])),
        ("no-op run", None, results["noop_run_s"], steps["noop"]["peak_rss_mb"], None),
        ("latency backfill (100 ms/page): sequential", None,
         latency["sequential"]["wall_s"], latency["sequential"]["peak_rss_mb"], None),
        ("latency backfill (100 ms/page): concurrent", None,
         latency["concurrent"]["wall_s"], latency["concurrent"]["peak_rss_mb"],
         ("speedup", results["latency_backfill_speedup"])),
    ]  # fmt: skip
    width = max(len(label) for label, *_ in lines)
    out = [f"{'':<{width}}  {'rows/s':>10}  {'wall s':>8}  {'RSS MB':>8}  ratio"]
    for label, rate, wall, rss, ratio_cell in lines:
        cell = f"{ratio_cell[0]} {_number(ratio_cell[1], 2)}" if ratio_cell else ""
        out.append(
            f"{label:<{width}}  {_number(rate):>10}  {_number(wall, 1):>8}  "
            f"{_number(rss):>8}  {cell}"
        )
    out += _breakdown(results)
    out += ["", *verdict_lines(results)]
    return "\n".join(out)


def _steps_line(name: str, run: dict[str, Any]) -> str:
    if run.get("step_seconds") is None:
        return f"{name} breakdown: ops.runs has no step_seconds (wall only)"
    parts = ", ".join(f"{step} {_number(s, 2)}" for step, s in run["step_seconds"].items())
    return f"{name} breakdown (s): {parts}, start-up {_number(run['startup_s'], 2)}"


def _breakdown(results: dict[str, Any]) -> list[str]:
    steps = results["steps"]
    latency = steps["latency"]
    lines = [_steps_line("night run", steps["night"]), _steps_line("no-op run", steps["noop"])]
    lines += [
        f"{name} runs, the median stands (wall s, in order): "
        + ", ".join(_number(wall, 2) for wall in run["walls_s"])
        for name, run in (("no-op", steps["noop"]), ("latency concurrent", latency["concurrent"]))
        if run.get("walls_s")
    ]
    night = steps["night"]
    lines.append(
        f"incremental night rows loaded: {night['rows_loaded'] or '-'}; new: {night['rows_new']} "
        f"(expected {night['new_rows_expected']:,} new attempts and activities)"
    )
    state = "equal" if latency["state_equal"] else f"DIFFERENT ({latency['state_differences']})"
    lines.append(f"latency backfills' incremental state: {state}")
    lines.append(f"commit {results['git_commit']}{' (dirty)' if results['git_dirty'] else ''}")
    return lines
