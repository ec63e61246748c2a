"""Injected faults over real HTTP: seeded probabilities, method filters, reset
connections, stalled answers, truncated and replaced bodies, and the log of applied
faults."""

from __future__ import annotations

import math
import random
import time
from collections.abc import Iterator
from datetime import date

import pytest
import requests
from urllib3.exceptions import ReadTimeoutError

from simulator import FaultInjector, IpscapeWorld, SimulatorConfig, SimulatorServer

USERS = "/v3.0/users"
LEADS = "/v3.0/leads"


@pytest.fixture(scope="module")
def world() -> IpscapeWorld:
    """Read-only; each test gets its own server, so its own faults."""
    config = SimulatorConfig.for_days(
        2, start_date=date(2026, 4, 3), attempts_per_campaign_day=12, inbound_per_day=6
    )
    return IpscapeWorld(config)


@pytest.fixture
def server(world: IpscapeWorld) -> Iterator[SimulatorServer]:
    with SimulatorServer(world) as running:
        yield running


def call(
    server: SimulatorServer,
    path: str,
    *,
    method: str = "GET",
    session: requests.Session | None = None,
    timeout: float | tuple[float, float] = 10,
    stream: bool = False,
) -> requests.Response:
    headers = {"Authorization": f"Bearer {server.world.config.api_token}"}
    return (session or requests).request(
        method, f"{server.base_url}{path}", headers=headers, timeout=timeout, stream=stream
    )


def faulted_pattern(server: SimulatorServer, requests_count: int, seed: int) -> list[bool]:
    """Which of `requests_count` requests to USERS got a 30 % fault seeded with `seed`."""
    server.faults.clear()
    server.faults.add(USERS, status=503, probability=0.3, seed=seed, times=None)
    statuses = [call(server, USERS).status_code for _ in range(requests_count)]
    assert set(statuses) <= {200, 503}
    return [status == 503 for status in statuses]


def test_a_seeded_probability_faults_the_same_requests_every_run(
    server: SimulatorServer,
) -> None:
    first = faulted_pattern(server, 60, seed=11)
    assert faulted_pattern(server, 60, seed=11) == first
    draws = random.Random(11)
    assert first == [draws.random() < 0.3 for _ in range(60)]
    assert 0.15 <= sum(first) / len(first) <= 0.45
    assert server.faults.log == [(USERS, "status 503")] * sum(first)
    assert server.faults.pending == math.inf
    assert faulted_pattern(server, 60, seed=12) != first


def test_times_counts_applied_faults_not_draws(server: SimulatorServer) -> None:
    server.faults.add(USERS, status=500, probability=0.5, seed=3, times=2)
    statuses = [call(server, USERS).status_code for _ in range(20)]
    assert statuses.count(500) == 2 and statuses.count(200) == 18
    assert server.faults.pending == 0 and server.faults.hits == {USERS: 2}


def test_a_missed_draw_lets_the_request_on_to_the_next_fault() -> None:
    faults = FaultInjector()
    faults.add(USERS, status=500, probability=0.0, times=None)
    faults.add(USERS, status=503)
    taken = faults.take(USERS, "GET")
    assert taken is not None and taken.status == 503
    assert faults.take(USERS, "GET") is None
    assert faults.log == [(USERS, "status 503")]


def test_a_method_filter(server: SimulatorServer) -> None:
    server.faults.add(USERS, status=503, method="post")
    assert call(server, USERS).status_code == 200
    assert call(server, USERS, method="POST").status_code == 503
    assert call(server, USERS, method="POST").status_code == 405  # the real answer again
    server.faults.add(USERS, status=429, method="GET")
    assert call(server, USERS).status_code == 429
    assert server.faults.log == [(USERS, "status 503"), (USERS, "status 429")]


def test_a_reset_connection_is_a_connection_error_not_an_answer(
    server: SimulatorServer,
) -> None:
    with requests.Session() as session:
        assert call(server, USERS, session=session).status_code == 200
        server.faults.add(USERS, reset_connection=True)
        with pytest.raises(requests.ConnectionError) as raised:
            call(server, USERS, session=session)
        assert not isinstance(raised.value, requests.Timeout)
        assert call(server, USERS, session=session).status_code == 200
    assert server.faults.log == [(USERS, "reset connection")]


def test_a_stall_after_the_headers_times_a_client_out_then_answers_normally(
    server: SimulatorServer,
) -> None:
    server.faults.add(LEADS, stall_seconds=0.5)
    started = time.monotonic()
    # requests reports a read timeout in the body as a ConnectionError, not a Timeout
    with pytest.raises(requests.ConnectionError) as raised:
        call(server, LEADS, timeout=(5, 0.1))
    assert isinstance(raised.value.args[0], ReadTimeoutError)
    assert time.monotonic() - started < 0.4
    assert call(server, LEADS).json()["items"]
    assert server.faults.log == [(LEADS, "stall 0.5 s")]


def test_a_stall_comes_after_the_status_and_headers(server: SimulatorServer) -> None:
    server.faults.add(LEADS, stall_seconds=0.3)
    started = time.monotonic()
    response = call(server, LEADS, stream=True)
    assert response.status_code == 200
    assert time.monotonic() - started < 0.2
    assert response.json()["items"]
    assert time.monotonic() - started >= 0.3


def test_a_delay_before_the_headers_is_a_read_timeout(server: SimulatorServer) -> None:
    server.faults.add(LEADS, delay_seconds=0.5)
    with pytest.raises(requests.ReadTimeout):
        call(server, LEADS, timeout=(5, 0.1))
    assert call(server, LEADS).status_code == 200


def test_a_truncated_body_is_invalid_json_with_status_200(server: SimulatorServer) -> None:
    whole = call(server, LEADS).content
    server.faults.add(LEADS, truncate_body=True)
    response = call(server, LEADS)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert whole.startswith(response.content)
    assert len(whole) // 2 - 4 < len(response.content) <= len(whole) // 2
    with pytest.raises(requests.JSONDecodeError):
        response.json()
    assert call(server, LEADS).content == whole
    assert server.faults.log == [(LEADS, "truncated body")]


def test_a_replaced_body_is_answered_with_status_200(server: SimulatorServer) -> None:
    wrong_shape = {"items": {"leadId": 1}, "metadata": None}
    server.faults.add(LEADS, replace_body=wrong_shape, delay_seconds=0.01)
    response = call(server, LEADS)
    assert response.status_code == 200 and response.json() == wrong_shape
    assert isinstance(call(server, LEADS).json()["items"], list)
    assert server.faults.log == [(LEADS, "delay 0.01 s, replaced body")]


def test_the_log_records_every_applied_fault_in_order(server: SimulatorServer) -> None:
    server.faults.add(LEADS, status=429, retry_after=7)
    server.faults.add(USERS, truncate_body=True, stall_seconds=0.05)
    server.faults.add(LEADS, reset_connection=True)
    call(server, "/v3.0/campaigns")
    call(server, USERS)
    call(server, f"{LEADS}/lists")
    with pytest.raises(requests.ConnectionError):
        call(server, LEADS)
    assert server.faults.log == [
        (USERS, "truncated body, stall 0.05 s"),
        (f"{LEADS}/lists", "status 429, Retry-After 7"),
        (LEADS, "reset connection"),
    ]
    assert server.faults.hits == {USERS: 1, LEADS: 2}
    server.faults.clear()
    assert server.faults.log == [] and server.faults.pending == 0


@pytest.mark.parametrize(
    "settings",
    [
        {},
        {"status": 500, "times": 0},
        {"status": 500, "probability": 1.5},
        {"status": 500, "replace_body": {}},
        {"truncate_body": True, "replace_body": {}},
        {"reset_connection": True, "status": 500},
        {"reset_connection": True, "stall_seconds": 0.1},
        {"stall_seconds": 0},
    ],
)
def test_contradictory_or_empty_faults_are_refused(settings: dict) -> None:
    with pytest.raises(ValueError):
        FaultInjector().add(USERS, **settings)
