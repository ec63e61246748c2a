"""How the job's process uses memory: peak RSS must not grow with the data (issue 6:
≤ 400 MB at 1,000,000 attempts and activities). The allocators are set and the heaps
trimmed while a load runs; pandas is kept out while a command runs."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import sys
import threading
from collections.abc import Iterator

import pyarrow

# glibc's mallopt parameter for the size from which an allocation gets its own mapping
M_MMAP_THRESHOLD = -3
# a page body (0.3 to 0.8 MB), its copies and its parse buffers are mapped on their own
# and unmapped when freed: left to glibc's moving threshold they settle in the heaps of
# the window threads and stay there (1M backfill: peak 451 → ~400 MB, same wall time)
PAGE_SIZED = 128 * 1024


# how often a load hands its heaps' free pages back (a 1M backfill's ~75 trims cost ~2.4 s
# of system CPU in all, in paired runs with and without them; the wall did not move)
TRIM_EVERY_S = 0.5


@functools.cache
def _glibc() -> ctypes.CDLL | None:
    """The C library when it is glibc (it has `mallopt` and `malloc_trim`), else None."""
    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        libc = ctypes.CDLL(name)
    except OSError:
        return None
    if not (hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim")):
        return None  # not glibc: its own defaults stand
    return libc


def settle_for_big_transient_buffers() -> None:
    """Arrow on the system allocator (its buffers go back as soon as a page is done with
    them; `warehouse/__init__.py` sets the same for Arrow's C++ code); on glibc, buffers
    from 128 KiB up are mapped and unmapped, not pooled."""
    pyarrow.set_memory_pool(pyarrow.system_memory_pool())
    libc = _glibc()
    if libc is not None:
        libc.mallopt(M_MMAP_THRESHOLD, PAGE_SIZED)


def return_free_heap_pages() -> bool:
    """Hands the whole free pages inside glibc's heaps back to the system
    (`malloc_trim(0)`); False when the C library is not glibc.

    Freeing a small block never shrinks a heap unless the block is at its top: the pages
    of blocks freed under a live one stay resident until this runs."""
    libc = _glibc()
    if libc is None:
        return False
    libc.malloc_trim(0)
    return True


class HeapTrimmer:
    """A daemon thread that returns the heaps' free pages every `every_s` seconds until
    stopped. `trimmed` is set after each trim (tests wait on it, clearing it first)."""

    def __init__(self, every_s: float = TRIM_EVERY_S) -> None:
        self.every_s = every_s
        self.trimmed = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._trim, name="heap-trimmer", daemon=True)

    def _trim(self) -> None:
        while not self._stop.wait(self.every_s):
            if not return_free_heap_pages():
                return
            self.trimmed.set()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


@contextlib.contextmanager
def heap_kept_flat(every_s: float = TRIM_EVERY_S) -> Iterator[HeapTrimmer]:
    """While a load runs: the allocators settled for page-sized buffers, and the heaps'
    free pages returned every `every_s` seconds.

    The window threads free pages' buffers between blocks that live on (a run's seen
    keys, dlt's bookkeeping), so the heaps fill with free pages that glibc keeps: at
    1,000,000 attempts and activities the extract's RSS grew by ~60 MB over the run,
    and the peak was 1.21 to 1.22 times N/5's (356 to 367 MB). Trimmed every 0.5 s: flat
    through the extract, peak 330 to 341 MB, 1.12 to 1.16 times N/5's, for ~2.4 s of
    system CPU a backfill at N (and ~15 % more minor page faults), no wall time beyond
    the noise."""
    settle_for_big_transient_buffers()
    trimmer = HeapTrimmer(every_s)
    trimmer.start()
    try:
        yield trimmer
    finally:
        trimmer.stop()


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
