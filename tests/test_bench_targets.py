"""The benchmark's verdict on issue 6's targets: a figure at its bound keeps it, one past
it does not, a missing figure gets no verdict, and the no-op and latency verdicts count
what the steps report (steps beyond the load, resources whose state differs)."""

from __future__ import annotations

from typing import Any

from bench.targets import TARGETS, TARGETS_N, verdict_lines, verdicts


def results(**figures: Any) -> dict[str, Any]:
    """A summary holding every target's figure at its bound, with `figures` over them."""
    summary: dict[str, Any] = {
        "n": TARGETS_N,
        "ours_attempts_per_s": 200_000.0,
        "ours_vs_ceiling": 0.40,
        "ours_vs_baseline": 60.0,
        "peak_rss_mb": 400.0,
        "rss_growth_small_to_n": 1.20,
        "noop_run_s": 3.0,
        "transform_incremental_share": 0.15,
        "latency_backfill_speedup": 5.0,
        "steps": {
            "noop": {"step_seconds": {"load:ipscape": 1.1}},
            "latency": {"state_differences": []},
        },
    }
    return summary | figures


def met_by_key(summary: dict[str, Any]) -> dict[str, bool | None]:
    return {
        target.key: verdict["met"]
        for target, verdict in zip(TARGETS, verdicts(summary), strict=True)
    }


def test_every_figure_at_its_bound_keeps_its_target() -> None:
    assert set(met_by_key(results()).values()) == {True}


def test_a_figure_past_its_bound_misses_only_its_own_target() -> None:
    past = {
        "ours_attempts_per_s": 199_999.0,
        "ours_vs_ceiling": 0.39,
        "ours_vs_baseline": 59.9,
        "peak_rss_mb": 400.5,
        "rss_growth_small_to_n": 1.21,
        "noop_run_s": 3.01,
        "transform_incremental_share": 0.151,
        "latency_backfill_speedup": 4.99,
    }
    for key, value in past.items():
        met = met_by_key(results(**{key: value}))
        assert [k for k, ok in met.items() if not ok] == [key]


def test_a_no_op_that_rebuilt_or_exported_misses_its_target() -> None:
    steps = results()["steps"] | {
        "noop": {"step_seconds": {"load:ipscape": 1.1, "transform": 2.0, "export": 0.1}}
    }
    summary = results(steps=steps)
    verdict = verdicts(summary)[[t.key for t in TARGETS].index("noop_other_steps")]
    assert (verdict["figure"], verdict["met"]) == (2, False)


def test_latency_states_that_differ_miss_their_target() -> None:
    steps = results()["steps"] | {"latency": {"state_differences": ["activities", "leads"]}}
    verdict = verdicts(results(steps=steps))[-1]
    assert verdict["target"] == "latency backfill: resources whose state differs"
    assert (verdict["figure"], verdict["met"]) == (2, False)


def test_a_missing_figure_gets_no_verdict() -> None:
    steps = results()["steps"] | {"noop": {"step_seconds": None}}
    met = met_by_key(results(latency_backfill_speedup=float("nan"), steps=steps))
    assert [key for key, ok in met.items() if ok is None] == [
        "noop_other_steps",
        "latency_backfill_speedup",
    ]


def test_the_lines_say_when_the_run_was_not_at_the_targets_n() -> None:
    summary = results(n=20_000, latency_backfill_speedup=1.5)
    lines = verdict_lines(summary)
    assert lines[0] == (
        "targets (issue 6, set for N = 1,000,000 on 2 cores; this run's N is 20,000, "
        "so they say little):"
    )
    assert len(lines) == 1 + len(TARGETS)
    speedup = next(line for line in lines if "speedup" in line)
    assert speedup.split()[-3:] == ["1.50", "NOT", "met"]
    assert verdict_lines(results())[0] == "targets (issue 6, set for N = 1,000,000 on 2 cores):"
