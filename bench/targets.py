"""Issue 6's targets, checked against a run's summary: one verdict each, printed under
the table and kept in the JSON (`targets`).

The targets are set for N = 1,000,000 on a 2-core machine: at another N the verdicts
are shown all the same, marked as such (at a small N the latency world has less than a
page a day and its speedup means nothing).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from bench.worlds import FULL_N as TARGETS_N  # the N, the bench's default


@dataclass(frozen=True)
class Target:
    """One figure of the summary (`key`) and the bound it must keep."""

    label: str
    key: str
    at_least: float | None = None
    at_most: float | None = None

    def bound(self) -> str:
        if self.at_least is not None:
            return f">= {self.at_least:,g}"
        return f"<= {self.at_most:,g}"

    def met(self, figure: float | None) -> bool | None:
        """Whether the figure keeps the bound; None when there is no figure."""
        if figure is None or (isinstance(figure, float) and math.isnan(figure)):
            return None
        if self.at_least is not None and figure < self.at_least:
            return False
        return not (self.at_most is not None and figure > self.at_most)


TARGETS = (
    Target("backfill: attempts/s (by the whole run's wall)", "ours_attempts_per_s", 200_000),
    Target("backfill: share of the fetch-and-parse ceiling", "ours_vs_ceiling", 0.40),
    Target("backfill: times the dlt-defaults baseline", "ours_vs_baseline", 60),
    Target("backfill: peak RSS at N (MB)", "peak_rss_mb", at_most=400),
    Target("backfill: peak RSS at N / at N/5", "rss_growth_small_to_n", at_most=1.20),
    Target("no-op run: wall (s)", "noop_run_s", at_most=3),
    Target("no-op run: steps beyond the load (transform, export)", "noop_other_steps", at_most=0),
    Target("night: transform, share of a full rebuild", "transform_incremental_share", None, 0.15),
    Target("latency backfill: speedup", "latency_backfill_speedup", 5),
    Target("latency backfill: resources whose state differs", "latency_state_differences", None, 0),
)


def derived_figures(results: dict[str, Any]) -> dict[str, float | None]:
    """Figures the targets need that the summary holds only in its steps."""
    noop_steps = results["steps"]["noop"].get("step_seconds")
    latency = results["steps"]["latency"]
    return {
        "noop_other_steps": (
            None
            if noop_steps is None
            else sum(1 for step in noop_steps if not step.startswith("load:"))
        ),
        "latency_state_differences": len(latency.get("state_differences", ())),
    }


def verdicts(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Every target with its figure from `results` (a `bench.report.summary`) and whether
    the figure keeps it (None: no figure)."""
    figures = results | derived_figures(results)
    return [
        {
            "target": target.label,
            "bound": target.bound(),
            "figure": figures.get(target.key),
            "met": target.met(figures.get(target.key)),
        }
        for target in TARGETS
    ]


def verdict_lines(results: dict[str, Any]) -> list[str]:
    """The verdicts as lines to print under the table."""
    n = results["n"]
    at = "" if n == TARGETS_N else f"; this run's N is {n:,}, so they say little"
    lines = [f"targets (issue 6, set for N = {TARGETS_N:,} on 2 cores{at}):"]
    rows = results.get("targets") or verdicts(results)
    width = max(len(row["target"]) for row in rows)
    for row in rows:
        figure = row["figure"]
        shown = "-" if figure is None else f"{figure:,.2f}"
        met = {True: "met", False: "NOT met", None: "no figure"}[row["met"]]
        lines.append(f"  {row['target']:<{width}}  {row['bound']:>10}  {shown:>12}  {met}")
    return lines
