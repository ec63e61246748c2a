"""`python -m bench` (`make bench`): issue 6's benchmark in one command.

BENCH_N (default 1,000,000) dial attempts and as many activities over a year, served
by the simulator in its own process; then, on that data: the fetch-and-parse ceiling,
our full backfill, the full transform, an incremental night (`run`: load, transform,
export), a no-op `run` (three times, the median stands) and the dlt-defaults baseline;
our backfill again at N/5 for memory growth; and a 90-day backfill with 100 ms per
page, sequential once and concurrent three times (the median stands). Prints one
table and writes `bench/results/<UTC>-<commit>.json` and `bench/results/latest.json`.
Never asserts a time: exits 1 only when a step fails.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from bench import steps
from bench.processes import StepFailed
from bench.repeats import REPEATS, repeated
from bench.report import git_commit, summary, table, write_results
from bench.simulator_process import ServedWorld, SimulatorProcess
from bench.worlds import FULL_N, SMALL_DIVISOR

WAREHOUSE_NAME = "bench.duckdb"


def say(message: str) -> None:
    print(f"[bench] {message}", flush=True)


def measure(name: str, what: str, step: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    say(f"{name}: {what}")
    figures = step()
    shown = {
        key: figures[key]
        for key in ("wall_s", "rows_per_s", "attempts_per_s", "peak_rss_mb", "speedup")
        if isinstance(figures.get(key), int | float)
    }
    say(f"{name}: done, " + ", ".join(f"{key} {value:,.1f}" for key, value in shown.items()))
    return figures


def run(n: int, scratch: Path) -> dict[str, Any]:
    """Every step, in order; the figures of each by name."""
    results = main_world_steps(n, scratch)
    small_n = max(1, n // SMALL_DIVISOR)
    say(f"small world: {small_n:,} attempts and activities (peak memory at N/5)")
    with SimulatorProcess("small", n) as simulator, TemporaryDirectory(dir=scratch) as tmp:
        results["ours_small"] = measure(
            "ours_small",
            "dialer-warehouse load, full backfill",
            lambda: steps.backfill(simulator.served, Path(tmp) / WAREHOUSE_NAME),
        )
        _check_rows(results["ours_small"])
    say("latency world: 90 days, every feed page answered 100 ms late")
    with SimulatorProcess("latency", n) as simulator, TemporaryDirectory(dir=scratch) as tmp:
        results["latency"] = latency_steps(simulator.served, Path(tmp))
    return results


def latency_steps(served: ServedWorld, scratch: Path) -> dict[str, Any]:
    """The latency world loaded into new warehouses: once by the single sequential cursor
    walk (`SOURCES__IPSCAPE__CONCURRENCY=1`), then `REPEATS` times with the source's
    default concurrency (the median run stands; see `bench.repeats`). Every concurrent
    warehouse must keep the sequential walk's incremental state."""
    sequential_db = scratch / "sequential" / WAREHOUSE_NAME
    sequential = measure(
        "latency_sequential",
        "dialer-warehouse load with SOURCES__IPSCAPE__CONCURRENCY=1",
        lambda: steps.backfill(served, sequential_db, {"SOURCES__IPSCAPE__CONCURRENCY": "1"}),
    )
    differences: set[str] = set()

    def concurrent_run(i: int) -> dict[str, Any]:
        database = scratch / f"concurrent-{i + 1}" / WAREHOUSE_NAME
        figures = measure(
            f"latency_concurrent ({i + 1} of {REPEATS})",
            "dialer-warehouse load with the default concurrency",
            lambda: steps.backfill(served, database),
        )
        state = steps.same_incremental_state(sequential_db, database)
        differences.update(state["state_differences"])
        return figures

    concurrent = repeated(concurrent_run)
    speedup = steps.per_second(sequential["wall_s"], concurrent["wall_s"])
    state = {"state_equal": not differences, "state_differences": sorted(differences)}
    say(f"latency: speedup {speedup:,.2f} (median run), same incremental state: {not differences}")
    return {"sequential": sequential, "concurrent": concurrent, "speedup": speedup, **state}


def main_world_steps(n: int, scratch: Path) -> dict[str, Any]:
    """The steps on the main world, one warehouse from backfill to the no-op run."""
    results: dict[str, Any] = {}
    say(f"main world: {n:,} attempts and {n:,} activities over 365 days (simulator process)")
    with SimulatorProcess("main", n) as simulator, TemporaryDirectory(dir=scratch) as tmp:
        served = simulator.served
        database = Path(tmp) / WAREHOUSE_NAME
        results["ceiling"] = measure(
            "ceiling", "fetch + parse attempts, then activities", lambda: steps.ceiling(served)
        )
        results["ours"] = measure(
            "ours", "dialer-warehouse load, full backfill", lambda: steps.backfill(served, database)
        )
        _check_rows(results["ours"])
        results["transform_full"] = measure(
            "transform_full",
            "dialer-warehouse transform --full-refresh",
            lambda: steps.transform(served, database),
        )
        results["night"] = measure(
            "night",
            f"clock +1 day ({served.night_rows:,} new attempts and activities), run",
            lambda: steps.night_run(simulator, served, database),
        )
        results["noop"] = repeated(
            lambda i: measure(
                f"noop ({i + 1} of {REPEATS})",
                "dialer-warehouse run, nothing new",
                lambda: steps.nightly_run("run (no-op)", served, database),
            )
        )
        results["baseline"] = measure(
            "baseline",
            "plain dlt with its defaults (subprocess)",
            lambda: steps.baseline(served, n, Path(tmp) / "baseline"),
        )
    return results


def _check_rows(figures: dict[str, Any]) -> None:
    loaded = figures["attempts"] + figures["activities"]
    if loaded != figures["rows_expected"]:
        served = figures["rows_expected"]
        say(f"WARNING: loaded {loaded:,} attempts + activities; the world served {served:,}")


def main() -> int:
    n = int(os.environ.get("BENCH_N", FULL_N))
    started, checked_out = time.monotonic(), git_commit()
    try:
        with TemporaryDirectory(prefix="dialer-bench-") as scratch:
            step_results = run(n, Path(scratch))
    except (StepFailed, OSError) as error:
        say(f"FAILED: {error}")
        return 1
    results = summary(n, step_results, time.monotonic() - started, checked_out)
    path = write_results(results)
    print()
    print(table(results))
    say(f"results: {path} (and bench/results/latest.json)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
