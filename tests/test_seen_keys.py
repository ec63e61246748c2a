"""SeenKeys: each key once per run, the first occurrence kept."""

from __future__ import annotations

import pyarrow as pa

from sources.common.seen_keys import SeenKeys


def test_first_occurrences_within_and_across_batches() -> None:
    seen = SeenKeys()
    assert seen.first_time(pa.array([5, 3, 5, 9])).tolist() == [True, True, False, True]
    assert seen.first_time(pa.array([9, 1, 3, 1, 7])).tolist() == [False, True, False, False, True]
    assert [key in seen for key in (1, 3, 5, 7, 9, 2)] == [True] * 5 + [False]


def test_python_values_and_other_key_types_share_the_record() -> None:
    seen = SeenKeys()
    seen.first_time(pa.array([10, 20]))
    assert seen.first_time_of([20, 30, 30, "x", "x"]).tolist() == [False, True, False, True, False]
    assert seen.first_time(pa.array([30, 40])).tolist() == [False, True]
    assert "x" in seen and "y" not in seen
