"""The log of requests a simulator server received, for tests to inspect."""

from __future__ import annotations

import threading
from typing import NamedTuple
from urllib.parse import parse_qsl


class LoggedRequest(NamedTuple):
    """One request: method, full URL path (e.g. `/platform-api/v3.0/leads`) and the raw
    query string as sent."""

    method: str
    path: str
    query: str

    @property
    def params(self) -> dict[str, str]:
        """The query parameters, decoded (last value wins)."""
        return dict(parse_qsl(self.query, keep_blank_values=True))


class RequestLog:
    """Thread-safe, append-only list of LoggedRequest, and how many requests were being
    answered at once: `record` when one arrives, `answered` once its answer is sent."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[LoggedRequest] = []
        self._in_flight = 0
        self._most_in_flight = 0

    def record(self, method: str, path: str, query: str) -> None:
        with self._lock:
            self._entries.append(LoggedRequest(method, path, query))
            self._in_flight += 1
            self._most_in_flight = max(self._most_in_flight, self._in_flight)

    def answered(self) -> None:
        with self._lock:
            self._in_flight -= 1

    @property
    def most_in_flight(self) -> int:
        """The most requests being answered at once since the log was last cleared."""
        with self._lock:
            return self._most_in_flight

    def entries(self) -> list[LoggedRequest]:
        """A copy of the log, oldest first."""
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._most_in_flight = self._in_flight
