"""The keys a resource already yielded this run, so each record is yielded once.

dlt's merge would otherwise de-duplicate the staged rows itself, with a window function
over every column of the load; on wide tables that costs more than the rest of the load
together. A resource that yields each key once declares its data `deduplicated`, and
the merge is a plain delete and insert. The first version of a repeated record is
kept (the merge kept an arbitrary one before).

Integer keys are kept in sorted numpy runs (8 bytes a key), checked per batch with a
binary search in each; a new batch's keys are a run of their own, and runs merge when
the newer is at least half the size of the older, so there are O(log n) runs and each
key is copied O(log n) times (one sorted array took an O(n) insert per batch: 15 % of
the extracting thread in a 1M backfill). Other keys are kept in a set.
"""

from __future__ import annotations

import threading

import numpy as np
import pyarrow as pa


class SeenKeys:
    """The keys of one table yielded this run; safe to share between window workers."""

    def __init__(self) -> None:
        self._runs: list[np.ndarray] = []  # sorted, unique, disjoint; oldest (biggest) first
        self._others: set = set()
        self._lock = threading.RLock()

    def first_time(self, keys: pa.ChunkedArray | pa.Array) -> np.ndarray:
        """A mask of the rows whose key was not yielded before (nor earlier in `keys`)."""
        with self._lock:
            return self._first_time(keys)

    def _first_time(self, keys: pa.ChunkedArray | pa.Array) -> np.ndarray:
        if not pa.types.is_integer(keys.type) or keys.null_count:
            return self.first_time_of(keys.to_pylist())
        if isinstance(keys, pa.ChunkedArray):  # (its to_numpy imports pandas)
            keys = keys.combine_chunks()
        values = np.asarray(keys.to_numpy(zero_copy_only=False), dtype=np.int64)
        unique, first = np.unique(values, return_index=True)
        known = np.zeros(len(unique), dtype=bool)
        for run in self._runs:
            known |= _in_sorted(run, unique)
        new = ~known
        self._add_run(unique[new])
        mask = np.zeros(len(values), dtype=bool)
        mask[first[new]] = True
        return mask

    def _add_run(self, keys: np.ndarray) -> None:
        if not len(keys):
            return
        self._runs.append(keys)
        while len(self._runs) > 1 and 2 * len(self._runs[-1]) >= len(self._runs[-2]):
            newer = self._runs.pop()
            self._runs[-1] = np.sort(np.concatenate((self._runs[-1], newer)))

    def first_time_of(self, keys: list) -> np.ndarray:
        """As `first_time`, for keys given as Python values."""
        with self._lock:
            return self._first_time_of(keys)

    def _first_time_of(self, keys: list) -> np.ndarray:
        if all(isinstance(key, int) and not isinstance(key, bool) for key in keys):
            return self.first_time(pa.array(keys, type=pa.int64()))
        mask = np.zeros(len(keys), dtype=bool)
        for row, key in enumerate(keys):
            if isinstance(key, int) and not isinstance(key, bool):
                mask[row] = self.first_time(pa.array([key], type=pa.int64()))[0]
            else:
                mask[row] = key not in self._others
                self._others.add(key)
        return mask

    def contains_int(self, key: int) -> bool:
        probe = np.array([key], dtype=np.int64)
        with self._lock:
            return any(_in_sorted(run, probe)[0] for run in self._runs)

    def __contains__(self, key: object) -> bool:
        if isinstance(key, int) and not isinstance(key, bool):
            return self.contains_int(key)
        with self._lock:
            return key in self._others


def _in_sorted(run: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """A mask of `keys` found in the sorted array `run`."""
    at = np.searchsorted(run, keys)
    found = np.zeros(len(keys), dtype=bool)
    inside = at < len(run)
    found[inside] = run[at[inside]] == keys[inside]
    return found
