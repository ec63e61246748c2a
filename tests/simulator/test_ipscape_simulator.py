"""The ipSCAPE simulator over real HTTP: determinism, auth, paging, filters, the clock,
time zones and injected faults."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests

from simulator import IpscapeWorld, SimulatorConfig, SimulatorServer

SYDNEY = ZoneInfo("Australia/Sydney")
ZONES = {
    1: SYDNEY,
    2: SYDNEY,
    3: ZoneInfo("Australia/Perth"),
    4: ZoneInfo("Australia/Brisbane"),
    5: SYDNEY,
    6: SYDNEY,
}
# 3 Apr .. 6 Apr 2026 local: Sydney leaves DST on 5 Apr; 5 Apr is a Sunday.
SMALL = dict(
    start_date=date(2026, 4, 3), attempts_per_campaign_day=12, inbound_per_day=6, page_size=25
)
FEEDS = {
    "/v3.0/activities": "activities",
    "/v3.0/calls/dialler": "dialler_attempts",
    "/v3.0/leads": "leads",
    "/v3.0/leads/lists": "lead_lists",
    "/v3.0/users": "users",
}


def small_config(days: int = 4, **settings) -> SimulatorConfig:
    return SimulatorConfig.for_days(days, **{**SMALL, **settings})


@pytest.fixture(scope="module")
def world() -> IpscapeWorld:
    """Shared, read-only: tests that move the clock or add faults use `own_server`."""
    return IpscapeWorld(small_config())


@pytest.fixture(scope="module")
def server(world: IpscapeWorld) -> Iterator[SimulatorServer]:
    with SimulatorServer(world) as running:
        yield running


@pytest.fixture
def own_server() -> Iterator[SimulatorServer]:
    with SimulatorServer(IpscapeWorld(small_config())) as running:
        yield running


def call(server: SimulatorServer, path: str, token: str | None = None, **params):
    token = server.world.config.api_token if token is None else token
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.get(f"{server.base_url}{path}", params=params, headers=headers, timeout=10)


def follow(server: SimulatorServer, path: str, **params) -> tuple[list[dict], list[dict]]:
    """Every item of a cursor feed, following nextUri from the API root; and each page's
    metadata."""
    items, metadata = [], []
    response = call(server, path, **params)
    while True:
        assert response.status_code == 200, response.text
        body = response.json()
        items += body["items"]
        metadata.append(body["metadata"])
        next_uri = body["metadata"].get("nextUri")
        if not next_uri:
            return items, metadata
        relative = next_uri.removeprefix("/platform-api")
        assert relative.startswith("/v3.0/")
        response = requests.get(
            f"{server.base_url}{relative}",
            timeout=10,
            headers={"Authorization": f"Bearer {server.world.config.api_token}"},
        )


def parse(timestamp: str) -> datetime:
    return datetime.fromisoformat(timestamp)


def test_same_seed_and_clock_give_the_same_world() -> None:
    config = small_config()
    truth = IpscapeWorld(config).ground_truth()
    assert IpscapeWorld(config).ground_truth() == truth
    grown = IpscapeWorld(config.with_clock(config.clock - timedelta(days=2)))
    grown.advance(days=2)
    assert grown.ground_truth() == truth
    grown.advance(days=3, hours=5)
    grown.set_clock(config.clock)
    assert grown.ground_truth() == truth
    assert IpscapeWorld(small_config(seed=7)).ground_truth() != truth


def test_a_world_is_not_trivial(world: IpscapeWorld) -> None:
    truth = world.ground_truth()
    statuses = {a["dialStatusName"] for a in truth.dialler_attempts}
    assert statuses == {
        "Answered",
        "No Answer",
        "Busy",
        "Answering Machine",
        "Abandoned",
        "Invalid Number",
        "Failed",
    }
    assert {a["type"] for a in truth.activities} == {"call.inbound", "call.outbound"}
    ids = [a["attemptId"] for a in truth.dialler_attempts]
    assert min(ids) == 900001 and len(set(ids)) == len(ids)
    assert min(lead["leadId"] for lead in truth.leads) == 50001
    assert min(a["data"]["activityId"] for a in truth.activities) == 700001
    assert min(lead_list["id"] for lead_list in truth.lead_lists) == 100
    leads = {lead["leadId"]: lead for lead in truth.leads}
    for attempt in truth.dialler_attempts:
        lead = leads[attempt["leadId"]]
        assert lead["campaignId"] == attempt["campaignId"]
        assert parse(lead["timestamps"]["created"]) < parse(attempt["timestamps"]["dialled"])


def test_renamed_and_deleted_things_show_on_facts(world: IpscapeWorld) -> None:
    truth = world.ground_truth()
    start = world.config.start_date
    for attempt in truth.dialler_attempts:
        if attempt["campaignId"] == 5:
            day = parse(attempt["timestamps"]["dialled"]).astimezone(SYDNEY).date()
            old = day < start + timedelta(days=3)
            assert attempt["campaignName"] == ("Winback Trial" if old else "Win-back")
    agent_names = {
        (a["data"].get("agentId"), a["data"].get("agentFullName")) for a in truth.activities
    }
    assert {(1003, "Emma Brown"), (1003, "Emma Walsh")} <= agent_names
    assert 1010 in {agent_id for agent_id, _ in agent_names}
    assert 1010 not in {u["userId"] for u in truth.users}
    assert 6 in {a["campaignId"] for a in truth.dialler_attempts}


def test_test_knobs_add_unknown_statuses_and_messy_text() -> None:
    truth = IpscapeWorld(small_config(unknown_status_rate=0.2, messy_text_rate=0.5)).ground_truth()
    assert (8, "Network Congestion") in {
        (a["dialStatusId"], a["dialStatusName"]) for a in truth.dialler_attempts
    }
    wraps = {
        (a["data"].get("wrapCode"), a["data"].get("wrapDescription")) for a in truth.activities
    }
    assert (34, "Language Barrier") in wraps
    assert any(
        text and (text != text.strip() or text.isupper() or text.islower()) for _, text in wraps
    )


def test_the_api_needs_the_token(server: SimulatorServer) -> None:
    for token in ("", "not-the-token"):
        response = call(server, "/v3.0/calls/dialler", token=token)
        assert response.status_code == 401
        assert response.json() == {"message": "Unauthorized"}
    assert call(server, "/v3.0/campaigns", token="").status_code == 401
    health = requests.get(f"{server.base_url}/health", timeout=10)
    assert health.status_code == 200 and health.json() == {"status": "ok"}


@pytest.mark.parametrize("path", list(FEEDS))
def test_following_next_uri_returns_exactly_the_ground_truth(
    server: SimulatorServer, path: str
) -> None:
    items, metadata = follow(server, path)
    assert items == getattr(server.world.ground_truth(), FEEDS[path])
    if path in ("/v3.0/activities", "/v3.0/calls/dialler", "/v3.0/leads"):
        assert len(metadata) > 2  # really paged
    no_next = {
        "/v3.0/activities": None,
        "/v3.0/leads": "",
        "/v3.0/leads/lists": None,
        "/v3.0/users": None,
    }
    if path in no_next:
        assert metadata[-1]["nextUri"] == no_next[path]
    else:
        assert "nextUri" not in metadata[-1]
    if len(metadata) > 1:
        next_uri = metadata[0]["nextUri"]
        prefix = "/platform-api/v3.0/users?cursor=" if path == "/v3.0/users" else f"{path}?cursor="
        assert next_uri.startswith(prefix)


def test_previous_uri_leads_back_one_page(server: SimulatorServer) -> None:
    first = call(server, "/v3.0/calls/dialler").json()
    second = requests.get(
        f"{server.base_url}{first['metadata']['nextUri']}",
        timeout=10,
        headers={"Authorization": "Bearer sim-ipscape-token"},
    ).json()
    back = requests.get(
        f"{server.base_url}{second['metadata']['previousUri']}",
        timeout=10,
        headers={"Authorization": "Bearer sim-ipscape-token"},
    ).json()
    assert back["items"] == first["items"]


def _spell(instant: datetime, spelling: str) -> str:
    if spelling == "Z":
        return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    local = instant.astimezone(SYDNEY).isoformat()
    return local if spelling == "+hh:mm" else local[:-3] + local[-2:]


@pytest.mark.parametrize("spelling", ["Z", "+hh:mm", "+hhmm"])
@pytest.mark.parametrize(
    ("path", "params", "feed", "stamp"),
    [
        (
            "/v3.0/calls/dialler",
            ("dialledTimestampFrom", "dialledTimestampTo"),
            "dialler_attempts",
            lambda r: r["timestamps"]["dialled"],
        ),
        (
            "/v3.0/activities",
            ("createdTimestampFrom", "createdTimestampTo"),
            "activities",
            lambda r: r["data"]["timestamps"]["created"],
        ),
        (
            "/v3.0/leads",
            ("uploadedTimestampFrom", "uploadedTimestampTo"),
            "leads",
            lambda r: r["timestamps"]["created"],
        ),
    ],
)
def test_time_filters_are_inclusive_in_every_offset_spelling(
    server: SimulatorServer, spelling: str, path: str, params: tuple, feed: str, stamp
) -> None:
    truth = getattr(server.world.ground_truth(), feed)
    low, high = parse(stamp(truth[10])), parse(stamp(truth[60]))
    expected = [r for r in truth if low <= parse(stamp(r)) <= high]
    items, _ = follow(
        server, path, **{params[0]: _spell(low, spelling), params[1]: _spell(high, spelling)}
    )
    assert items == expected
    assert stamp(items[0]) == stamp(truth[10]) and stamp(items[-1]) == stamp(truth[60])
    just_after = _spell(low + timedelta(seconds=1), spelling)
    items, _ = follow(server, path, **{params[0]: just_after, params[1]: _spell(high, spelling)})
    assert items == [r for r in expected if parse(stamp(r)) > low]


def test_an_unencoded_plus_is_read_as_an_offset(server: SimulatorServer) -> None:
    truth = server.world.ground_truth().dialler_attempts
    dialled = parse(truth[5]["timestamps"]["dialled"])
    url = (
        f"{server.base_url}/v3.0/calls/dialler?dialledTimestampFrom={_spell(dialled, '+hh:mm')}"
        f"&dialledTimestampTo={_spell(dialled, '+hhmm')}"
    )
    assert "+" in url
    response = requests.get(url, headers={"Authorization": "Bearer sim-ipscape-token"}, timeout=10)
    assert [a["attemptId"] for a in response.json()["items"]] == [
        a["attemptId"] for a in truth if parse(a["timestamps"]["dialled"]) == dialled
    ]


@pytest.mark.parametrize(
    "value",
    [
        "yesterday",
        "2026-04-03",
        "2026-04-03T10:00:00",
        "2026-04-31T10:00:00Z",
        "2026-04-03T10:00:00+25:00",
    ],
)
def test_a_bad_filter_value_is_a_400_naming_the_parameter(
    server: SimulatorServer, value: str
) -> None:
    response = call(server, "/v3.0/activities", createdTimestampFrom=value)
    assert response.status_code == 400
    assert "createdTimestampFrom" in response.json()["message"]
    response = call(server, "/v3.0/calls/dialler", campaignId="two")
    assert response.status_code == 400 and "campaignId" in response.json()["message"]
    assert call(server, "/v3.0/leads", cursor="not-a-cursor").status_code == 400
    activities_cursor = call(server, "/v3.0/activities", activityType="call.outbound").json()
    cursor = activities_cursor["metadata"]["nextUri"].split("cursor=")[1]
    assert call(server, "/v3.0/leads", cursor=cursor).status_code == 400


def test_equality_filters_survive_the_cursor(server: SimulatorServer) -> None:
    truth = server.world.ground_truth()
    items, pages = follow(server, "/v3.0/calls/dialler", campaignId=2)
    assert len(pages) > 1
    assert items == [a for a in truth.dialler_attempts if a["campaignId"] == 2]
    lead_id = truth.dialler_attempts[40]["leadId"]
    items, _ = follow(server, "/v3.0/calls/dialler", leadId=lead_id)
    assert items == [a for a in truth.dialler_attempts if a["leadId"] == lead_id]
    items, _ = follow(server, "/v3.0/activities", activityType="call.outbound", campaignId=5)
    assert items == [
        a for a in truth.activities if a["type"] == "call.outbound" and a["data"]["campaignId"] == 5
    ]
    list_id = truth.leads[0]["listId"]
    items, _ = follow(server, "/v3.0/leads", listId=list_id)
    assert items == [lead for lead in truth.leads if lead["listId"] == list_id]
    items, _ = follow(server, "/v3.0/leads/lists", campaignId=3)
    assert items == [ll for ll in truth.lead_lists if ll["campaignId"] == 3]
    items, _ = follow(server, "/v3.0/users", userType="agent", accountActive="true")
    assert items == [u for u in truth.users if u["userType"] == "agent" and u["accountIsActive"]]


def test_single_records_by_id(own_server: SimulatorServer) -> None:
    truth = own_server.world.ground_truth()
    attempt, activity, lead = truth.dialler_attempts[3], truth.activities[3], truth.leads[3]
    assert call(own_server, f"/v3.0/calls/dialler/{attempt['attemptId']}").json() == attempt
    assert call(own_server, f"/v3.0/activities/{activity['data']['activityId']}").json() == activity
    assert call(own_server, f"/v3.0/leads/{lead['leadId']}").json() == lead
    not_yet = max(lead["leadId"] for lead in truth.leads) + 1
    clock = own_server.world.clock
    own_server.world.advance(days=1)
    assert call(own_server, f"/v3.0/leads/{not_yet}").status_code == 200
    own_server.world.set_clock(clock)
    response = call(own_server, f"/v3.0/leads/{not_yet}")
    assert response.status_code == 404 and "message" in response.json()
    assert call(own_server, "/v3.0/leads/1").status_code == 404


def test_campaigns_are_paged_by_page_number(server: SimulatorServer) -> None:
    pages = [call(server, "/v3.0/campaigns", pageNo=n, perPage=2).json() for n in range(4)]
    assert [(p["pageNo"], p["inPage"], p["perPage"]) for p in pages] == [
        (0, 2, 2),
        (1, 2, 2),
        (2, 1, 2),
        (3, 0, 2),
    ]
    campaigns = [c for page in pages for c in page["data"]]
    assert campaigns == server.world.ground_truth().campaigns
    assert [c["campaignId"] for c in campaigns] == [1, 2, 3, 4, 5]  # 6 is deleted
    assert {c["campaignId"]: c.get("timezone") for c in campaigns if "timezone" in c} == {
        3: "Australia/Perth",
        4: "Australia/Brisbane",
    }
    default = call(server, "/v3.0/campaigns").json()
    assert (default["pageNo"], default["perPage"], default["inPage"]) == (0, 50, 5)
    assert call(server, "/v3.0/campaigns", perPage=500).json()["perPage"] == 50


def test_late_hang_up_appears_after_the_clock_moves(own_server: SimulatorServer) -> None:
    world = own_server.world
    cutoff = world.clock - timedelta(hours=3)  # long over, so hidden only because late
    hidden = [
        a
        for a in world.ground_truth().dialler_attempts
        if a["dialStatusId"] == 1
        and "hangUp" not in a["timestamps"]
        and parse(a["timestamps"]["dialled"]) < cutoff
    ]
    assert hidden, "no late update at this clock"
    attempt = hidden[0]
    activity_path = f"/v3.0/activities/{attempt['activityId']}"
    before = call(own_server, activity_path).json()["data"]
    assert "hangUp" not in before["timestamps"] and "wrapUp" not in before["timestamps"]
    assert set(before["durations"]) == {"dial"}
    lead_before = call(own_server, f"/v3.0/leads/{attempt['leadId']}").json()

    world.advance(days=1, hours=12)
    after = call(own_server, f"/v3.0/calls/dialler/{attempt['attemptId']}").json()
    assert after["attemptId"] == attempt["attemptId"]
    assert parse(after["timestamps"]["hangUp"]) > parse(after["timestamps"]["dialled"])
    assert after["timestamps"]["dialled"] == attempt["timestamps"]["dialled"]
    revealed = call(own_server, activity_path).json()["data"]
    assert "wrapUp" in revealed["timestamps"] and "interaction" in revealed["durations"]
    lead_after = call(own_server, f"/v3.0/leads/{attempt['leadId']}").json()
    assert parse(lead_after["timestamps"]["modified"]) > parse(
        lead_before["timestamps"]["modified"]
    )


def test_leads_reflect_the_attempts_visible_at_the_clock(world: IpscapeWorld) -> None:
    truth = world.ground_truth()
    by_lead: dict[int, list[dict]] = {}
    for attempt in truth.dialler_attempts:
        by_lead.setdefault(attempt["leadId"], []).append(attempt)
    lead_status = {1: 1, 2: 2, 3: 4, 4: 5, 5: 3, 6: 6, 7: 7}
    for lead in truth.leads:
        attempts = by_lead.get(lead["leadId"], [])
        assert lead["outcomesInfo"]["totalAttempts"] == len(attempts)
        if attempts:
            assert lead["lastStatusCode"] == lead_status[attempts[-1]["dialStatusId"]]
        else:
            assert (lead["lastStatusCode"], lead["lastStatusDescription"]) == (0, "New")
        assert lead["completed"] == ("nextAttempt" not in lead["timestamps"])
        assert lead["phones"][0]["completed"] == lead["completed"]


def test_some_calls_run_past_local_midnight(world: IpscapeWorld) -> None:
    crossing = []
    for attempt in world.ground_truth().dialler_attempts:
        stamps, zone = attempt["timestamps"], ZONES[attempt["campaignId"]]
        if "hangUp" in stamps:
            dialled = parse(stamps["dialled"]).astimezone(zone)
            hung_up = parse(stamps["hangUp"]).astimezone(zone)
            if hung_up.date() > dialled.date():
                crossing.append(attempt)
                assert dialled.hour == 23 and attempt["dialStatusId"] == 1
    assert len(crossing) >= 5


def test_sydney_timestamps_follow_the_dst_change_on_4_october() -> None:
    world = IpscapeWorld(small_config(days=2, start_date=date(2026, 10, 3)))
    truth = world.ground_truth()
    on_the_day = []
    for attempt in truth.dialler_attempts:
        if ZONES[attempt["campaignId"]] is not SYDNEY:
            continue
        for value in attempt["timestamps"].values():
            if value.startswith("2026-10-04") and not value.endswith("Z"):
                on_the_day.append(value)
            if not value.endswith("Z"):  # the offset is Sydney's offset at that instant
                assert parse(value).utcoffset() == parse(value).astimezone(SYDNEY).utcoffset()
    before = [v for v in on_the_day if parse(v).hour < 2]
    after = [v for v in on_the_day if parse(v).hour >= 3]
    assert before and after
    assert all(v.endswith(("+10:00", "+1000")) for v in before)
    assert all(v.endswith(("+11:00", "+1100")) for v in after)
    spellings = {v[-6:] for v in on_the_day}
    assert {"+10:00", "+11:00"} <= spellings


def test_a_429_with_retry_after_then_normal_answers(own_server: SimulatorServer) -> None:
    own_server.faults.add("/v3.0/calls/dialler", status=429, retry_after=7, times=2)
    for _ in range(2):
        response = call(own_server, "/v3.0/calls/dialler")
        assert response.status_code == 429
        assert response.headers["Retry-After"] == "7"
    assert call(own_server, "/v3.0/activities").status_code == 200  # other paths untouched
    assert call(own_server, "/v3.0/calls/dialler").status_code == 200
    assert own_server.faults.hits == {"/v3.0/calls/dialler": 2}


def test_a_500_then_normal_answers_and_a_slow_page(own_server: SimulatorServer) -> None:
    own_server.faults.add("/v3.0/leads", status=500, body={"message": "boom"})
    own_server.faults.add("/v3.0/leads", delay_seconds=0.05)
    response = call(own_server, "/v3.0/leads")
    assert response.status_code == 500 and response.json() == {"message": "boom"}
    slow = call(own_server, "/v3.0/leads")
    assert slow.status_code == 200 and slow.elapsed >= timedelta(seconds=0.05)
    assert call(own_server, "/v3.0/leads").status_code == 200
    assert own_server.faults.hits == {"/v3.0/leads": 2}
    own_server.faults.clear()
    assert own_server.faults.hits == {}


def test_the_server_logs_requests(own_server: SimulatorServer) -> None:
    call(own_server, "/v3.0/calls/dialler", campaignId=3)
    method, path, query = own_server.requests[-1]
    assert (method, path, query) == ("GET", "/platform-api/v3.0/calls/dialler", "campaignId=3")
    assert own_server.requests[-1].params == {"campaignId": "3"}


def test_several_servers_run_side_by_side(server: SimulatorServer) -> None:
    other_world = IpscapeWorld(small_config(days=1, api_token="other"))
    with SimulatorServer(other_world) as other:
        assert other.port != server.port
        assert call(other, "/v3.0/users").status_code == 200
        assert call(server, "/v3.0/users").status_code == 200
        assert call(other, "/v3.0/users", token="sim-ipscape-token").status_code == 401
