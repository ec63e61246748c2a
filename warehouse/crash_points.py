"""Deliberate crashes at named points of a run, to prove that the next run recovers.

A test sets `DIALER_WAREHOUSE_CRASH_AT` to one of CRASH_POINTS; the job then kills
itself with SIGKILL (no cleanup, no `finally`) when it reaches that point. Unset (always
in production), nothing happens.
"""

from __future__ import annotations

import os
import signal

CRASH_AT_ENV = "DIALER_WAREHOUSE_CRASH_AT"
CRASH_POINTS = ("extract", "normalize", "load", "transform", "export")


def crash_wanted(point: str) -> bool:
    return os.environ.get(CRASH_AT_ENV) == point


def crash_if_wanted(point: str) -> None:
    """SIGKILL this process (and its process group, so dbt dies too) at `point`."""
    if crash_wanted(point):
        os.killpg(os.getpgid(0), signal.SIGKILL)
