"""The benchmark's short steps run several times and report the median run."""

from __future__ import annotations

import pytest

from bench.repeats import median_run, repeated


def test_the_run_with_the_median_wall_stands_with_every_wall_in_order() -> None:
    runs = [{"wall_s": 3.5, "run": "a"}, {"wall_s": 1.25, "run": "b"}, {"wall_s": 2.0, "run": "c"}]
    assert median_run(runs) == {"wall_s": 2.0, "run": "c", "walls_s": [3.5, 1.25, 2.0]}


def test_an_even_count_reports_the_lower_middle_run() -> None:
    runs = [{"wall_s": 4.0}, {"wall_s": 1.0}, {"wall_s": 3.0}, {"wall_s": 2.0}]
    assert median_run(runs) == {"wall_s": 2.0, "walls_s": [4.0, 1.0, 3.0, 2.0]}


def test_repeated_runs_the_step_the_given_number_of_times() -> None:
    calls: list[int] = []

    def step(i: int) -> dict[str, float]:
        calls.append(i)
        return {"wall_s": 10.0 - i}

    assert repeated(step, times=3) == {"wall_s": 9.0, "walls_s": [10.0, 9.0, 8.0]}
    assert calls == [0, 1, 2]


def test_no_runs_is_an_error() -> None:
    with pytest.raises(ValueError, match="no runs"):
        median_run([])
