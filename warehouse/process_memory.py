"""How the job's process uses memory: peak RSS must not grow with the data (issue 6:
≤ 400 MB at 1,000,000 attempts and activities). The allocators are set once a load
starts; pandas is kept out while a command runs."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import sys
from collections.abc import Iterator

import pyarrow

# glibc's mallopt parameter for the size from which an allocation gets its own mapping
M_MMAP_THRESHOLD = -3
# a page body (0.3 to 0.8 MB), its copies and its parse buffers are mapped on their own
# and unmapped when freed: left to glibc's moving threshold they settle in the heaps of
# the window threads and stay there (1M backfill: peak 451 → ~400 MB, same wall time)
PAGE_SIZED = 128 * 1024


def settle_for_big_transient_buffers() -> None:
    """Arrow on the system allocator (its buffers go back as soon as a page is done with
    them; `warehouse/__init__.py` sets the same for Arrow's C++ code); on glibc, buffers
    from 128 KiB up are mapped and unmapped, not pooled."""
    pyarrow.set_memory_pool(pyarrow.system_memory_pool())
    name = ctypes.util.find_library("c")
    if not name:
        return
    try:
        libc = ctypes.CDLL(name)
        libc.mallopt(M_MMAP_THRESHOLD, PAGE_SIZED)
    except (OSError, AttributeError):  # not glibc: its own defaults stand
        return


class _PandasHidden:
    """A module finder that answers for pandas as if it were not installed."""

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name == "pandas" or name.startswith("pandas."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)


@contextlib.contextmanager
def pandas_kept_out() -> Iterator[None]:
    """While a command runs, pandas answers imports as a module that is not installed.

    pyarrow imports pandas, when it is installed, the first time it turns a Python value
    into Arrow (`pa.scalar`, `pa.array`), only to check whether the value is a pandas
    object: 0.35 s and 76 MB of RSS (a fifth of a backfill's peak) for a library the job
    never uses (pyarrow, dlt and DuckDB all treat it as optional). Nothing changes when
    pandas was imported before. Afterwards pandas imports again, though pyarrow, in a
    process that embeds the command, remembers that it found none."""
    if "pandas" in sys.modules:
        yield
        return
    finder = _PandasHidden()
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)
