"""Injected failures: slow pages and error answers for the next requests to a path."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from typing import Any


@dataclass
class Fault:
    """What the next `remaining` requests under `path_prefix` get instead of (or before)
    the real answer. `delay_seconds` alone slows the real answer down."""

    path_prefix: str
    status: int | None = None
    retry_after: str | None = None  # Retry-After header value (seconds or an HTTP date)
    delay_seconds: float | None = None
    body: Any = None  # JSON-able, str or bytes; default {"message": <reason phrase>}
    remaining: int = 1


class FaultInjector:
    """Thread-safe list of pending faults, consulted by the server on every request.

    Paths are matched below the vendor's API root: for ipSCAPE after `/platform-api`,
    e.g. `/v3.0/calls/dialler`; QVoice and CloudAgent live at the host root, so their
    paths are full, e.g. `/api/v2/reports/campaigns/leads/history` or
    `/endpoint/dailer/data/preview/download`. Faults apply in the order they were added.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._hits: Counter[str] = Counter()

    def add(
        self,
        path_prefix: str,
        *,
        status: int | None = None,
        retry_after: float | str | None = None,
        delay_seconds: float | None = None,
        body: Any = None,
        times: int = 1,
    ) -> None:
        """Apply to the next `times` requests whose API path starts with `path_prefix`."""
        if status is None and delay_seconds is None:
            raise ValueError("a fault needs a status, a delay, or both")
        if isinstance(retry_after, float) and retry_after.is_integer():
            retry_after = int(retry_after)
        with self._lock:
            self._faults.append(
                Fault(
                    path_prefix=path_prefix,
                    status=status,
                    retry_after=None if retry_after is None else str(retry_after),
                    delay_seconds=delay_seconds,
                    body=body,
                    remaining=times,
                )
            )

    def take(self, api_path: str) -> Fault | None:
        """The fault for this request, if any, counting it as used."""
        with self._lock:
            for fault in self._faults:
                if api_path.startswith(fault.path_prefix):
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._faults.remove(fault)
                    self._hits[fault.path_prefix] += 1
                    return fault
        return None

    def clear(self) -> None:
        """Drop pending faults and reset the hit counters."""
        with self._lock:
            self._faults.clear()
            self._hits.clear()

    @property
    def hits(self) -> dict[str, int]:
        """How many requests each path prefix's faults have answered so far."""
        with self._lock:
            return dict(self._hits)

    @property
    def pending(self) -> int:
        """Requests still to be faulted."""
        with self._lock:
            return sum(fault.remaining for fault in self._faults)
