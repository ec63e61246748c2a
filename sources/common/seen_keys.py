"""The keys a resource already yielded this run, so each record is yielded once.

dlt's merge would otherwise de-duplicate the staged rows itself, with a window function
over every column of the load; on wide tables that costs more than the rest of the load
together. A resource that yields each key once declares its data `deduplicated`, and
the merge is a plain delete and insert. The first version of a repeated record is
kept (the merge kept an arbitrary one before).

Integer keys are kept in one sorted numpy array (8 bytes a key), checked per batch with
a binary search; other keys in a set.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa


class SeenKeys:
    def __init__(self) -> None:
        self._sorted = np.empty(0, dtype=np.int64)
        self._others: set = set()

    def first_time(self, keys: pa.ChunkedArray | pa.Array) -> np.ndarray:
        """A mask of the rows whose key was not yielded before (nor earlier in `keys`)."""
        if not pa.types.is_integer(keys.type) or keys.null_count:
            return self.first_time_of(keys.to_pylist())
        if isinstance(keys, pa.ChunkedArray):  # (its to_numpy imports pandas)
            keys = keys.combine_chunks()
        values = np.asarray(keys.to_numpy(zero_copy_only=False), dtype=np.int64)
        unique, first = np.unique(values, return_index=True)
        at = np.searchsorted(self._sorted, unique)
        known = np.zeros(len(unique), dtype=bool)
        inside = at < len(self._sorted)
        known[inside] = self._sorted[at[inside]] == unique[inside]
        new = ~known
        self._sorted = np.insert(self._sorted, at[new], unique[new])
        mask = np.zeros(len(values), dtype=bool)
        mask[first[new]] = True
        return mask

    def first_time_of(self, keys: list) -> np.ndarray:
        """As `first_time`, for keys given as Python values."""
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
        at = np.searchsorted(self._sorted, key)
        return bool(at < len(self._sorted) and self._sorted[at] == key)

    def __contains__(self, key: object) -> bool:
        if isinstance(key, int) and not isinstance(key, bool):
            return self.contains_int(key)
        return key in self._others
