"""Injected failures for the next requests to a path: slow pages, error answers, dropped
connections, answers that stall mid-way, invalid JSON and answers of the wrong shape."""

from __future__ import annotations

import math
import random
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, NamedTuple


@dataclass
class Fault:
    """What a request under `path_prefix` (and of `method`, if set) gets instead of, or on
    top of, the real answer; `remaining` more times (None: no limit), each matching request
    drawing `probability` from the fault's own random generator.

    Effects, applied in this order: `delay_seconds` before anything; `reset_connection`
    drops the connection without an answer; else the answer is the error `status` (with
    `body`), or 200 with `replace_body`, or 200 with the first half of the real body
    (`truncate_body`), or the real answer; `stall_seconds` holds that answer's body back
    after its headers are sent."""

    path_prefix: str
    status: int | None = None
    retry_after: str | None = None  # Retry-After header value (seconds or an HTTP date)
    delay_seconds: float | None = None
    body: Any = None  # JSON-able, str or bytes; default {"message": <reason phrase>}
    remaining: int | None = 1
    method: str | None = None  # upper case; None: any method
    probability: float = 1.0
    reset_connection: bool = False
    stall_seconds: float | None = None
    truncate_body: bool = False
    replace_body: Any = None  # JSON-able
    draws: random.Random = field(default_factory=random.Random, repr=False, compare=False)

    @property
    def description(self) -> str:
        """What the fault does, e.g. `delay 0.05 s, status 429, Retry-After 7`."""
        effects = []
        if self.delay_seconds:
            effects.append(f"delay {self.delay_seconds:g} s")
        if self.reset_connection:
            effects.append("reset connection")
        if self.status is not None:
            effects.append(f"status {self.status}")
        if self.retry_after is not None:
            effects.append(f"Retry-After {self.retry_after}")
        if self.replace_body is not None:
            effects.append("replaced body")
        if self.truncate_body:
            effects.append("truncated body")
        if self.stall_seconds:
            effects.append(f"stall {self.stall_seconds:g} s")
        return ", ".join(effects)


class AppliedFault(NamedTuple):
    """One request a fault was applied to: its API path (as matched against prefixes) and
    the fault's description."""

    path: str
    fault: str


class FaultInjector:
    """Thread-safe list of pending faults, consulted by the server on every request.

    Paths are matched below the vendor's API root: for ipSCAPE after `/platform-api`,
    e.g. `/v3.0/calls/dialler`; QVoice and CloudAgent live at the host root, so their
    paths are full, e.g. `/api/v2/reports/campaigns/leads/history` or
    `/endpoint/dailer/data/preview/download`. Faults are consulted in the order they were
    added: the first one that matches the request and whose probability draw succeeds
    applies; one whose draw fails lets the request on to the next.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._hits: Counter[str] = Counter()
        self._log: list[AppliedFault] = []

    def add(
        self,
        path_prefix: str,
        *,
        status: int | None = None,
        retry_after: float | str | None = None,
        delay_seconds: float | None = None,
        body: Any = None,
        times: int | None = 1,
        probability: float = 1.0,
        seed: int | None = None,
        method: str | None = None,
        reset_connection: bool = False,
        stall_seconds: float | None = None,
        truncate_body: bool = False,
        replace_body: Any = None,
    ) -> None:
        """Apply to the next `times` requests (None: every one) whose API path starts with
        `path_prefix` and, if `method` is given, whose HTTP method is `method`.

        - `status` (with `retry_after` and `body`): answer with this error instead.
        - `delay_seconds`: wait this long before answering (before any headers).
        - `probability`: the share of matching requests the fault applies to, drawn from
          `random.Random(seed)`, so a seed makes the pattern reproducible for the same
          sequence of requests; `times` counts the requests it applied to.
        - `reset_connection`: drop the TCP connection without any answer; the client sees
          a connection reset (`requests.ConnectionError`).
        - `stall_seconds`: send the status line and headers, then wait this long before the
          body. A client whose read timeout is shorter times out while reading the body;
          `requests` raises that as `requests.ConnectionError` wrapping urllib3's
          `ReadTimeoutError` (a delay, before the headers, gives `requests.ReadTimeout`).
        - `truncate_body`: answer 200, `application/json`, with the first half of the real
          answer's body: not valid JSON.
        - `replace_body`: answer 200 with this JSON instead of the real answer (without
          `status`; an error answer's body is `body`).
        """
        if times is not None and times < 1:
            raise ValueError("times must be at least 1, or None for no limit")
        if not 0.0 <= probability <= 1.0:
            raise ValueError("probability must be between 0 and 1")
        if stall_seconds is not None and stall_seconds <= 0:
            raise ValueError("stall_seconds must be positive")
        answers = [status is not None, truncate_body, replace_body is not None]
        if sum(answers) > 1:
            raise ValueError("status, truncate_body and replace_body exclude one another")
        if reset_connection and (any(answers) or stall_seconds is not None):
            raise ValueError("a reset connection gives no answer to change or stall")
        if not (any(answers) or reset_connection or delay_seconds or stall_seconds):
            raise ValueError("a fault needs a status, a delay, or another effect")
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
                    method=None if method is None else method.upper(),
                    probability=probability,
                    reset_connection=reset_connection,
                    stall_seconds=stall_seconds,
                    truncate_body=truncate_body,
                    replace_body=replace_body,
                    draws=random.Random(seed),
                )
            )

    def take(self, api_path: str, method: str | None = None) -> Fault | None:
        """The fault for this request, if any, counting it as applied. A fault limited to
        a method matches only when `method` is given."""
        with self._lock:
            for fault in self._faults:
                if not api_path.startswith(fault.path_prefix):
                    continue
                if fault.method is not None and fault.method != (method or "").upper():
                    continue
                # a certain fault draws nothing, so adding one keeps others' patterns
                if fault.probability < 1.0 and fault.draws.random() >= fault.probability:
                    continue
                if fault.remaining is not None:
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._faults.remove(fault)
                self._hits[fault.path_prefix] += 1
                self._log.append(AppliedFault(api_path, fault.description))
                return fault
        return None

    def clear(self) -> None:
        """Drop pending faults and reset the hit counters and the log."""
        with self._lock:
            self._faults.clear()
            self._hits.clear()
            self._log.clear()

    @property
    def hits(self) -> dict[str, int]:
        """How many requests each path prefix's faults have been applied to so far."""
        with self._lock:
            return dict(self._hits)

    @property
    def log(self) -> list[AppliedFault]:
        """Every applied fault, oldest first: (API path, fault description)."""
        with self._lock:
            return list(self._log)

    @property
    def pending(self) -> float:
        """Applications still to come: an int, or `math.inf` while a fault without a
        limit is pending."""
        with self._lock:
            if any(fault.remaining is None for fault in self._faults):
                return math.inf
            return sum(fault.remaining or 0 for fault in self._faults)
