"""Bodies read through the sources' shared HTTP sessions (`SharedHttp`, reads of up to
1 MiB instead of requests' 10 KiB chunks) come out whole: longer than one read, sent
with a length or in chunks, from every thread's session."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from sources.common.rest import BODY_READ_BYTES, SharedHttp, WholeBodyAdapter

BODY = bytes(range(256)) * (BODY_READ_BYTES * 5 // 2 // 256 + 7)  # 2.5 reads and a bit


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self.send_response(200)
        if self.path == "/chunked":
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for start in range(0, len(BODY), 300_000):
                piece = BODY[start : start + 300_000]
                self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.send_header("Content-Length", str(len(BODY)))
            self.end_headers()
            self.wfile.write(BODY)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("path", ["/sized", "/chunked"])
def test_a_body_longer_than_one_read_comes_whole(base_url: str, path: str) -> None:
    session = SharedHttp().client_settings()["session"]
    assert isinstance(session.adapters["http://"], WholeBodyAdapter)
    response = session.get(f"{base_url}{path}", timeout=10)
    assert response.status_code == 200
    assert len(response.content) == len(BODY)
    assert response.content == BODY


def test_every_threads_session_reads_whole_bodies(base_url: str) -> None:
    http = SharedHttp()
    bodies: list[bytes] = []

    def fetch() -> None:
        session = http.client_settings()["session"]
        bodies.append(session.get(f"{base_url}/sized", timeout=10).content)

    threads = [threading.Thread(target=fetch) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert bodies == [BODY] * 3
