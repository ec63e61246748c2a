"""The QVoice (Campaigns API v2) simulator over real HTTP: determinism, login and
tokens, key paging, the clock (leaving leads, moving statuses, late dispositions), the
snapshot reports, the `Date` header and injected faults."""

from __future__ import annotations

import base64
import json
import re
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime

import pytest
import requests

from simulator import IpscapeWorld, QVoiceConfig, QVoiceWorld, SimulatorConfig, SimulatorServer

HISTORY = "/api/v2/reports/campaigns/leads/history"
STATUS = "/api/v2/reports/campaigns/leads/status"
QUEUES = "/callcenter/queues/status"
LOGIN = "/api/v2/login"
SOLAR, RENEWALS, EVENTS = (
    "a1f0c3d2e4b5a6978877665544332211",
    "b2e1d4c3f5a6b7089988776655443322",
    "c3d2e5f4a6b7c8190099887766554433",
)
LISTED = (SOLAR, RENEWALS, EVENTS)
HEX32 = re.compile(r"^[0-9a-f]{32}$")
SMALL = dict(start_date=date(2026, 3, 30), dials_per_campaign_day=12, page_size=25)


def small_config(days: int = 4, **settings) -> QVoiceConfig:
    return QVoiceConfig.for_days(days, **{**SMALL, **settings})


@pytest.fixture(scope="module")
def world() -> QVoiceWorld:
    """Shared and read-only (tokens aside): tests that move the clock use `own_server`."""
    return QVoiceWorld(small_config())


@pytest.fixture(scope="module")
def server(world: QVoiceWorld) -> Iterator[SimulatorServer]:
    with SimulatorServer(qvoice=world) as running:
        yield running


@pytest.fixture
def own_server(request: pytest.FixtureRequest) -> Iterator[SimulatorServer]:
    """A fresh QVoice server; `@pytest.mark.parametrize("own_server", [{...}],
    indirect=True)` passes config settings."""
    settings = getattr(request, "param", {})
    with SimulatorServer(qvoice=QVoiceWorld(small_config(**settings))) as running:
        yield running


def login(server: SimulatorServer, **body) -> requests.Response:
    config = server.qvoice.config
    credentials = {
        "username": config.username,
        "password": config.password,
        "domain": config.domain,
        **body,
    }
    return requests.post(f"{server.qvoice_base_url}{LOGIN}", json=credentials, timeout=10)


def token_of(server: SimulatorServer) -> str:
    response = login(server)
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def call(
    server: SimulatorServer, path: str, token: str | None, account: str | None = "", **params
) -> requests.Response:
    """GET with the token and the account (default: the tenant's; None: no header)."""
    headers = {}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    if account is not None:
        headers["X-Account-ID"] = account or server.qvoice.config.account_id
    url = f"{server.qvoice_base_url}{path}"
    return requests.get(url, params=params, headers=headers, timeout=10)


def follow_history(
    server: SimulatorServer,
    token: str,
    start: int,
    end: int,
    key_param: str = "start_key",
    **params,
) -> tuple[list[dict], list[dict]]:
    """Every history row of [start, end] following `next_start_key`; and each body."""
    rows, bodies, key = [], [], None
    while True:
        extra = {key_param: key} if key else {}
        response = call(server, HISTORY, token, startDate=start, endDate=end, **params, **extra)
        assert response.status_code == 200, response.text
        body = response.json()
        bodies.append(body)
        rows += body["data"]
        key = body.get("next_start_key")
        if not key:
            return rows, bodies
        assert len(bodies) < 100, "the keys never end"


def follow_leads(server: SimulatorServer, token: str, campaign_id: str, **params):
    """Every lead of a campaign following `next_start_key`; and each body."""
    leads, bodies, key = [], [], ""
    while True:
        extra = {"next_start_key": key} if key else {}
        response = call(
            server, f"/api/v2/config/campaigns/{campaign_id}/leads", token, **params, **extra
        )
        assert response.status_code == 200, response.text
        body = response.json()
        bodies.append(body)
        leads += body["data"]
        key = body["next_start_key"]
        if key == "":
            return leads, bodies


def claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def unix(moment: datetime) -> int:
    return int(moment.timestamp())


def test_same_seed_and_clock_give_the_same_world() -> None:
    config = small_config()
    truth = QVoiceWorld(config).ground_truth()
    assert QVoiceWorld(config).ground_truth() == truth
    grown = QVoiceWorld(config.with_clock(config.clock - timedelta(days=2)))
    grown.advance(days=2)
    assert grown.ground_truth() == truth
    grown.advance(days=3, hours=5)
    grown.set_clock(config.clock)
    assert grown.ground_truth() == truth
    assert QVoiceWorld(small_config(seed=7)).ground_truth() != truth


def test_a_world_is_not_trivial(world: QVoiceWorld) -> None:
    truth = world.ground_truth()
    rows = truth.leads_history
    assert {r["status"] for r in rows} == {
        "answered",
        "no_answer",
        "busy",
        "voicemail",
        "abandoned",
        "failed",
    }
    for row in rows:
        moment = datetime.fromtimestamp(row["timestamp"], UTC)
        assert row["datetime"] == moment.strftime("%Y-%m-%d %H:%M:%S +0000 UTC")
        has_agent = row["status"] == "answered"
        assert bool(row["agent_name"]) == bool(row["agent_extension"]) == has_agent
        assert ("answered_time" in row) == (row["status"] in ("answered", "voicemail", "abandoned"))
        if not has_agent:
            assert (row["disposition"], row["agent_talk_time"]) == ("", 0)
        if "call_id" in row:
            assert str(uuid.UUID(row["call_id"])) == row["call_id"]
    call_ids = [r["call_id"] for r in rows if "call_id" in r]
    assert len(set(call_ids)) == len(call_ids)
    assert [r["timestamp"] for r in rows] == sorted(r["timestamp"] for r in rows)
    assert {lead["campaign_id"] for lead in truth.campaign_leads} == set(LISTED)
    assert all(HEX32.match(lead["id"]) for lead in truth.campaign_leads)
    assert {lead["status"] for lead in truth.campaign_leads} == {"new", "success", "failed"}
    assert all(re.fullmatch(r"\+1\d{10}", lead["number"]) for lead in truth.campaign_leads)


def test_a_retired_campaign_and_a_renamed_agent_show_on_history(world: QVoiceWorld) -> None:
    rows = world.ground_truth().leads_history
    start = world.config.start_date

    def day(row: dict) -> date:
        return datetime.fromtimestamp(row["timestamp"], UTC).date()

    old_promo = [r for r in rows if r["campaign_name"] == "Old Promo"]
    assert old_promo and all(day(r) < start + timedelta(days=2) for r in old_promo)
    names_2006 = {
        (day(r) < start + timedelta(days=2), r["agent_name"])
        for r in rows
        if r["agent_extension"] == "2006"
    }
    assert names_2006 == {(True, "Sofia Marino"), (False, "Sofia Rossi")}
    assert "Old Promo" not in {c["name"] for c in world.ground_truth().campaigns_status.values()}


def test_some_calls_run_past_midnight(world: QVoiceWorld) -> None:
    late = [
        r
        for r in world.ground_truth().leads_history
        if datetime.fromtimestamp(r["timestamp"], UTC).hour == 23
    ]
    assert late and all(r["status"] == "answered" for r in late)
    assert all(datetime.fromtimestamp(r["timestamp"], UTC).minute >= 50 for r in late)
    revealed = [r for r in late if r["agent_talk_time"]]
    assert any(
        r["answered_time"] + r["agent_talk_time"] >= (r["timestamp"] // 86400 + 1) * 86400
        for r in revealed
    )


def test_login_issues_a_jwt_on_the_simulator_clock(server: SimulatorServer) -> None:
    response = login(server)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"user", "access_token", "refresh_token"}
    assert body["refresh_token"]
    token_claims = claims(body["access_token"])
    clock = unix(server.qvoice.clock)
    assert (token_claims["iat"], token_claims["exp"]) == (clock, clock + 3600)
    assert token_claims["sub"] == "sim-user"
    assert token_of(server) != body["access_token"]  # each login a new token


@pytest.mark.parametrize(
    "body", [{"password": "wrong"}, {"username": "someone"}, {"domain": "other"}]
)
def test_wrong_credentials_are_a_400(server: SimulatorServer, body: dict) -> None:
    response = login(server, **body)
    assert response.status_code == 400
    assert response.json() == {"message": "The information sent is invalid."}


def test_a_login_body_that_is_not_json_is_a_400(server: SimulatorServer) -> None:
    url = f"{server.qvoice_base_url}{LOGIN}"
    assert requests.post(url, data="user=sim-user", timeout=10).status_code == 400


@pytest.mark.parametrize(
    "path", [HISTORY, STATUS, QUEUES, f"/api/v2/config/campaigns/{SOLAR}/leads"]
)
def test_calls_need_a_token_and_the_account(server: SimulatorServer, path: str) -> None:
    token = token_of(server)
    params = {"startDate": 0, "endDate": 1} if path == HISTORY else {}
    for bad_token in (None, "not-a-token", token + "x"):
        response = call(server, path, bad_token, **params)
        assert response.status_code == 401
        assert response.json() == {"message": "Unauthorized"}
    for account in (None, "another-account"):
        response = call(server, path, token, account=account, **params)
        assert response.status_code == 403
        assert response.json() == {"message": "Forbidden"}
    assert call(server, path, token, **params).status_code == 200


@pytest.mark.parametrize("own_server", [{"token_max_requests": 3}], indirect=True)
def test_a_token_serves_at_most_token_max_requests(own_server: SimulatorServer) -> None:
    token = token_of(own_server)
    for _ in range(3):
        assert call(own_server, STATUS, token).status_code == 200
    assert call(own_server, STATUS, token).status_code == 401
    fresh = token_of(own_server)
    assert call(own_server, STATUS, fresh).status_code == 200
    assert call(own_server, STATUS, token).status_code == 401


def test_a_token_expires_on_the_simulator_clock(own_server: SimulatorServer) -> None:
    old = token_of(own_server)
    own_server.qvoice.advance(days=0, hours=0.5)
    newer = token_of(own_server)
    own_server.qvoice.advance(days=0, hours=0.5)  # the first token's exp
    assert call(own_server, QUEUES, old).status_code == 401
    assert call(own_server, QUEUES, newer).status_code == 200
    own_server.qvoice.advance(days=0, hours=0.5)
    assert call(own_server, QUEUES, newer).status_code == 401
    assert call(own_server, QUEUES, token_of(own_server)).status_code == 200


@pytest.mark.parametrize("key_param", ["start_key", "startKey"])
def test_history_pages_join_to_exactly_the_window(server: SimulatorServer, key_param: str) -> None:
    truth = server.qvoice.ground_truth().leads_history
    start, end = truth[10]["timestamp"], truth[150]["timestamp"]
    expected = [r for r in truth if start <= r["timestamp"] <= end]
    rows, bodies = follow_history(server, token_of(server), start, end, key_param)
    assert rows == expected
    assert rows[0]["timestamp"] == start and rows[-1]["timestamp"] == end  # inclusive
    assert len(bodies) == -(-len(expected) // 25) > 2  # full pages of page_size
    assert all("next_start_key" in body for body in bodies[:-1])
    assert "next_start_key" not in bodies[-1]
    after_start, _ = follow_history(server, token_of(server), start + 1, end - 1, pageSize=7)
    assert after_start == [r for r in expected if start < r["timestamp"] < end]


def test_a_history_key_alone_resumes_and_the_page_size_is_capped(
    server: SimulatorServer,
) -> None:
    token = token_of(server)
    truth = server.qvoice.ground_truth().leads_history
    end = truth[-1]["timestamp"]
    first = call(server, HISTORY, token, startDate=0, endDate=end, pageSize=1000).json()
    assert first["data"] == truth[:25]
    second = call(server, HISTORY, token, startKey=first["next_start_key"]).json()
    assert second["data"] == truth[25:50]


@pytest.mark.parametrize(
    "params",
    [
        {"endDate": 1},
        {"startDate": "yesterday", "endDate": 1},
        {"startDate": 0, "endDate": 1, "pageSize": 0},
        {"startDate": 0, "endDate": 1, "start_key": "not-a-key"},
    ],
)
def test_a_bad_history_request_is_a_400(server: SimulatorServer, params: dict) -> None:
    response = call(server, HISTORY, token_of(server), **params)
    assert response.status_code == 400
    assert response.json() == {"message": "The information sent is invalid."}


@pytest.mark.parametrize("own_server", [{"history_bare_array": True}], indirect=True)
def test_bare_array_mode_answers_the_whole_window_at_once(own_server: SimulatorServer) -> None:
    truth = own_server.qvoice.ground_truth().leads_history
    start, end = truth[3]["timestamp"], truth[-3]["timestamp"]
    response = call(own_server, HISTORY, token_of(own_server), startDate=start, endDate=end)
    assert response.json() == [r for r in truth if start <= r["timestamp"] <= end]
    assert len(response.json()) > own_server.qvoice.config.page_size


@pytest.mark.parametrize("own_server", [{"repeat_last_key": True}], indirect=True)
def test_repeat_last_key_mode_repeats_the_key_on_the_last_page(
    own_server: SimulatorServer,
) -> None:
    token = token_of(own_server)
    truth = own_server.qvoice.ground_truth().leads_history
    end = truth[-1]["timestamp"]
    rows, key, keys = [], None, []
    while True:
        extra = {"start_key": key} if key else {}
        body = call(own_server, HISTORY, token, startDate=0, endDate=end, **extra).json()
        rows += body["data"]
        if body["next_start_key"] == key:
            break
        key = body["next_start_key"]
        keys.append(key)
    assert rows == truth and len(keys) > 2
    one_page = call(own_server, HISTORY, token, startDate=end, endDate=end).json()
    assert one_page["data"] == [r for r in truth if r["timestamp"] == end]
    again = call(own_server, HISTORY, token, start_key=one_page["next_start_key"]).json()
    assert again == {"data": [], "next_start_key": one_page["next_start_key"]}


def test_campaign_leads_pages_join_to_exactly_the_ground_truth(server: SimulatorServer) -> None:
    token = token_of(server)
    truth = server.qvoice.ground_truth().campaign_leads
    served = []
    for campaign_id in LISTED:
        leads, bodies = follow_leads(server, token, campaign_id, page_size=10)
        assert all(lead["campaign_id"] == campaign_id for lead in leads)
        assert all(len(body["data"]) == 10 and body["next_start_key"] for body in bodies[:-1])
        served += leads
    assert served == truth
    default, _ = follow_leads(server, token, SOLAR)
    assert default == [lead for lead in truth if lead["campaign_id"] == SOLAR]


def test_bad_campaign_leads_requests_are_a_400(server: SimulatorServer) -> None:
    token = token_of(server)
    first = call(server, f"/api/v2/config/campaigns/{SOLAR}/leads", token, page_size=2).json()
    other = call(
        server,
        f"/api/v2/config/campaigns/{RENEWALS}/leads",
        token,
        next_start_key=first["next_start_key"],
    )
    assert other.status_code == 400
    for campaign_id in ("0" * 32, "d4c3f6e5a7b8c9201100998877665544"):  # unknown, Old Promo
        assert (
            call(server, f"/api/v2/config/campaigns/{campaign_id}/leads", token).status_code == 400
        )


def test_event_invites_leads_leave_two_days_after_upload(own_server: SimulatorServer) -> None:
    world = own_server.qvoice
    before, _ = follow_leads(own_server, token_of(own_server), EVENTS)
    assert before
    clock = unix(world.clock)
    assert all(clock - 2 * 86400 < lead["created"] <= clock for lead in before)
    solar_before, _ = follow_leads(own_server, token_of(own_server), SOLAR)
    world.advance(days=3)
    after, _ = follow_leads(own_server, token_of(own_server), EVENTS)
    assert after and not {lead["id"] for lead in before} & {lead["id"] for lead in after}
    solar_after, _ = follow_leads(own_server, token_of(own_server), SOLAR)
    assert {lead["id"] for lead in solar_before} < {lead["id"] for lead in solar_after}


def test_lead_statuses_and_retries_move_with_the_clock(own_server: SimulatorServer) -> None:
    world = own_server.qvoice
    before = {lead["id"]: lead for lead in world.ground_truth().campaign_leads}
    world.advance(days=1)
    token = token_of(own_server)
    after = {
        lead["id"]: lead
        for campaign_id in (SOLAR, RENEWALS)
        for lead in follow_leads(own_server, token, campaign_id)[0]
    }
    moved = Counter(
        (before[lead_id]["status"], lead["status"])
        for lead_id, lead in after.items()
        if lead_id in before and before[lead_id]["status"] != lead["status"]
    )
    assert moved[("new", "success")] and moved[("new", "failed")]
    assert set(moved) <= {("new", "success"), ("new", "failed")}
    assert any(
        lead["retries"] > before[lead_id]["retries"]
        for lead_id, lead in after.items()
        if lead_id in before
    )


def test_leads_agree_with_the_history(world: QVoiceWorld) -> None:
    truth = world.ground_truth()
    rows_of: dict[tuple[str, str], list[dict]] = {}
    for row in truth.leads_history:
        rows_of.setdefault((row["campaign_name"], row["lead_number"]), []).append(row)
    names = {campaign_id: c["name"] for campaign_id, c in truth.campaigns_status.items()}
    for lead in truth.campaign_leads:
        rows = rows_of.get((names[lead["campaign_id"]], lead["number"]), [])
        assert lead["retries"] == len(rows)
        dispositions = {row["disposition"] for row in rows}
        assert (lead["status"] == "success") == ("Sale" in dispositions)
        if lead["status"] == "new":  # a dial still hidden (talk time 0) does not count yet
            revealed = [r for r in rows if r["status"] != "answered" or r["agent_talk_time"]]
            assert len(revealed) < 4 and not dispositions & {"Do Not Call", "Wrong Number"}
        assert all(lead["created"] < row["timestamp"] for row in rows)


@pytest.mark.parametrize("own_server", [{"late_update_rate": 0.5}], indirect=True)
def test_a_late_disposition_appears_with_the_same_call_id(own_server: SimulatorServer) -> None:
    world = own_server.qvoice
    token = token_of(own_server)
    end = unix(world.clock)
    long_over = end - 3 * 3600  # calls dialled before this are over: hidden because late
    rows, _ = follow_history(own_server, token, 0, end)
    late = [
        r
        for r in rows
        if r["status"] == "answered"
        and r["agent_talk_time"] == 0
        and r["timestamp"] < long_over
        and "call_id" in r
    ]
    assert late, "no late update at this clock"
    assert all(r["disposition"] == "" for r in late)
    world.advance(days=1, hours=12)
    by_call_id = {
        r.get("call_id"): r for r in follow_history(own_server, token_of(own_server), 0, end)[0]
    }
    for row in late:
        revealed = by_call_id[row["call_id"]]
        assert revealed["agent_talk_time"] > 0
        assert {
            k: v for k, v in revealed.items() if k not in ("disposition", "agent_talk_time")
        } == {k: v for k, v in row.items() if k not in ("disposition", "agent_talk_time")}
    assert any(by_call_id[row["call_id"]]["disposition"] for row in late)


def test_some_rows_have_no_call_id(world: QVoiceWorld) -> None:
    rows = world.ground_truth().leads_history
    missing = [r for r in rows if "call_id" not in r]
    assert missing and len(missing) < len(rows) * 0.15
    keys = [(r["timestamp"], r["lead_number"], r["campaign_name"]) for r in missing]
    assert len(set(keys)) == len(keys)  # the client's fallback key is unique


def test_the_status_report_counts_the_leads(server: SimulatorServer) -> None:
    token = token_of(server)
    report = call(server, STATUS, token).json()
    assert list(report) == list(LISTED)
    assert report == server.qvoice.ground_truth().campaigns_status
    for campaign_id, campaign in report.items():
        leads, _ = follow_leads(server, token, campaign_id)
        counts = Counter(lead["status"] for lead in leads)
        assert campaign["leads_by_status"] == dict(counts)
        assert campaign["total_leads"] == len(leads)
        assert campaign["status"] == "running"
    assert [c["name"] for c in report.values()] == [
        "Solar Leads",
        "Insurance Renewals",
        "Event Invites",
    ]


def test_the_queues_report(own_server: SimulatorServer) -> None:
    queues = call(own_server, QUEUES, token_of(own_server)).json()
    assert [(q["name"], [a["extension"] for a in q["agents"]]) for q in queues] == [
        ("Sales", ["2001", "2002", "2003", "2004"]),
        ("Service", ["2004", "2005", "2006"]),
    ]
    agent_keys = {
        "id", "name", "extension", "extension_is_valid", "delay", "timeout", "logged_in",
        "status", "registered", "tags",
    }  # fmt: skip
    for queue in queues:
        assert str(uuid.UUID(queue["id"])) == queue["id"]
        assert all(set(agent) == agent_keys for agent in queue["agents"])
        assert queue["total_agents"] == len(queue["agents"])
        assert queue["logged_in_agents"] + queue["logged_out_agents"] == queue["total_agents"]
        assert queue["agents_on_call"] == sum(a["status"] == "on_call" for a in queue["agents"])
    names = {a["extension"]: a["name"] for q in queues for a in q["agents"]}
    assert names["2006"] == "Sofia Rossi"  # the current name
    own_server.qvoice.advance(days=0, hours=12)  # midday: everyone logged in
    queues = call(own_server, QUEUES, token_of(own_server)).json()
    assert all(q["logged_in_agents"] == q["total_agents"] for q in queues)
    assert queues == own_server.qvoice.ground_truth().queues_status


def test_every_answer_is_dated_by_the_simulator_clock(own_server: SimulatorServer) -> None:
    world = own_server.qvoice
    token = token_of(own_server)

    def date_header(response: requests.Response) -> str:
        return response.headers["Date"]

    expected = format_datetime(world.clock, usegmt=True)
    assert expected == "Fri, 03 Apr 2026 00:00:00 GMT"
    assert date_header(call(own_server, STATUS, token)) == expected
    assert date_header(call(own_server, STATUS, None)) == expected  # an error too
    assert date_header(login(own_server, password="wrong")) == expected
    world.advance(days=1, hours=2.5)
    assert date_header(call(own_server, QUEUES, token)) == "Sat, 04 Apr 2026 02:30:00 GMT"
    own_server.faults.add(HISTORY, status=503)
    faulted = call(own_server, HISTORY, token, startDate=0, endDate=1)
    assert faulted.status_code == 503
    assert date_header(faulted) == "Sat, 04 Apr 2026 02:30:00 GMT"


def test_a_429_on_a_qvoice_path_then_normal_answers(own_server: SimulatorServer) -> None:
    token = token_of(own_server)
    own_server.faults.add(HISTORY, status=429, retry_after=5, times=2)
    for _ in range(2):
        response = call(own_server, HISTORY, token, startDate=0, endDate=1)
        assert response.status_code == 429
        assert response.headers["Retry-After"] == "5"
    assert call(own_server, STATUS, token).status_code == 200  # other paths untouched
    assert call(own_server, HISTORY, token, startDate=0, endDate=1).status_code == 200
    assert own_server.faults.hits == {HISTORY: 2}
    assert own_server.requests[-1].path == HISTORY


def test_one_server_serves_both_vendors() -> None:
    ipscape = IpscapeWorld(SimulatorConfig.for_days(1, date(2026, 4, 3), page_size=25))
    qvoice = QVoiceWorld(small_config(days=1))
    with SimulatorServer(ipscape, qvoice=qvoice) as both:
        assert both.base_url == f"{both.qvoice_base_url}/platform-api"
        both.faults.add("/v3.0/users", status=500)
        both.faults.add(QUEUES, status=502)
        headers = {"Authorization": "Bearer sim-ipscape-token"}
        users = requests.get(f"{both.base_url}/v3.0/users", headers=headers, timeout=10)
        assert users.status_code == 500
        assert call(both, QUEUES, token_of(both)).status_code == 502
        assert requests.get(f"{both.base_url}/v3.0/users", headers=headers, timeout=10).ok
        assert call(both, QUEUES, token_of(both)).status_code == 200
        assert both.faults.hits == {"/v3.0/users": 1, QUEUES: 1}
        ipscape_date = users.headers["Date"]  # ipSCAPE keeps the real time, not QVoice's clock
        assert ipscape_date != format_datetime(qvoice.clock, usegmt=True)
    with pytest.raises(RuntimeError):
        _ = SimulatorServer(qvoice=qvoice).base_url
    with pytest.raises(ValueError):
        SimulatorServer()
