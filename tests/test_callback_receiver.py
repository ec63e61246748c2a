"""The CloudAgent callback receiver over real HTTP: who may post, what is kept, and
that an accepted body survives the receiver being killed right after it answered."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from sources.cloudagent.landing import CallbackLanding
from sources.cloudagent.receiver import CALLBACK_PATH, callback_app
from sources.common.background_server import BackgroundServer

SECRET = "cb-secret-6b0e4d"
LIMIT = 4096


@pytest.fixture
def receiver(tmp_path: Path):
    landing = CallbackLanding(tmp_path / "landing")
    with BackgroundServer(callback_app(landing, SECRET, max_body_bytes=LIMIT)) as server:
        yield f"http://127.0.0.1:{server.port}{CALLBACK_PATH}", landing


def body(unique_id: str, rows: int = 1) -> bytes:
    data = [{"leadId": str(n), "lastDialedTime": "2026-04-01 10:00:00"} for n in range(rows)]
    return json.dumps({"uniqueId": unique_id, "campaignName": "Loan_Offers", "data": data}).encode()


def test_a_valid_callback_is_landed_before_the_answer(receiver) -> None:
    url, landing = receiver
    answer = requests.post(f"{url}/{SECRET}", data=body("u-1"), timeout=5)
    assert answer.status_code == 200
    assert answer.json()["stored"] is True
    landed = landing.pending()
    assert [c.unique_id for c in landed] == ["u-1"]
    assert landed[0].body == body("u-1")


def test_the_secret_may_come_as_a_query_token(receiver) -> None:
    url, landing = receiver
    assert requests.post(url, params={"token": SECRET}, data=body("u-q"), timeout=5).ok
    assert landing.landed_unique_ids() == {"u-q"}


@pytest.mark.parametrize("path", ["", "/wrong-secret"])
def test_without_the_secret_nothing_is_stored(receiver, path: str) -> None:
    url, landing = receiver
    answer = requests.post(f"{url}{path}", data=body("u-2"), timeout=5)
    assert answer.status_code == 401
    assert landing.pending() == []
    assert list(landing.directory.rglob("*.json")) == []


def test_an_oversized_body_is_refused_and_not_stored(receiver) -> None:
    url, landing = receiver
    answer = requests.post(f"{url}/{SECRET}", data=body("u-big", rows=200), timeout=5)
    assert answer.status_code == 413
    assert landing.pending() == []


def test_an_oversized_chunked_body_is_refused_too(receiver) -> None:
    url, landing = receiver
    chunks = (b"x" * 1024 for _ in range(10))  # no Content-Length: chunked
    answer = requests.post(f"{url}/{SECRET}", data=chunks, timeout=5)
    assert answer.status_code == 413
    assert landing.pending() == []


def test_the_same_unique_id_twice_is_stored_once(receiver) -> None:
    url, landing = receiver
    first = requests.post(f"{url}/{SECRET}", data=body("u-3"), timeout=5).json()
    second = requests.post(f"{url}/{SECRET}", data=body("u-3"), timeout=5).json()
    assert (first["stored"], second["stored"]) == (True, False)
    assert len(landing.pending()) == 1


def test_a_body_that_is_not_json_is_landed_with_its_content_type(receiver) -> None:
    url, landing = receiver
    answer = requests.post(
        f"{url}/{SECRET}",
        data=b"leadId,status\n1,Pending\n",
        headers={"Content-Type": "text/csv"},
        timeout=5,
    )
    assert answer.status_code == 200
    [landed] = landing.pending()
    assert landed.unique_id is None
    assert landed.content_type == "text/csv"
    assert landed.body.startswith(b"leadId,status")


def test_a_flood_of_good_and_bad_requests_keeps_every_valid_body(receiver) -> None:
    url, landing = receiver

    def send(n: int) -> int:
        if n % 3 == 0:
            return requests.post(f"{url}/nope", data=body(f"bad-{n}"), timeout=10).status_code
        if n % 3 == 1:
            return requests.post(f"{url}/{SECRET}", data=b"{" * (LIMIT + 1), timeout=10).status_code
        return requests.post(f"{url}/{SECRET}", data=body(f"good-{n}"), timeout=10).status_code

    with ThreadPoolExecutor(max_workers=16) as pool:
        codes = list(pool.map(send, range(300)))
    assert codes.count(200) == 100 and codes.count(401) == 100 and codes.count(413) == 100
    assert landing.landed_unique_ids() == {f"good-{n}" for n in range(300) if n % 3 == 2}
    assert requests.get(url.replace(CALLBACK_PATH, "/health"), timeout=5).ok


def test_a_body_survives_the_receiver_killed_right_after_answering(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOURCES__")}
    env |= {
        "SOURCES__CLOUDAGENT__CALLBACK_SECRET": SECRET,
        "SOURCES__CLOUDAGENT__LANDING_DIR": str(tmp_path / "landing"),
    }
    cli = str(Path(sys.executable).with_name("dialer-warehouse"))
    service = subprocess.Popen(
        [cli, "callbacks", "serve", "--listen", f"127.0.0.1:{port}"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        url = f"http://127.0.0.1:{port}{CALLBACK_PATH}/{SECRET}"
        deadline = time.monotonic() + 30
        while True:
            try:
                answer = requests.post(url, data=body("survivor"), timeout=5)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, service.stderr.read1().decode()
                time.sleep(0.05)
        service.send_signal(signal.SIGKILL)
        assert answer.status_code == 200 and answer.json()["stored"] is True
    finally:
        service.kill()
        service.wait(timeout=10)
    landing = CallbackLanding(tmp_path / "landing")
    assert [(c.unique_id, c.body) for c in landing.pending()] == [("survivor", body("survivor"))]
