"""Callback delivery: a background thread POSTs each accepted request's callback to its
`callBackUrl` after `delivery_delay_seconds` (real time), retrying a non-2xx answer, and
records every delivery.

A batch is every callback queued by the time the first of them is due; with `reorder`
a batch goes out in reverse request order. Held callbacks wait for `release_held()`.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import requests

RETRIES = 3  # after the first try
RETRY_PAUSE_SECONDS = 0.05
POST_TIMEOUT_SECONDS = 5.0
STOP_TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True)
class Callback:
    """One callback to POST: its JSON `body`, the `rows` it carries (inline, as a JSON
    string or in the linked file) and how many times it is sent (2: a duplicate)."""

    unique_id: str
    campaign_name: str
    url: str
    body: dict[str, Any]
    rows: list[dict[str, Any]]
    copies: int = 1


@dataclass(frozen=True)
class Delivery:
    """One sent copy of a callback: the receiver's last HTTP status (None: no answer)
    after `tries` POSTs (1 + up to RETRIES)."""

    unique_id: str
    campaign_name: str
    url: str
    body: dict[str, Any]
    rows: list[dict[str, Any]]
    status_code: int | None
    tries: int

    @property
    def delivered(self) -> bool:
        """Whether the receiver took it (a 2xx answer)."""
        return self.status_code is not None and 200 <= self.status_code < 300


class Courier:
    """The delivery queue, the held callbacks and the thread that sends them.
    Thread-safe; `start()` / `stop()` may be called again."""

    def __init__(self, delay_seconds: float, reorder: bool) -> None:
        self._delay = delay_seconds
        self._reorder = reorder
        self._changed = threading.Condition()
        self._queue: list[tuple[float, Callback]] = []  # (monotonic due time, callback)
        self._held: list[Callback] = []
        self._in_flight = 0
        self._deliveries: list[Delivery] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the delivery thread (no-op when running)."""
        with self._changed:
            if self._thread is not None:
                return
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="cloudagent-callbacks")
            self._thread.daemon = True
            self._thread.start()

    def stop(self) -> None:
        """Stop the thread after the POST in progress; undelivered callbacks stay queued."""
        with self._changed:
            thread, self._thread = self._thread, None
            self._stop.set()
            self._changed.notify_all()
        if thread is not None:
            thread.join(STOP_TIMEOUT_SECONDS)

    def schedule(self, callback: Callback) -> None:
        """Queue a callback, due `delay_seconds` from now."""
        with self._changed:
            self._queue.append((time.monotonic() + self._delay, callback))
            self._changed.notify_all()

    def hold(self, callback: Callback) -> None:
        """Keep a callback back until `release_held()`."""
        with self._changed:
            self._held.append(callback)

    def release_held(self) -> int:
        """Queue every held callback (in request order); how many there were."""
        with self._changed:
            held, self._held = self._held, []
        for callback in held:
            self.schedule(callback)
        return len(held)

    def wait(self, timeout: float) -> bool:
        """Wait until every queued callback was sent; False on timeout (held ones are
        not waited for)."""
        with self._changed:
            return self._changed.wait_for(
                lambda: not self._queue and not self._in_flight, timeout=timeout
            )

    @property
    def deliveries(self) -> list[Delivery]:
        """Every delivery so far, oldest first."""
        with self._changed:
            return list(self._deliveries)

    @property
    def held(self) -> int:
        """Callbacks held back now."""
        with self._changed:
            return len(self._held)

    def _run(self) -> None:
        with requests.Session() as session:
            while (batch := self._next_batch()) is not None:
                for position, callback in enumerate(batch):
                    if self._stop.is_set():
                        self._requeue(batch[position:])
                        return
                    for _ in range(callback.copies):
                        delivery = self._post(session, callback)
                        with self._changed:
                            self._deliveries.append(delivery)
                with self._changed:
                    self._in_flight = 0
                    self._changed.notify_all()

    def _next_batch(self) -> list[Callback] | None:
        """Wait for the first queued callback to be due, then take the whole queue;
        None once stopping."""
        with self._changed:
            while not self._stop.is_set():
                if not self._queue:
                    self._changed.wait()
                    continue
                remaining = self._queue[0][0] - time.monotonic()
                if remaining > 0:
                    self._changed.wait(remaining)
                    continue
                batch = [callback for _, callback in self._queue]
                self._queue.clear()
                self._in_flight = len(batch)
                return batch[::-1] if self._reorder else batch
            return None

    def _requeue(self, callbacks: list[Callback]) -> None:
        with self._changed:
            now = time.monotonic()
            self._queue[:0] = [(now, callback) for callback in callbacks]
            self._in_flight = 0
            self._changed.notify_all()

    def _post(self, session: requests.Session, callback: Callback) -> Delivery:
        """POST the body, retrying a non-2xx answer or no answer RETRIES times."""
        status_code, tries = None, 0
        for tries in range(1, RETRIES + 2):
            try:
                answer = session.post(
                    callback.url, json=callback.body, timeout=POST_TIMEOUT_SECONDS
                )
                status_code = answer.status_code
            except requests.RequestException:
                status_code = None
            if status_code is not None and 200 <= status_code < 300:
                break
            if tries <= RETRIES and self._stop.wait(RETRY_PAUSE_SECONDS):
                break
        return Delivery(
            unique_id=callback.unique_id,
            campaign_name=callback.campaign_name,
            url=callback.url,
            body=callback.body,
            rows=callback.rows,
            status_code=status_code,
            tries=tries,
        )
