"""Waiting, a bounded time, for other processes to release the DuckDB file.

DuckDB lets one process write a file, and a process with the file open (even an
analyst's read-only session, or a BI tool) keeps a writer out. The job waits up to
`DIALER_WAREHOUSE_WAIT_SECONDS` (default 300) for the file, then fails clearly
instead of failing silently or hanging the schedule.
"""

from __future__ import annotations

import os
import time

import duckdb

from warehouse.errors import EXIT_BUSY, JobError
from warehouse.paths import WarehouseLocation

WAIT_SECONDS_ENV = "DIALER_WAREHOUSE_WAIT_SECONDS"
DEFAULT_WAIT_SECONDS = 300.0
RETRY_SECONDS = 0.5


def is_held_elsewhere(error: BaseException) -> bool:
    """Whether a DuckDB error means another process holds the file's lock."""
    return isinstance(error, duckdb.IOException) and "lock" in str(error).lower()


def wait_for_write_access(location: WarehouseLocation) -> None:
    """Return once the warehouse can be opened for writing; JobError after the wait."""
    if not location.database.exists():
        return
    wait = float(os.environ.get(WAIT_SECONDS_ENV, DEFAULT_WAIT_SECONDS))
    deadline = time.monotonic() + wait
    while True:
        try:
            duckdb.connect(str(location.database)).close()
            return
        except duckdb.IOException as error:
            if not is_held_elsewhere(error):
                raise
            if time.monotonic() >= deadline:
                raise busy_error(error, wait) from error
        time.sleep(RETRY_SECONDS)


def busy_error(error: BaseException, waited_seconds: float) -> JobError:
    holder = str(error).split("Conflicting lock is held in", 1)[-1].strip().rstrip(".")
    return JobError(
        f"the warehouse file is held by another process ({holder}) and was not released "
        f"within {waited_seconds:g} s; readers should open it read-only or use the exports",
        EXIT_BUSY,
    )
