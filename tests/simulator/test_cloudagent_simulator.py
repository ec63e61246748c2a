"""The CloudAgent simulator over real HTTP: determinism, tokens, every documented error
body, the rate limit, the dial status report (sortby windows, latest state per lead,
late dispositions) and callback delivery (duplicates, JSON strings, file links, held
and reordered callbacks, retries) checked against the ground truth."""

from __future__ import annotations

import base64
import csv
import io
import json
import re
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests

from simulator import (
    CloudAgentConfig,
    CloudAgentWorld,
    QVoiceConfig,
    QVoiceWorld,
    SimulatorServer,
)
from tests.simulator.callback_receiver import CallbackReceiver

TOKEN = "/ca_apis/caToken/generateToken"
DIAL_STATUS = "/endpoint/dailer/data/preview/download"
CAMPAIGNS = ("Loan_Offers", "Card_Upsell", "Renewal_Calls")
KOLKATA = ZoneInfo("Asia/Kolkata")
ROW_KEYS = [
    "leadId",
    "phoneNumber",
    "name",
    "status",
    "dialStatus",
    "disposition",
    "agentId",
    "agentName",
    "attempts",
    "createdDate",
    "updatedDate",
    "lastDialedTime",
    "callDuration",
    "skill",
    "priority",
]
CALLBACK_URL_INVALID = (
    "callBackUrl cannot be empty (OR) it should contain 'http://test.com/' or 'https://test.com/"
)
SMALL = dict(start_date=date(2026, 3, 30), leads_per_campaign_day=10, dials_per_campaign_day=15)
OMIT = object()  # leave the header or body key out
NAIVE = datetime(2026, 4, 1, tzinfo=UTC).replace(tzinfo=None)  # what the clock refuses


def small_config(days: int = 4, **settings: Any) -> CloudAgentConfig:
    return CloudAgentConfig.for_days(days, **{**SMALL, **settings})


@pytest.fixture
def receiver() -> Iterator[CallbackReceiver]:
    with CallbackReceiver() as running:
        yield running


@pytest.fixture(scope="module")
def lenient() -> Iterator[SimulatorServer]:
    """One server for the error tests: limits high enough never to trip."""
    settings = dict(tokens_per_hour=10_000, rate_limit_per_minute=10_000)
    with SimulatorServer(cloudagent=CloudAgentWorld(small_config(**settings))) as running:
        yield running


@pytest.fixture
def ca(request: pytest.FixtureRequest) -> Iterator[SimulatorServer]:
    """A fresh CloudAgent server (each test has its own rate limit and tokens);
    `@pytest.mark.parametrize("ca", [{...}], indirect=True)` passes config settings."""
    settings = getattr(request, "param", {})
    with SimulatorServer(cloudagent=CloudAgentWorld(small_config(**settings))) as running:
        yield running


def generate_token(
    server: SimulatorServer, api_key: Any = "", user_name: Any = ""
) -> requests.Response:
    """POST a token request; "" sends the account's own value, OMIT leaves it out."""
    config = server.cloudagent.config
    headers = {} if api_key is OMIT else {"apiKey": api_key or config.api_key}
    body = {} if user_name is OMIT else {"userName": user_name or config.user_name}
    return requests.post(f"{server.cloudagent_base_url}{TOKEN}", json=body, headers=headers)


def token_of(server: SimulatorServer) -> str:
    response = generate_token(server)
    assert response.status_code == 200, response.text
    return response.json()["token"]


def dial_status(
    server: SimulatorServer,
    token: str | None,
    callback_url: str,
    *,
    api_key: Any = "",
    **fields: Any,
) -> dict[str, Any]:
    """POST a dial status request (every field set unless overridden; OMIT drops one)
    and return its JSON answer, which is always HTTP 200."""
    config = server.cloudagent.config
    body = {
        "userName": config.user_name,
        "campaignName": "Loan_Offers",
        "fromDate": "2026-03-30 00:00:00",
        "toDate": "2026-04-30 00:00:00",
        "sortby": 0,
        "status": "All",
        "dialstatus": "All",
        "dispositions": "ALL",
        "callBackUrl": callback_url,
        **fields,
    }
    body = {key: value for key, value in body.items() if value is not OMIT}
    headers = {} if api_key is OMIT else {"apiKey": api_key or config.api_key}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    url = f"{server.cloudagent_base_url}{DIAL_STATUS}"
    response = requests.post(url, json=body, headers=headers, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def accepted(answer: dict[str, Any]) -> str:
    """The uniqueId of an accepted request."""
    assert answer["status"] == "success", answer
    assert answer["message"] == "Request accepted"
    assert re.fullmatch(r"\d{24}", answer["uniqueId"])
    return answer["uniqueId"]


def refusal(message: str) -> dict[str, str]:
    return {"status": "error", "message": message, "uniqueId": ""}


def delivered(server: SimulatorServer, receiver: CallbackReceiver) -> dict[str, list[dict]]:
    """Wait for every scheduled callback; the bodies received, by uniqueId."""
    assert server.wait_for_deliveries(timeout=5)
    by_id: dict[str, list[dict]] = {}
    for body in receiver.bodies:
        by_id.setdefault(body["uniqueId"], []).append(body)
    return by_id


def rows_of(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows a callback carries: inline, as a JSON string, or in the linked file (a
    CSV's values are text)."""
    if "fileUrl" in body:
        response = requests.get(body["fileUrl"], timeout=10)
        assert response.status_code == 200, response.text
        if body["fileUrl"].endswith(".json"):
            return response.json()
        return list(csv.DictReader(io.StringIO(response.text)))
    data = body["data"]
    return json.loads(data) if isinstance(data, str) else data


def as_text(rows: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [{key: str(value) for key, value in row.items()} for row in rows]


def local(text: str) -> datetime:
    """A naive account wall time, aware."""
    return datetime.fromisoformat(text).replace(tzinfo=KOLKATA)


def claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


# --- the world -----------------------------------------------------------------------


def test_same_seed_and_clock_give_the_same_world() -> None:
    first, second = CloudAgentWorld(small_config()), CloudAgentWorld(small_config())
    other = CloudAgentWorld(small_config(seed=7))
    reports = [[world.dial_status_report(c) for c in CAMPAIGNS] for world in (first, second)]
    assert reports[0] == reports[1]
    assert reports[0] != [other.dial_status_report(c) for c in CAMPAIGNS]


def test_generation_does_not_depend_on_the_clock() -> None:
    walked = CloudAgentWorld(small_config(days=1))
    for _ in range(3):
        walked.advance(days=1)
    direct = CloudAgentWorld(small_config(days=4))
    assert walked.clock == direct.clock
    for campaign in CAMPAIGNS:
        assert walked.dial_status_report(campaign) == direct.dial_status_report(campaign)


def test_a_world_is_not_trivial() -> None:
    world = CloudAgentWorld()
    rows = [row for campaign in CAMPAIGNS for row in world.dial_status_report(campaign)]
    assert len(rows) > 500
    assert all(list(row) == ROW_KEYS for row in rows)
    assert len({row["leadId"] for row in rows}) == len(rows)
    assert all(re.fullmatch(r"\d+", row["leadId"]) for row in rows)
    assert all(re.fullmatch(r"91[6-9]\d{9}", row["phoneNumber"]) for row in rows)
    assert {row["status"] for row in rows} == {"Success", "Fail", "Pending"}
    assert {row["dialStatus"] for row in rows} == {
        "",
        "answered",
        "NoAnswer",
        "user_disconnected",
        "Fail",
    }
    assert {row["attempts"] for row in rows} == {0, 1, 2, 3}
    for row in rows:
        dialled = row["lastDialedTime"]
        answered = row["dialStatus"] == "answered"
        assert (dialled == "") == (row["attempts"] == 0) == (row["dialStatus"] == "")
        assert bool(re.fullmatch(r"AG\d{4}", row["agentId"])) == answered
        assert bool(row["agentName"]) == answered
        assert (row["callDuration"] > 0) == answered
        assert answered or row["disposition"] == ""
        assert row["createdDate"] <= row["updatedDate"]
        assert "08:00:00" <= row["createdDate"][11:] < "09:00:00"  # uploaded 08:00-09:00
        if dialled:
            assert "09:30:00" <= dialled[11:] <= "20:30:00"
            assert dialled <= row["updatedDate"]
        if row["status"] == "Success":
            assert row["disposition"] == "Sale"
        if row["status"] == "Pending":
            assert row["attempts"] < 3
    late = [
        r
        for r in rows
        if local(r["updatedDate"]) - local(r["lastDialedTime"] or r["createdDate"])
        >= timedelta(hours=1)
    ]
    assert 0 < len(late) < len([r for r in rows if r["dialStatus"] == "answered"])
    dispositions = Counter(row["disposition"] for row in rows if row["dialStatus"] == "answered")
    assert {"Sale", "Not Interested", "Do Not Call", "Wrong Number"} <= set(dispositions)


def test_a_lead_is_dialled_at_most_once_a_day() -> None:
    world = CloudAgentWorld(small_config(days=1))
    before = {c: {r["leadId"]: r for r in world.dial_status_report(c)} for c in CAMPAIGNS}
    for _ in range(5):
        world.advance(days=1)
        now = {c: {r["leadId"]: r for r in world.dial_status_report(c)} for c in CAMPAIGNS}
        for campaign in CAMPAIGNS:
            for lead_id, row in before[campaign].items():
                assert 0 <= now[campaign][lead_id]["attempts"] - row["attempts"] <= 1
        before = now


def test_test_knobs_add_unknown_statuses_and_messy_text() -> None:
    world = CloudAgentWorld(small_config(unknown_status_rate=0.3, messy_text_rate=0.5))
    rows = [row for campaign in CAMPAIGNS for row in world.dial_status_report(campaign)]
    assert "Busy" in {row["dialStatus"] for row in rows}
    assert "Language Barrier" in {row["disposition"] for row in rows}
    documented = {"Sale", "Not Interested", "Contact", "Call Back", "Do Not Call"}
    documented |= {"Wrong Number", "Voicemail Left", "Language Barrier", ""}
    messy = {row["disposition"] for row in rows} - documented
    assert messy and all(text.strip().title() in documented for text in messy)


# --- tokens ----------------------------------------------------------------------------


def test_a_token_is_a_jwt_on_the_simulator_clock(ca: SimulatorServer) -> None:
    response = generate_token(ca)
    assert response.status_code == 200
    assert list(response.json()) == ["token"]
    token_claims = claims(response.json()["token"])
    issued = int(ca.cloudagent.clock.timestamp())
    assert token_claims["sub"] == "sim_ca_user"
    assert (token_claims["iat"], token_claims["exp"]) == (issued, issued + 3600)


def test_at_most_ten_tokens_per_hour(ca: SimulatorServer) -> None:
    for _ in range(10):
        token_of(ca)
    ca.cloudagent.advance(seconds=3599)
    limited = generate_token(ca)
    assert limited.status_code == 200
    assert limited.json() == {"status": "error", "message": "Token generation limit exceeded"}
    ca.cloudagent.advance(seconds=1)
    assert claims(token_of(ca))["iat"] == int(ca.cloudagent.clock.timestamp())


def test_a_new_token_invalidates_the_old_one(
    ca: SimulatorServer, receiver: CallbackReceiver
) -> None:
    old = token_of(ca)
    accepted(dial_status(ca, old, receiver.url))
    new = token_of(ca)
    assert dial_status(ca, old, receiver.url) == refusal("Authentication failed")
    accepted(dial_status(ca, new, receiver.url))


def test_a_token_expires_after_an_hour_of_simulator_time(
    ca: SimulatorServer, receiver: CallbackReceiver
) -> None:
    token = token_of(ca)
    ca.cloudagent.advance(seconds=3599)
    accepted(dial_status(ca, token, receiver.url))
    ca.cloudagent.advance(seconds=1)
    assert dial_status(ca, token, receiver.url) == refusal("Authentication failed")


@pytest.mark.parametrize(
    ("api_key", "user_name", "message"),
    [
        (OMIT, "", "apiKey is invalid"),
        ("SIM-CA-API-KEY", "", "Authentication failed"),
        ("wrong-key", "", "Authentication failed"),
        ("", OMIT, "userName is invalid"),
        ("", "someone_else", "Authentication failed"),
    ],
)
def test_token_errors_are_http_200_bodies(
    lenient: SimulatorServer, api_key: Any, user_name: Any, message: str
) -> None:
    response = generate_token(lenient, api_key, user_name)
    assert response.status_code == 200
    assert response.json() == {"status": "error", "message": message}


def test_a_token_error_for_an_empty_api_key_or_user_name(lenient: SimulatorServer) -> None:
    url = f"{lenient.cloudagent_base_url}{TOKEN}"
    empty_key = requests.post(url, json={"userName": "sim_ca_user"}, headers={"apiKey": ""})
    assert empty_key.json() == {"status": "error", "message": "apiKey is invalid"}
    empty_user = requests.post(url, json={"userName": ""}, headers={"apiKey": "sim-ca-api-key"})
    assert empty_user.json() == {"status": "error", "message": "userName is invalid"}
    not_json = requests.post(url, data=b"userName=x", headers={"apiKey": "sim-ca-api-key"})
    assert not_json.json() == {"status": "error", "message": "userName is invalid"}


# --- dial status requests: errors and the rate limit --------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"api_key": OMIT}, "apiKey is invalid"),
        ({"api_key": "wrong-key"}, "Authentication failed"),
        ({"userName": OMIT}, "userName is invalid"),
        ({"userName": ""}, "userName is invalid"),
        ({"userName": "someone_else"}, "Authentication failed"),
        ({"token": None}, "Authentication failed"),
        ({"token": "not-a-token"}, "Authentication failed"),
        ({"campaignName": OMIT}, "campaignName is invalid"),
        ({"campaignName": ""}, "campaignName is invalid"),
        ({"campaignName": "Inbound_Support"}, "campaignName is invalid"),
        ({"callBackUrl": OMIT}, CALLBACK_URL_INVALID),
        ({"callBackUrl": ""}, CALLBACK_URL_INVALID),
        ({"callBackUrl": "ftp://test.com/callback"}, CALLBACK_URL_INVALID),
        ({"callBackUrl": "not a url"}, CALLBACK_URL_INVALID),
    ],
)
def test_every_documented_error_is_an_http_200_body(
    lenient: SimulatorServer, receiver: CallbackReceiver, overrides: dict[str, Any], message: str
) -> None:
    token = overrides.pop("token", token_of(lenient))
    assert dial_status(lenient, token, receiver.url, **overrides) == refusal(message)
    assert delivered(lenient, receiver) == {}
    logged = lenient.cloudagent.dial_status_requests[-1]
    assert (logged.unique_id, logged.message, logged.accepted) == ("", message, False)


def test_an_empty_api_key_header_is_invalid(lenient: SimulatorServer) -> None:
    url = f"{lenient.cloudagent_base_url}{DIAL_STATUS}"
    response = requests.post(url, json={"userName": "sim_ca_user"}, headers={"apiKey": ""})
    assert response.status_code == 200
    assert response.json() == refusal("apiKey is invalid")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"sortby": 3}, "sortby is invalid"),
        ({"sortby": OMIT}, "sortby is invalid"),
        ({"sortby": "2", "fromDate": "2026-04-01"}, "fromDate is invalid"),
        ({"sortby": 1, "toDate": OMIT}, "toDate is invalid"),
        ({"status": "Done"}, "status is invalid"),
        ({"dialstatus": OMIT}, "dialstatus is invalid"),
        ({"dispositions": ""}, "dispositions is invalid"),
    ],
)
def test_undocumented_parameter_errors_name_the_field(
    lenient: SimulatorServer, receiver: CallbackReceiver, fields: dict[str, Any], message: str
) -> None:
    assert dial_status(lenient, token_of(lenient), receiver.url, **fields) == refusal(message)


def test_the_eleventh_request_in_a_minute_is_too_many(
    ca: SimulatorServer, receiver: CallbackReceiver
) -> None:
    world = ca.cloudagent
    token = token_of(ca)
    assert dial_status(ca, token, receiver.url, campaignName="Nope") == refusal(
        "campaignName is invalid"
    )  # refused requests count too
    for _ in range(9):
        accepted(dial_status(ca, token, receiver.url))
    world.advance(seconds=59)
    assert dial_status(ca, token, receiver.url) == refusal("too many requests")  # counts too
    world.advance(seconds=1)  # the first ten are 60 s old
    for _ in range(9):
        accepted(dial_status(ca, token, receiver.url))
    assert dial_status(ca, token, receiver.url) == refusal("too many requests")
    world.advance(seconds=60)
    accepted(dial_status(ca, token, receiver.url))
    assert len(delivered(ca, receiver)) == 19
    served = world.dial_status_requests
    assert len(served) == 22
    start = world.clock - timedelta(seconds=120)
    assert [request.at - start for request in served] == [timedelta(0)] * 10 + [
        timedelta(seconds=59)
    ] + [timedelta(seconds=60)] * 10 + [timedelta(seconds=120)]


# --- the report -------------------------------------------------------------------------


def test_sortby_windows_are_inclusive_on_created_and_updated_dates(
    ca: SimulatorServer, receiver: CallbackReceiver
) -> None:
    world = ca.cloudagent
    everything = world.dial_status_report("Card_Upsell")
    created = sorted({row["createdDate"] for row in everything})
    updated = sorted({row["updatedDate"] for row in everything})
    windows = {
        0: ("2030-01-01 00:00:00", "2030-01-02 00:00:00"),  # dates are ignored
        1: (created[3], created[-4]),
        2: (updated[5], updated[-6]),
    }
    token = token_of(ca)
    ids = {
        sortby: accepted(
            dial_status(
                ca,
                token,
                receiver.url,
                campaignName="Card_Upsell",
                sortby=str(sortby) if sortby == 2 else sortby,
                fromDate=start,
                toDate=end,
            )
        )
        for sortby, (start, end) in windows.items()
    }
    bodies = delivered(ca, receiver)
    assert bodies[ids[0]] == [
        {"uniqueId": ids[0], "campaignName": "Card_Upsell", "data": everything}
    ]
    for sortby, key in ((1, "createdDate"), (2, "updatedDate")):
        start, end = windows[sortby]
        expected = [row for row in everything if start <= row[key] <= end]
        [body] = bodies[ids[sortby]]
        assert body["data"] == expected
        assert start in {row[key] for row in body["data"]}  # both bounds inclusive
        assert end in {row[key] for row in body["data"]}
        assert 0 < len(expected) < len(everything)


def test_value_filters_pick_statuses_dial_statuses_and_dispositions(
    ca: SimulatorServer, receiver: CallbackReceiver
) -> None:
    everything = ca.cloudagent.dial_status_report("Loan_Offers")
    token = token_of(ca)
    wanted = {
        accepted(dial_status(ca, token, receiver.url, status="success")): [
            row for row in everything if row["status"] == "Success"
        ],
        accepted(dial_status(ca, token, receiver.url, dialstatus="NoAnswer")): [
            row for row in everything if row["dialStatus"] == "NoAnswer"
        ],
        accepted(dial_status(ca, token, receiver.url, dispositions="Sale, Contact")): [
            row for row in everything if row["disposition"] in ("Sale", "Contact")
        ],
    }
    bodies = delivered(ca, receiver)
    for unique_id, rows in wanted.items():
        assert rows
        assert bodies[unique_id][0]["data"] == rows


def test_a_lead_dialled_twice_between_reports_shows_only_its_latest_dial(
    ca: SimulatorServer, receiver: CallbackReceiver
) -> None:
    world = ca.cloudagent
    world.set_clock(world.clock - timedelta(days=2))
    first = accepted(dial_status(ca, token_of(ca), receiver.url))
    world.advance(days=1)
    between = {row["leadId"]: row for row in world.dial_status_report("Loan_Offers")}
    world.advance(days=1)
    second = accepted(dial_status(ca, token_of(ca), receiver.url))
    bodies = delivered(ca, receiver)
    before = {row["leadId"]: row for row in bodies[first][0]["data"]}
    after = bodies[second][0]["data"]
    assert len({row["leadId"] for row in after}) == len(after)  # one row per lead
    twice = [
        row
        for row in after
        if row["leadId"] in before and row["attempts"] - before[row["leadId"]]["attempts"] == 2
    ]
    assert twice
    for row in twice:
        middle = between[row["leadId"]]
        assert before[row["leadId"]]["lastDialedTime"] < middle["lastDialedTime"]
        assert middle["lastDialedTime"] < row["lastDialedTime"]
        assert row["updatedDate"] >= row["lastDialedTime"]


@pytest.mark.parametrize("ca", [{"late_disposition_rate": 1.0}], indirect=True)
def test_a_late_disposition_moves_updated_date(
    ca: SimulatorServer, receiver: CallbackReceiver
) -> None:
    world = ca.cloudagent
    final = next(
        row
        for row in world.dial_status_report("Renewal_Calls")
        if row["dialStatus"] == "answered" and row["disposition"]
    )
    dialled = local(final["lastDialedTime"])
    set_at = local(final["updatedDate"])
    assert timedelta(hours=1) <= set_at - dialled <= timedelta(hours=6)
    world.set_clock(dialled + timedelta(seconds=final["callDuration"] + 30))  # call over
    token = token_of(ca)
    early_id = accepted(dial_status(ca, token, receiver.url, campaignName="Renewal_Calls"))
    world.set_clock(set_at - timedelta(seconds=1))
    world.advance(seconds=1)
    late_id = accepted(
        dial_status(
            ca,
            token_of(ca),
            receiver.url,
            campaignName="Renewal_Calls",
            sortby=2,
            fromDate=final["updatedDate"],
            toDate=final["updatedDate"],
        )
    )
    bodies = delivered(ca, receiver)
    [early] = [r for r in bodies[early_id][0]["data"] if r["leadId"] == final["leadId"]]
    assert early["disposition"] == ""
    assert early["lastDialedTime"] == final["lastDialedTime"]
    assert early["callDuration"] == final["callDuration"]
    ended = local(early["updatedDate"]) - dialled
    assert timedelta(seconds=final["callDuration"]) < ended < timedelta(minutes=30)
    assert final in bodies[late_id][0]["data"]


# --- callbacks --------------------------------------------------------------------------


@pytest.mark.parametrize("ca", [{"duplicate_rate": 1.0}], indirect=True)
def test_a_duplicate_callback_arrives_twice(
    ca: SimulatorServer, receiver: CallbackReceiver
) -> None:
    unique_id = accepted(dial_status(ca, token_of(ca), receiver.url))
    [(received_id, copies)] = delivered(ca, receiver).items()
    assert received_id == unique_id
    assert len(copies) == 2 and copies[0] == copies[1]
    assert [d.unique_id for d in ca.cloudagent.deliveries] == [unique_id, unique_id]


@pytest.mark.parametrize("ca", [{"json_string_rate": 1.0}], indirect=True)
def test_data_may_come_as_a_json_string(ca: SimulatorServer, receiver: CallbackReceiver) -> None:
    unique_id = accepted(dial_status(ca, token_of(ca), receiver.url))
    [body] = delivered(ca, receiver)[unique_id]
    assert isinstance(body["data"], str)
    assert json.loads(body["data"]) == ca.cloudagent.dial_status_report("Loan_Offers")


@pytest.mark.parametrize("ca", [{"file_link_rate": 1.0}], indirect=True)
def test_a_file_link_to_a_csv_or_json_file(ca: SimulatorServer, receiver: CallbackReceiver) -> None:
    token = token_of(ca)
    expected = {}
    for campaign in CAMPAIGNS * 2:
        unique_id = accepted(dial_status(ca, token, receiver.url, campaignName=campaign))
        expected[unique_id] = ca.cloudagent.dial_status_report(campaign)
    formats = set()
    for unique_id, [body] in delivered(ca, receiver).items():
        assert "data" not in body
        url = body["fileUrl"]
        assert url.startswith(f"{ca.cloudagent_base_url}/files/{unique_id}.")
        response = requests.get(url, timeout=10)
        formats.add(url.rsplit(".", 1)[1])
        if url.endswith(".csv"):
            assert response.headers["content-type"].startswith("text/csv")
            assert response.text.splitlines()[0] == ",".join(ROW_KEYS)
            assert rows_of(body) == as_text(expected[unique_id])
        else:
            assert response.json() == expected[unique_id]
    assert formats == {"csv", "json"}
    missing = requests.get(f"{ca.cloudagent_base_url}/files/nope.csv", timeout=10)
    assert missing.status_code == 404


@pytest.mark.parametrize("ca", [{"hold_rate": 1.0}], indirect=True)
def test_a_held_callback_arrives_only_when_released(
    ca: SimulatorServer, receiver: CallbackReceiver
) -> None:
    unique_id = accepted(dial_status(ca, token_of(ca), receiver.url))
    assert delivered(ca, receiver) == {}  # nothing scheduled: the wait returns at once
    assert ca.cloudagent.ground_truth().delivered_rows == []
    assert ca.release_held_callbacks() == 1
    assert list(delivered(ca, receiver)) == [unique_id]
    assert ca.release_held_callbacks() == 0


@pytest.mark.parametrize("ca", [{"reorder": True, "delivery_delay_seconds": 0.5}], indirect=True)
def test_reorder_sends_a_batch_in_reverse_request_order(
    ca: SimulatorServer, receiver: CallbackReceiver
) -> None:
    token = token_of(ca)
    ids = [
        accepted(dial_status(ca, token, receiver.url, campaignName=campaign))
        for campaign in CAMPAIGNS
    ]
    delivered(ca, receiver)
    assert [body["uniqueId"] for body in receiver.bodies] == ids[::-1]


def test_a_failed_delivery_is_retried_three_times(
    ca: SimulatorServer, receiver: CallbackReceiver
) -> None:
    token = token_of(ca)
    receiver.answer_next([500, 502])
    recovered = accepted(dial_status(ca, token, receiver.url))
    delivered(ca, receiver)
    receiver.default_status = 503
    lost = accepted(dial_status(ca, token, receiver.url, campaignName="Card_Upsell"))
    delivered(ca, receiver)
    first, second = ca.cloudagent.deliveries
    assert (first.unique_id, first.status_code, first.tries, first.delivered) == (
        recovered,
        200,
        3,
        True,
    )
    assert (second.unique_id, second.status_code, second.tries, second.delivered) == (
        lost,
        503,
        4,
        False,
    )
    assert [body["uniqueId"] for body in receiver.bodies] == [recovered] * 3 + [lost] * 4
    truth = ca.cloudagent.ground_truth()
    assert {row["campaignName"] for row in truth.delivered_rows} == {"Loan_Offers"}


@pytest.mark.parametrize(
    "ca",
    [{"duplicate_rate": 0.4, "json_string_rate": 0.4, "file_link_rate": 0.4, "reorder": True}],
    indirect=True,
)
def test_the_ground_truth_is_what_was_delivered(
    ca: SimulatorServer, receiver: CallbackReceiver
) -> None:
    world = ca.cloudagent
    token = token_of(ca)
    for campaign in CAMPAIGNS:
        accepted(
            dial_status(
                ca,
                token,
                receiver.url,
                campaignName=campaign,
                sortby=2,
                fromDate="2026-04-01 00:00:00",
                toDate="2026-04-02 12:00:00",
            )
        )
    world.advance(days=1)
    token = token_of(ca)
    for campaign in CAMPAIGNS:
        accepted(
            dial_status(
                ca,
                token,
                receiver.url,
                campaignName=campaign,
                sortby=2,
                fromDate="2026-04-02 00:00:00",
                toDate="2026-04-03 23:59:59",
            )
        )
    dial_status(ca, token, receiver.url, campaignName="Nope")
    delivered(ca, receiver)
    received = [
        {**row, "campaignName": body["campaignName"]}
        for body in receiver.bodies
        for row in rows_of(body)
    ]
    truth = world.ground_truth()
    assert as_text(truth.delivered_rows) == as_text(received)
    assert len(received) > len({(r["campaignName"], r["leadId"]) for r in received})
    forms = {("fileUrl" in b, isinstance(b.get("data"), str)) for b in receiver.bodies}
    assert len(forms) == 3  # inline, JSON string and file link all happened
    assert len(receiver.bodies) > 6  # some duplicates
    assert truth.account_timezone == "Asia/Kolkata"
    assert [(r.campaign_name, r.accepted) for r in truth.requests] == [
        *((c, True) for c in CAMPAIGNS * 2),
        ("Nope", False),
    ]
    assert truth.requests[0].at == world.clock - timedelta(days=1)
    assert truth.requests[0].body["sortby"] == 2


def test_the_same_requests_get_the_same_callbacks(receiver: CallbackReceiver) -> None:
    runs = []
    for _ in range(2):
        world = CloudAgentWorld(small_config(duplicate_rate=0.5, json_string_rate=0.5))
        with SimulatorServer(cloudagent=world) as server:
            token = token_of(server)
            for campaign in CAMPAIGNS:
                accepted(dial_status(server, token, receiver.url, campaignName=campaign))
            assert server.wait_for_deliveries()
            runs.append([(d.unique_id, d.body) for d in world.deliveries])
            assert world.ground_truth().delivered_rows
    assert runs[0] == runs[1]
    assert len(runs[0]) > 3


# --- the server -------------------------------------------------------------------------


def test_answers_are_dated_by_the_cloudagent_clock_beside_qvoice(
    receiver: CallbackReceiver,
) -> None:
    cloudagent = CloudAgentWorld(small_config())
    qvoice = QVoiceWorld(QVoiceConfig.for_days(2, date(2026, 3, 30), dials_per_campaign_day=5))
    cloudagent.advance(hours=7, seconds=15)
    with SimulatorServer(qvoice=qvoice, cloudagent=cloudagent) as both:
        assert both.cloudagent_base_url == both.qvoice_base_url
        expected = format_datetime(cloudagent.clock, usegmt=True)
        assert expected == "Fri, 03 Apr 2026 07:00:15 GMT"
        assert generate_token(both).headers["Date"] == expected
        assert generate_token(both, api_key="wrong").headers["Date"] == expected
        missing = requests.get(f"{both.cloudagent_base_url}/files/none.json", timeout=10)
        assert missing.headers["Date"] == expected
        status = f"{both.qvoice_base_url}/api/v2/reports/campaigns/leads/status"
        assert requests.get(status, timeout=10).headers["Date"] == format_datetime(
            qvoice.clock, usegmt=True
        )
        both.faults.add(DIAL_STATUS, status=503)
        faulted = requests.post(f"{both.cloudagent_base_url}{DIAL_STATUS}", json={}, timeout=10)
        assert faulted.status_code == 503
        assert faulted.headers["Date"] == expected
        accepted(dial_status(both, token_of(both), receiver.url))
        assert both.faults.hits == {DIAL_STATUS: 1}
        assert both.requests[-1].path == DIAL_STATUS
        assert both.wait_for_deliveries()
    with pytest.raises(RuntimeError):
        _ = SimulatorServer(qvoice=qvoice).cloudagent_base_url
    with pytest.raises(RuntimeError):
        SimulatorServer(qvoice=qvoice).release_held_callbacks()


def test_the_clock_must_be_aware() -> None:
    with pytest.raises(ValueError):
        CloudAgentConfig(clock=NAIVE)
    with pytest.raises(ValueError):
        CloudAgentConfig(hold_rate=1.5)
    world = CloudAgentWorld(small_config())
    with pytest.raises(ValueError):
        world.set_clock(NAIVE)
    world.set_clock(datetime(2026, 4, 1, 12, tzinfo=KOLKATA))
    assert world.clock == datetime(2026, 4, 1, 6, 30, tzinfo=UTC)
