"""A tiny HTTP receiver for CloudAgent callbacks (127.0.0.1, a free port, a daemon
thread): it keeps every POSTed JSON body and answers the status codes a test asks for."""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

CALLBACK_PATH = "/ca-callback"


class CallbackReceiver:
    """Collects callback bodies in arrival order. Answers 200 unless `answer_next()`
    queued other status codes (used once each, in order) or `default_status` says
    otherwise."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._bodies: list[Any] = []
        self._answers: deque[int] = deque()
        self.default_status = 200
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}{CALLBACK_PATH}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    @property
    def bodies(self) -> list[Any]:
        """Every body received so far (also those answered with an error), oldest first."""
        with self._lock:
            return list(self._bodies)

    def answer_next(self, statuses: Iterable[int]) -> None:
        """Answer the next callbacks with these status codes, one each."""
        with self._lock:
            self._answers.extend(statuses)

    def __enter__(self) -> CallbackReceiver:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _record(self, body: Any) -> int:
        with self._lock:
            self._bodies.append(body)
            return self._answers.popleft() if self._answers else self.default_status

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                status = receiver._record(json.loads(self.rfile.read(length)))
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep test output clean

        return Handler
