"""Pins the rules of the test oracle on small hand-made worlds.

Every expected value here is worked out by hand from the marts contract, not taken from
the oracle, so a wrong rule in `tests/oracle.py` fails one of these tests. ipSCAPE first,
then QVoice, then CloudAgent, then the lead status history.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from tests.oracle import (
    compute_cloudagent_marts,
    compute_ipscape_marts,
    compute_qvoice_marts,
    expected_lead_status_history,
)

CAMPAIGNS = [
    {"campaignId": 2, "campaignTitle": "Sales Outbound", "campaignType": "Outbound"},
    {
        "campaignId": 3,
        "campaignTitle": "Renewals WA",
        "campaignType": "Outbound",
        "timezone": "Australia/Perth",
    },
    {"campaignId": 5, "campaignTitle": "Win-back", "campaignType": "Outbound"},
]
USERS = [
    {"userId": 1001, "firstName": "Ava", "lastName": "Nguyen", "userType": "agent"},
    {"userId": 1003, "firstName": "Ben", "lastName": "Okafor", "userType": "agent"},
]


def world(attempts=(), activities=(), campaigns=CAMPAIGNS, users=USERS) -> SimpleNamespace:
    return SimpleNamespace(
        activities=list(activities),
        dialler_attempts=list(attempts),
        leads=[],
        lead_lists=[],
        campaigns=list(campaigns),
        users=list(users),
    )


_next_id = iter(range(1, 10_000))


def attempt(
    dialled: str,
    status: str = "No Answer",
    campaign_id: int = 2,
    *,
    lead_id: Any = "auto",
    phone: str | None = "+61400000000",
    answered: str | None = None,
    hang_up: str | None = None,
    campaign_name: str | None = "Sales Outbound",
) -> dict[str, Any]:
    attempt_id = next(_next_id)
    timestamps = {"dialled": dialled}
    if answered is not None:
        timestamps["answered"] = answered
    if hang_up is not None:
        timestamps["hangUp"] = hang_up
    item = {
        "attemptId": attempt_id,
        "dialStatusId": 0,
        "dialStatusName": status,
        "phoneNumber": phone,
        "timestamps": timestamps,
        "campaignId": campaign_id,
        "campaignName": campaign_name,
    }
    if lead_id is not None:
        item["leadId"] = attempt_id if lead_id == "auto" else lead_id
    return item


def activity(
    created: str,
    campaign_id: int = 2,
    agent_id: Any = 1001,
    *,
    wrap_description: str | None = None,
    wrap_code: Any = None,
    durations: dict[str, Any] | None = None,
    hang_up: str | None = None,
    wrap_up: str | None = None,
    agent_full_name: str | None = "Ava Nguyen",
    campaign_name: str | None = "Sales Outbound",
) -> dict[str, Any]:
    timestamps = {"created": created}
    if hang_up is not None:
        timestamps["hangUp"] = hang_up
    if wrap_up is not None:
        timestamps["wrapUp"] = wrap_up
    data: dict[str, Any] = {
        "activityId": next(_next_id),
        "campaignId": campaign_id,
        "campaignName": campaign_name,
        "timestamps": timestamps,
        "durations": durations if durations is not None else {},
    }
    if agent_id is not None:
        data["agentId"] = agent_id
        data["agentFullName"] = agent_full_name
    if wrap_description is not None:
        data["wrapDescription"] = wrap_description
    if wrap_code is not None:
        data["wrapCode"] = wrap_code
    return {"type": "call.outbound", "data": data}


def by(rows: list[dict[str, Any]], *keys: str) -> dict[tuple, dict[str, Any]]:
    return {tuple(row[key] for key in keys): row for row in rows}


def test_rows_have_exactly_the_contract_columns_and_python_types():
    marts = compute_ipscape_marts(
        world(
            attempts=[
                attempt(
                    "2026-07-01T10:00:00+10:00",
                    "Answered",
                    answered="2026-07-01T10:00:05+10:00",
                    hang_up="2026-07-01T10:01:05+10:00",
                ),
                attempt("2026-07-01T10:05:00+10:00", "Network Congestion"),
            ],
            activities=[
                activity(
                    "2026-07-01T10:00:00+10:00",
                    wrap_description="Sale",
                    wrap_code=26,
                    durations={"interaction": 60},
                )
            ],
        )
    )
    assert list(marts) == [
        "dial_outcomes_daily",
        "dispositions_daily",
        "agent_performance_daily",
        "unmapped_statuses",
    ]
    assert list(marts["dial_outcomes_daily"][0]) == [
        "source_system",
        "campaign_id",
        "campaign_name",
        "report_date",
        "timezone",
        "attempts",
        "leads_dialled",
        "human_answers",
        "abandoned",
        "machine_answers",
        "no_answers",
        "busy",
        "failed",
        "other",
        "live_answers",
        "connects",
        "connect_rate",
        "live_answer_rate",
        "abandon_rate",
        "attempts_per_lead",
        "talk_seconds",
    ]
    assert list(marts["dispositions_daily"][0]) == [
        "source_system",
        "campaign_id",
        "campaign_name",
        "report_date",
        "disposition",
        "disposition_code",
        "category",
        "is_success",
        "is_contact",
        "is_dnc",
        "is_callback",
        "is_final",
        "calls",
        "share_of_calls",
        "talk_seconds",
        "wrap_seconds",
        "avg_handle_seconds",
    ]
    assert list(marts["agent_performance_daily"][0]) == [
        "source_system",
        "agent_id",
        "agent_name",
        "report_date",
        "calls_handled",
        "campaigns_worked",
        "talk_seconds",
        "hold_seconds",
        "wrap_seconds",
        "handle_seconds",
        "avg_handle_seconds",
        "success_calls",
        "contact_calls",
        "conversion_rate",
    ]
    assert list(marts["unmapped_statuses"][0]) == [
        "source_system",
        "kind",
        "raw_value",
        "occurrences",
        "first_seen",
        "last_seen",
    ]

    outcome = marts["dial_outcomes_daily"][0]
    assert outcome["source_system"] == "ipscape"
    assert outcome["campaign_id"] == "2"
    assert type(outcome["report_date"]) is date
    assert type(outcome["attempts"]) is int and type(outcome["talk_seconds"]) is int
    assert type(outcome["connect_rate"]) is float
    disposition = marts["dispositions_daily"][0]
    assert disposition["disposition_code"] == "26"
    assert type(disposition["is_success"]) is bool and disposition["is_success"] is True
    assert marts["agent_performance_daily"][0]["agent_id"] == "1001"
    unmapped = marts["unmapped_statuses"][0]
    assert unmapped["first_seen"] == datetime(2026, 7, 1, 0, 5, tzinfo=UTC)
    assert unmapped["first_seen"].utcoffset().total_seconds() == 0


def test_dst_start_day_in_sydney_dates_by_the_local_wall_clock():
    # Clocks jump 02:00 -> 03:00 on 2026-10-04: 00:30 on 10-05 is +11:00, i.e. 13:30Z on
    # 10-04, which a fixed +10:00 would wrongly put at 23:30 on 10-04.
    marts = compute_ipscape_marts(
        world(
            attempts=[
                attempt("2026-10-04T01:30:00+1000"),  # before the jump
                attempt("2026-10-04T03:30:00+11:00"),  # after the jump, same day
                attempt("2026-10-05T00:30:00+11:00"),
                attempt("2026-10-04T13:40:00Z"),  # 00:40 on 10-05 local
            ]
        )
    )
    rows = by(marts["dial_outcomes_daily"], "report_date")
    assert sorted(rows) == [(date(2026, 10, 4),), (date(2026, 10, 5),)]
    assert rows[(date(2026, 10, 4),)]["attempts"] == 2
    assert rows[(date(2026, 10, 5),)]["attempts"] == 2
    assert rows[(date(2026, 10, 5),)]["timezone"] == "Australia/Sydney"


def test_dst_end_day_in_sydney_has_25_hours():
    # Clocks go back 03:00 -> 02:00 on 2026-04-05: both 02:30s belong to 04-05, and
    # 23:30 +10:00 on 04-05 (13:30Z) is still 04-05.
    marts = compute_ipscape_marts(
        world(
            attempts=[
                attempt("2026-04-05T02:30:00+11:00"),
                attempt("2026-04-05T02:30:00+10:00"),
                attempt("2026-04-05T13:30:00Z"),
                attempt("2026-04-04T13:30:00Z"),  # 00:30 +11:00 on 04-05
            ]
        )
    )
    assert [(row["report_date"], row["attempts"]) for row in marts["dial_outcomes_daily"]] == [
        (date(2026, 4, 5), 4)
    ]


def test_call_crossing_local_midnight_counts_on_its_start_day():
    marts = compute_ipscape_marts(
        world(
            attempts=[
                attempt(
                    "2026-07-01T23:50:00+1000",
                    "Answered",
                    answered="2026-07-01T23:50:20+1000",
                    hang_up="2026-07-02T00:05:20+1000",
                )
            ],
            activities=[
                activity(
                    "2026-07-01T23:50:00+10:00",
                    wrap_description="Sale",
                    durations={"interaction": 900},
                    hang_up="2026-07-02T00:05:20+10:00",
                    wrap_up="2026-07-02T00:06:20+10:00",
                )
            ],
        )
    )
    [outcome] = marts["dial_outcomes_daily"]
    assert outcome["report_date"] == date(2026, 7, 1)
    assert outcome["talk_seconds"] == 900
    [disposition] = marts["dispositions_daily"]
    assert disposition["report_date"] == date(2026, 7, 1)
    assert disposition["wrap_seconds"] == 60
    [agent] = marts["agent_performance_daily"]
    assert agent["report_date"] == date(2026, 7, 1)


def test_perth_campaign_dates_in_perth_and_unzoned_campaigns_in_the_source_zone():
    instant = "2026-03-10T14:00:00Z"  # 01:00 on 03-11 in Sydney, 22:00 on 03-10 in Perth
    truth = world(
        attempts=[
            attempt(instant, campaign_id=2),
            attempt(instant, campaign_id=3),
            attempt(instant, campaign_id=9, campaign_name="Unlisted"),
        ],
        activities=[activity(instant, campaign_id=2), activity(instant, campaign_id=3)],
    )
    rows = by(compute_ipscape_marts(truth)["dial_outcomes_daily"], "campaign_id")
    assert (rows[("2",)]["report_date"], rows[("2",)]["timezone"]) == (
        date(2026, 3, 11),
        "Australia/Sydney",
    )
    assert (rows[("3",)]["report_date"], rows[("3",)]["timezone"]) == (
        date(2026, 3, 10),
        "Australia/Perth",
    )
    assert (rows[("9",)]["report_date"], rows[("9",)]["timezone"]) == (
        date(2026, 3, 11),
        "Australia/Sydney",
    )

    # one agent, one instant, two local days
    agent_days = [
        row["report_date"] for row in compute_ipscape_marts(truth)["agent_performance_daily"]
    ]
    assert agent_days == [date(2026, 3, 10), date(2026, 3, 11)]

    utc_rows = by(
        compute_ipscape_marts(truth, source_timezone="UTC")["dial_outcomes_daily"], "campaign_id"
    )
    assert (utc_rows[("2",)]["report_date"], utc_rows[("2",)]["timezone"]) == (
        date(2026, 3, 10),
        "UTC",
    )
    assert utc_rows[("3",)]["timezone"] == "Australia/Perth"


def test_offset_spellings_are_the_same_instant():
    marts = compute_ipscape_marts(
        world(
            attempts=[
                attempt(
                    "2026-07-01T09:00:00+1000",
                    "Answered",
                    answered="2026-07-01T09:00:00+10:00",
                    hang_up="2026-06-30T23:01:30Z",
                ),
            ]
        )
    )
    [row] = marts["dial_outcomes_daily"]
    assert row["report_date"] == date(2026, 7, 1)
    assert row["talk_seconds"] == 90


def test_attempt_talk_counts_only_connects_with_both_answer_and_hang_up():
    marts = compute_ipscape_marts(
        world(
            attempts=[
                attempt(
                    "2026-07-01T10:00:00+10:00", "Answered", answered="2026-07-01T10:00:10+10:00"
                ),  # no hang-up
                attempt(
                    "2026-07-01T10:01:00+10:00",
                    "Answering Machine",
                    answered="2026-07-01T10:01:10+10:00",
                    hang_up="2026-07-01T10:01:40+10:00",
                ),
                attempt(
                    "2026-07-01T10:02:00+10:00",
                    "Abandoned",
                    answered="2026-07-01T10:02:10+10:00",
                    hang_up="2026-07-01T10:02:15+10:00",
                ),
                attempt(
                    "2026-07-01T10:03:00+10:00",
                    "No Answer",
                    answered="2026-07-01T10:03:10+10:00",
                    hang_up="2026-07-01T10:05:10+10:00",
                ),
            ]
        )
    )
    [row] = marts["dial_outcomes_daily"]
    assert row["talk_seconds"] == 30 + 5
    assert (row["human_answers"], row["machine_answers"], row["abandoned"], row["no_answers"]) == (
        1,
        1,
        1,
        1,
    )
    assert (row["live_answers"], row["connects"]) == (2, 3)
    assert row["connect_rate"] == 0.75
    assert row["live_answer_rate"] == 0.5
    assert row["abandon_rate"] == 0.5


def test_outcome_mapping_ignores_case_and_blanks_and_lists_unknown_statuses():
    marts = compute_ipscape_marts(
        world(
            attempts=[
                attempt("2026-07-01T10:00:00+10:00", " answered "),
                attempt("2026-07-01T10:01:00+10:00", "NO ANSWER"),
                attempt("2026-07-01T10:02:00+10:00", "Busy"),
                attempt("2026-07-01T10:03:00+10:00", "invalid number"),
                attempt("2026-07-01T10:04:00+10:00", "Failed"),
                attempt("2026-07-01T12:00:00+10:00", " network congestion"),
                attempt("2026-07-01T11:00:00+10:00", "Network Congestion "),  # earliest
                attempt("2026-07-02T08:00:00+10:00", "NETWORK CONGESTION"),
            ]
        )
    )
    day1, day2 = marts["dial_outcomes_daily"]
    assert (
        day1["human_answers"],
        day1["no_answers"],
        day1["busy"],
        day1["failed"],
        day1["other"],
        day1["attempts"],
    ) == (1, 1, 1, 2, 2, 7)
    assert day2["other"] == 1
    assert marts["unmapped_statuses"] == [
        {
            "source_system": "ipscape",
            "kind": "dial_status",
            "raw_value": "Network Congestion",
            "occurrences": 3,
            "first_seen": datetime(2026, 7, 1, 1, 0, tzinfo=UTC),
            "last_seen": datetime(2026, 7, 1, 22, 0, tzinfo=UTC),
        }
    ]


def test_a_missing_dial_status_is_other_and_listed_as_missing():
    blank = attempt("2026-07-01T10:00:00+10:00", "  ")
    absent = attempt("2026-07-01T11:00:00+10:00")
    del absent["dialStatusName"]
    marts = compute_ipscape_marts(world(attempts=[blank, absent]))
    [row] = marts["dial_outcomes_daily"]
    assert (row["other"], row["no_answers"]) == (2, 0)
    [unmapped] = marts["unmapped_statuses"]
    assert (unmapped["kind"], unmapped["raw_value"], unmapped["occurrences"]) == (
        "dial_status",
        "(missing)",
        2,
    )


def test_zero_denominators_give_none_and_rates_are_not_rounded():
    marts = compute_ipscape_marts(
        world(
            attempts=[
                attempt("2026-07-01T10:00:00+10:00", "No Answer", lead_id=None, phone=None),
                attempt("2026-07-01T10:01:00+10:00", "Busy", lead_id=None, phone=None),
                attempt("2026-07-01T10:02:00+10:00", "Answering Machine", lead_id=None, phone=None),
            ]
        )
    )
    [row] = marts["dial_outcomes_daily"]
    assert row["leads_dialled"] == 0
    assert row["attempts_per_lead"] is None
    assert row["live_answers"] == 0 and row["abandon_rate"] is None
    assert row["live_answer_rate"] == 0.0
    assert row["connect_rate"] == 1 / 3


def test_leads_are_lead_ids_or_else_phone_numbers():
    marts = compute_ipscape_marts(
        world(
            attempts=[
                attempt("2026-07-01T10:00:00+10:00", lead_id=7, phone="+61400000001"),
                attempt("2026-07-01T11:00:00+10:00", lead_id="7", phone="+61400000002"),
                attempt("2026-07-01T12:00:00+10:00", lead_id=None, phone="+61400000003"),
                attempt("2026-07-01T13:00:00+10:00", lead_id=None, phone="+61400000003"),
                attempt("2026-07-01T14:00:00+10:00", lead_id=None, phone="+61400000004"),
                attempt("2026-07-01T15:00:00+10:00", lead_id=8, phone="+61400000003"),
            ]
        )
    )
    [row] = marts["dial_outcomes_daily"]
    assert row["leads_dialled"] == 4  # 7, +61400000003, +61400000004, 8
    assert row["attempts_per_lead"] == 6 / 4


def test_interaction_durations_coalesce_and_derive_wrap():
    marts = compute_ipscape_marts(
        world(
            activities=[
                activity(
                    "2026-07-01T10:00:00+10:00",
                    durations={"talk": 40, "interaction": 100, "hold": 5, "wrap": 7},
                    hang_up="2026-07-01T10:02:00+10:00",
                    wrap_up="2026-07-01T10:05:00+10:00",
                ),
                activity(
                    "2026-07-01T11:00:00+10:00",
                    durations={"dial": 5, "interaction": 30},
                    hang_up="2026-07-01T11:01:00+1000",
                    wrap_up="2026-07-01T01:01:20Z",
                ),
                activity(
                    "2026-07-01T12:00:00+10:00",
                    durations={"talk": None, "interaction": 20},
                    hang_up="2026-07-01T12:01:00+10:00",
                ),  # no wrap-up
                activity("2026-07-01T13:00:00+10:00", durations={"dial": 3}),
            ]
        )
    )
    [agent] = marts["agent_performance_daily"]
    assert agent["talk_seconds"] == 40 + 30 + 20 + 0
    assert agent["hold_seconds"] == 5
    assert agent["wrap_seconds"] == 7 + 20 + 0 + 0
    assert agent["handle_seconds"] == 90 + 5 + 27
    assert agent["avg_handle_seconds"] == 122 / 4
    [disposition] = marts["dispositions_daily"]
    assert (disposition["talk_seconds"], disposition["wrap_seconds"]) == (90, 27)
    assert disposition["avg_handle_seconds"] == 122 / 4


def test_disposition_variants_fold_onto_the_seed_label():
    created = "2026-07-01T10:00:00+10:00"
    marts = compute_ipscape_marts(
        world(
            activities=[
                activity(created, wrap_description="Sale", wrap_code=26),
                activity(created, wrap_description=" sale ", wrap_code=100),
                activity(created, wrap_description="SALE"),
                activity(created, wrap_description="do not call", wrap_code=30),
                activity(created),  # no wrap at all
                activity(created, wrap_description="   ", wrap_code=99),
                activity(created, wrap_description=""),
                activity(created, wrap_description="Call Back", wrap_code=29),
            ]
        )
    )
    rows = by(marts["dispositions_daily"], "disposition")
    assert sorted(label for (label,) in rows) == ["(none)", "Call Back", "Do Not Call", "Sale"]
    sale = rows[("Sale",)]
    assert sale["calls"] == 3
    assert sale["disposition_code"] == "100"  # the minimum of the codes as text
    assert sale["share_of_calls"] == 3 / 8
    assert (
        sale["category"],
        sale["is_success"],
        sale["is_contact"],
        sale["is_dnc"],
        sale["is_callback"],
        sale["is_final"],
    ) == ("success", True, True, False, False, True)
    dnc = rows[("Do Not Call",)]
    assert (dnc["category"], dnc["is_dnc"], dnc["is_final"], dnc["disposition_code"]) == (
        "dnc",
        True,
        True,
        "30",
    )
    callback = rows[("Call Back",)]
    assert (callback["category"], callback["is_callback"], callback["is_final"]) == (
        "callback",
        True,
        False,
    )
    none = rows[("(none)",)]
    assert none["calls"] == 3
    assert none["disposition_code"] is None
    assert none["category"] == "none"
    assert not any(
        none[flag] for flag in ("is_success", "is_contact", "is_dnc", "is_callback", "is_final")
    )
    assert marts["unmapped_statuses"] == []

    [agent] = marts["agent_performance_daily"]
    assert (agent["success_calls"], agent["contact_calls"]) == (3, 5)
    assert agent["conversion_rate"] == 3 / 8


def test_unknown_disposition_keeps_its_text_and_is_listed_once():
    marts = compute_ipscape_marts(
        world(
            activities=[
                activity(
                    "2026-07-01T10:00:00+10:00", wrap_description=" language barrier", wrap_code=34
                ),
                activity(
                    "2026-07-01T09:00:00+10:00", wrap_description="Language Barrier ", wrap_code=34
                ),
                activity("2026-07-01T09:30:00+10:00", wrap_description="Sale", wrap_code=26),
            ]
        )
    )
    rows = by(marts["dispositions_daily"], "disposition")
    assert set(rows) == {("Language Barrier",), ("language barrier",), ("Sale",)}
    barrier = rows[("Language Barrier",)]
    assert (
        barrier["category"],
        barrier["is_contact"],
        barrier["disposition_code"],
        barrier["share_of_calls"],
    ) == ("unmapped", False, "34", 1 / 3)
    assert marts["unmapped_statuses"] == [
        {
            "source_system": "ipscape",
            "kind": "disposition",
            "raw_value": "Language Barrier",
            "occurrences": 2,
            "first_seen": datetime(2026, 6, 30, 23, 0, tzinfo=UTC),
            "last_seen": datetime(2026, 7, 1, 0, 0, tzinfo=UTC),
        }
    ]
    [agent] = marts["agent_performance_daily"]
    assert (agent["success_calls"], agent["contact_calls"]) == (1, 1)


def test_activities_without_an_agent_are_not_interactions():
    marts = compute_ipscape_marts(
        world(
            activities=[
                activity("2026-07-01T10:00:00+10:00", wrap_description="Sale"),
                activity("2026-07-01T10:01:00+10:00", agent_id=None),
                {
                    "type": "call.outbound",
                    "data": {
                        "activityId": 77,
                        "campaignId": 2,
                        "agentId": None,
                        "timestamps": {"created": "2026-07-01T10:02:00+10:00"},
                    },
                },
            ]
        )
    )
    [disposition] = marts["dispositions_daily"]
    assert disposition["calls"] == 1 and disposition["share_of_calls"] == 1.0
    [agent] = marts["agent_performance_daily"]
    assert agent["calls_handled"] == 1


def test_agent_day_spans_campaigns():
    marts = compute_ipscape_marts(
        world(
            activities=[
                activity("2026-07-01T10:00:00+10:00", campaign_id=2, wrap_description="Sale"),
                activity("2026-07-01T11:00:00+10:00", campaign_id=2, wrap_description="Contact"),
                activity(
                    "2026-07-01T10:00:00+08:00",
                    campaign_id=3,
                    campaign_name="Renewals WA",
                    wrap_description="Wrong Number",
                ),
                activity(
                    "2026-07-01T10:30:00+10:00",
                    campaign_id=2,
                    agent_id=1003,
                    agent_full_name="Ben Old",
                    wrap_description="Sale",
                ),
            ]
        )
    )
    agents = by(marts["agent_performance_daily"], "agent_id")
    ava = agents[("1001",)]
    assert (
        ava["calls_handled"],
        ava["campaigns_worked"],
        ava["success_calls"],
        ava["contact_calls"],
    ) == (3, 2, 1, 2)
    assert ava["conversion_rate"] == 1 / 3
    assert agents[("1003",)]["agent_name"] == "Ben Okafor"


def test_names_come_from_the_lists_else_from_the_latest_fact():
    marts = compute_ipscape_marts(
        world(
            attempts=[
                attempt("2026-07-01T10:00:00+10:00", campaign_id=5, campaign_name="Winback Trial"),
                attempt("2026-07-01T09:00:00+10:00", campaign_id=6, campaign_name="Promo Old"),
                attempt("2026-07-01T11:00:00+10:00", campaign_id=6, campaign_name="Legacy Promo"),
                attempt("2026-07-01T11:00:00+10:00", campaign_id=6, campaign_name="Legacy Prom"),
                attempt("2026-07-02T09:00:00+10:00", campaign_id=6, campaign_name=None),
            ],
            activities=[
                activity("2026-07-01T12:00:00+10:00", campaign_id=5, campaign_name="Winback"),
                activity("2026-07-01T10:00:00+10:00", agent_id=1010, agent_full_name="Zed New"),
                activity("2026-07-01T09:00:00+10:00", agent_id=1010, agent_full_name="Zed Old"),
                activity("2026-07-02T09:00:00+10:00", agent_id=1010, agent_full_name=None),
                activity("2026-07-01T09:00:00+10:00", agent_id=1003, agent_full_name="Ben Old"),
            ],
        )
    )
    campaigns = {row["campaign_id"]: row["campaign_name"] for row in marts["dial_outcomes_daily"]}
    assert campaigns == {"5": "Win-back", "6": "Legacy Promo"}
    agents = {row["agent_id"]: row["agent_name"] for row in marts["agent_performance_daily"]}
    assert agents == {"1001": "Ava Nguyen", "1003": "Ben Okafor", "1010": "Zed New"}


def test_unlisted_campaign_takes_a_newer_name_from_an_interaction():
    marts = compute_ipscape_marts(
        world(
            attempts=[
                attempt("2026-07-01T09:00:00+10:00", campaign_id=6, campaign_name="Legacy Promo")
            ],
            activities=[
                activity("2026-07-01T10:00:00+10:00", campaign_id=6, campaign_name="Legacy Promo 2")
            ],
        )
    )
    assert marts["dial_outcomes_daily"][0]["campaign_name"] == "Legacy Promo 2"
    assert marts["dispositions_daily"][0]["campaign_name"] == "Legacy Promo 2"


def test_no_facts_no_rows():
    marts = compute_ipscape_marts(world())
    assert marts == {
        "dial_outcomes_daily": [],
        "dispositions_daily": [],
        "agent_performance_daily": [],
        "unmapped_statuses": [],
    }


def test_a_timestamp_without_an_offset_is_rejected():
    with pytest.raises(ValueError, match="offset"):
        compute_ipscape_marts(world(attempts=[attempt("2026-07-01T10:00:00")]))


# --- QVoice ---------------------------------------------------------------------------

SOLAR = "a1f0c3d2e4b5a6978877665544332211"
INSURANCE = "b2e1d4c3f5a6b7089988776655443322"
CAMPAIGNS_STATUS = {
    SOLAR: {
        "name": "Solar Leads",
        "status": "running",
        "total_leads": 2,
        "leads_by_status": {"new": 2},
    },
    INSURANCE: {
        "name": "Insurance Renewals",
        "status": "running",
        "total_leads": 1,
        "leads_by_status": {"new": 1},
    },
}


def queue_agent(extension: Any, name: str) -> dict[str, Any]:
    return {
        "id": f"agent-{extension}",
        "name": name,
        "extension": extension,
        "extension_is_valid": True,
        "logged_in": True,
        "status": "available",
    }


QUEUES_STATUS = [
    {
        "id": "q1",
        "name": "Sales",
        "extension": "7001",
        "agents": [queue_agent("2001", "Ava Nguyen"), queue_agent("2004", "Dee Sales")],
    },
    {
        "id": "q2",
        "name": "Service",
        "extension": "7002",
        "agents": [queue_agent("2004", "Dee Service"), queue_agent("2006", "Fay Current")],
    },
]


def unix(at: str) -> int:
    """`2026-03-30 10:00:00` (UTC) as unix seconds."""
    return int(datetime.fromisoformat(at).replace(tzinfo=UTC).timestamp())


def history_row(
    at: str,
    status: Any = "no_answer",
    campaign: str | None = "Solar Leads",
    *,
    lead: str = "+15550000001",
    call_id: Any = "auto",
    agent: str = "",
    extension: Any = "",
    talk: Any = 0,
    disposition: Any = "",
) -> dict[str, Any]:
    row = {
        "datetime": f"{at} +0000 UTC",
        "timestamp": unix(at),
        "campaign_name": campaign,
        "lead_name": "Pat Lee",
        "lead_number": lead,
        "agent_name": agent,
        "agent_extension": extension,
        "lead_history": [],
        "hangup_cause": "NORMAL_CLEARING",
        "agent_talk_time": talk,
        "disposition": disposition,
    }
    if status is not None:
        row["status"] = status
    if call_id == "auto":
        row["call_id"] = f"call-{next(_next_id)}"
    elif call_id is not None:
        row["call_id"] = call_id
    if talk is None:
        del row["agent_talk_time"]
    return row


def answered(at: str, agent: str = "Ava Old", extension: Any = "2001", **kwargs):
    """An answered row handled by an agent."""
    return history_row(at, "answered", agent=agent, extension=extension, **kwargs)


def qvoice_world(
    history=(), campaigns_status=CAMPAIGNS_STATUS, queues_status=QUEUES_STATUS
) -> SimpleNamespace:
    return SimpleNamespace(
        leads_history=list(history),
        campaigns_status=dict(campaigns_status),
        queues_status=list(queues_status),
        campaign_leads=[],
    )


def test_qvoice_rows_have_the_contract_columns_and_python_types():
    marts = compute_qvoice_marts(
        qvoice_world(
            [
                answered("2026-03-30 10:00:00", talk=60, disposition="Sale"),
                history_row("2026-03-30 10:05:00", "network_error"),
            ]
        )
    )
    ipscape = compute_ipscape_marts(
        world(
            attempts=[attempt("2026-07-01T10:00:00+10:00", "Network Congestion")],
            activities=[activity("2026-07-01T10:00:00+10:00", wrap_description="Sale")],
        )
    )
    for mart, rows in marts.items():
        assert list(rows[0]) == list(ipscape[mart][0]), mart
        assert {row["source_system"] for row in rows} == {"qvoice"}
    outcome = marts["dial_outcomes_daily"][0]
    assert (outcome["campaign_id"], outcome["campaign_name"]) == (SOLAR, "Solar Leads")
    assert (outcome["report_date"], outcome["timezone"]) == (date(2026, 3, 30), "UTC")
    assert type(outcome["attempts"]) is int and type(outcome["connect_rate"]) is float
    assert (outcome["attempts"], outcome["human_answers"], outcome["other"]) == (2, 1, 1)
    assert outcome["talk_seconds"] == 60
    disposition = marts["dispositions_daily"][0]
    assert (disposition["disposition"], disposition["is_success"]) == ("Sale", True)
    agent = marts["agent_performance_daily"][0]
    assert (agent["agent_id"], agent["agent_name"], agent["talk_seconds"]) == (
        "2001",
        "Ava Nguyen",
        60,
    )
    assert (agent["hold_seconds"], agent["wrap_seconds"], agent["handle_seconds"]) == (0, 0, 60)
    assert marts["unmapped_statuses"][0]["first_seen"] == datetime(2026, 3, 30, 10, 5, tzinfo=UTC)


def test_qvoice_report_date_is_the_local_date_in_the_source_zone_for_every_campaign():
    truth = qvoice_world(
        [
            history_row("2026-03-30 23:55:00"),  # 19:55 in New York (EDT, -4)
            history_row("2026-03-31 03:30:00", campaign="Old Promo"),  # 23:30 on 03-30 there
            history_row("2026-03-31 04:30:00", campaign="Insurance Renewals"),  # 00:30 on 03-31
        ]
    )

    def days(**kwargs) -> dict[str, tuple[date, str]]:
        rows = compute_qvoice_marts(truth, **kwargs)["dial_outcomes_daily"]
        assert len(rows) == 3
        return {row["campaign_id"]: (row["report_date"], row["timezone"]) for row in rows}

    assert days() == {
        SOLAR: (date(2026, 3, 30), "UTC"),
        INSURANCE: (date(2026, 3, 31), "UTC"),
        "Old Promo": (date(2026, 3, 31), "UTC"),
    }
    assert days(source_timezone="America/New_York") == {
        SOLAR: (date(2026, 3, 30), "America/New_York"),
        INSURANCE: (date(2026, 3, 31), "America/New_York"),
        "Old Promo": (date(2026, 3, 30), "America/New_York"),
    }


def test_qvoice_campaign_id_comes_from_the_status_report_else_the_name():
    marts = compute_qvoice_marts(
        qvoice_world(
            [
                history_row("2026-03-30 10:00:00", campaign="Insurance Renewals"),
                history_row("2026-03-30 10:01:00", campaign="Old Promo"),
                history_row("2026-03-30 10:02:00", campaign="Old Promo"),
                history_row("2026-03-30 10:03:00", campaign="solar leads"),  # exact match only
                answered("2026-03-30 10:04:00", campaign="Old Promo", disposition="Contact"),
            ]
        )
    )
    rows = by(marts["dial_outcomes_daily"], "campaign_id")
    assert set(rows) == {(INSURANCE,), ("Old Promo",), ("solar leads",)}
    assert rows[(INSURANCE,)]["campaign_name"] == "Insurance Renewals"
    assert (rows[("Old Promo",)]["campaign_name"], rows[("Old Promo",)]["attempts"]) == (
        "Old Promo",
        3,
    )
    assert rows[("solar leads",)]["campaign_name"] == "solar leads"
    [disposition] = marts["dispositions_daily"]
    assert (disposition["campaign_id"], disposition["campaign_name"]) == ("Old Promo", "Old Promo")


def test_qvoice_one_attempt_per_history_key_and_rows_without_call_id_count():
    twice = history_row("2026-03-30 10:00:00", call_id="c-1", lead="+15550000001")
    no_id = history_row("2026-03-30 10:01:00", call_id=None, lead="+15550000002")
    same_no_id = history_row("2026-03-30 10:01:00", call_id=None, lead="+15550000002")
    blank_id = history_row("2026-03-30 10:01:00", call_id="  ", lead="+15550000002")
    other_lead = history_row("2026-03-30 10:01:00", call_id=None, lead="+15550000003")
    later = history_row("2026-03-30 10:02:00", call_id=None, lead="+15550000002")
    with_id = history_row("2026-03-30 10:01:00", call_id="c-2", lead="+15550000002")
    marts = compute_qvoice_marts(
        qvoice_world([twice, dict(twice), no_id, same_no_id, blank_id, other_lead, later, with_id])
    )
    [row] = marts["dial_outcomes_daily"]
    # c-1; 10:01|+15550000002|Solar Leads (three rows); 10:01|+15550000003|...;
    # 10:02|+15550000002|...; c-2
    assert row["attempts"] == 5
    assert row["leads_dialled"] == 3
    assert row["attempts_per_lead"] == 5 / 3


def test_qvoice_talk_counts_for_connects_on_attempts_and_always_on_interactions():
    marts = compute_qvoice_marts(
        qvoice_world(
            [
                answered("2026-03-30 10:00:00", talk=120, disposition="Sale"),
                history_row("2026-03-30 10:01:00", "voicemail", talk=15),
                history_row("2026-03-30 10:02:00", "abandoned", talk=4),
                history_row("2026-03-30 10:03:00", "no_answer", talk=30),
                answered("2026-03-30 10:04:00", talk=None),
                # an agent on a row the dialler calls busy: no attempt talk, agent talk kept
                history_row("2026-03-30 10:05:00", "busy", agent="Ava", extension="2001", talk=10),
            ]
        )
    )
    [outcome] = marts["dial_outcomes_daily"]
    assert outcome["talk_seconds"] == 120 + 15 + 4
    assert (outcome["connects"], outcome["live_answers"], outcome["machine_answers"]) == (4, 3, 1)
    [agent] = marts["agent_performance_daily"]
    assert agent["calls_handled"] == 3
    assert agent["talk_seconds"] == 120 + 0 + 10
    assert agent["avg_handle_seconds"] == 130 / 3


def test_qvoice_agents_are_rows_with_a_name_keyed_by_extension_named_from_the_queues():
    marts = compute_qvoice_marts(
        qvoice_world(
            [
                answered("2026-03-30 10:00:00", agent="Ava N.", extension=" 2001 "),
                answered("2026-03-30 10:01:00", agent="Dee Old", extension="2004"),
                answered("2026-03-30 10:02:00", agent="Fay Old", extension=2006),
                answered("2026-03-30 10:03:00", agent="Gus Old", extension="2009"),
                answered("2026-03-30 11:00:00", agent="Gus Newer", extension="2009"),
                answered("2026-03-30 11:00:00", agent="Gus New", extension="2009"),
                answered("2026-03-30 12:00:00", agent="  ", extension="2009"),  # no agent
                history_row("2026-03-30 12:00:00", "answered"),  # no agent
            ]
        )
    )
    agents = {
        row["agent_id"]: (row["agent_name"], row["calls_handled"])
        for row in marts["agent_performance_daily"]
    }
    assert agents == {
        "2001": ("Ava Nguyen", 1),
        "2004": ("Dee Sales", 1),  # the first queue listing the extension
        "2006": ("Fay Current", 1),  # the queue's current name beats the facts'
        "2009": ("Gus Newer", 3),  # not in a queue: latest on the facts, ties -> larger
    }
    [disposition] = marts["dispositions_daily"]
    assert disposition["calls"] == 6


def test_qvoice_dial_status_mapping_and_unmapped_statuses():
    marts = compute_qvoice_marts(
        qvoice_world(
            [
                history_row("2026-03-30 10:00:00", " Answered "),
                history_row("2026-03-30 10:00:00", "NO_ANSWER"),
                history_row("2026-03-30 10:00:00", "no answer"),  # ipSCAPE's spelling
                history_row("2026-03-30 10:00:00", "Busy"),
                history_row("2026-03-30 10:00:00", "VOICEMAIL"),
                history_row("2026-03-30 10:00:00", "abandoned"),
                history_row("2026-03-30 10:00:00", "failed"),
                history_row("2026-03-30 11:00:00", "network_error"),
                history_row("2026-03-30 11:00:00", "Network_Error "),  # tie: smaller text
                history_row("2026-03-31 09:00:00", "NETWORK_ERROR"),
                history_row("2026-03-30 12:00:00", None),
                history_row("2026-03-30 13:00:00", "  "),
            ]
        )
    )
    day1, day2 = marts["dial_outcomes_daily"]
    assert (
        day1["human_answers"],
        day1["no_answers"],
        day1["busy"],
        day1["machine_answers"],
        day1["abandoned"],
        day1["failed"],
        day1["other"],
        day1["attempts"],
    ) == (1, 1, 1, 1, 1, 1, 5, 11)
    assert day2["other"] == 1
    assert marts["unmapped_statuses"] == [
        {
            "source_system": "qvoice",
            "kind": "dial_status",
            "raw_value": "(missing)",
            "occurrences": 2,
            "first_seen": datetime(2026, 3, 30, 12, 0, tzinfo=UTC),
            "last_seen": datetime(2026, 3, 30, 13, 0, tzinfo=UTC),
        },
        {
            "source_system": "qvoice",
            "kind": "dial_status",
            "raw_value": "Network_Error",
            "occurrences": 3,
            "first_seen": datetime(2026, 3, 30, 11, 0, tzinfo=UTC),
            "last_seen": datetime(2026, 3, 31, 9, 0, tzinfo=UTC),
        },
        {
            "source_system": "qvoice",
            "kind": "dial_status",
            "raw_value": "no answer",
            "occurrences": 1,
            "first_seen": datetime(2026, 3, 30, 10, 0, tzinfo=UTC),
            "last_seen": datetime(2026, 3, 30, 10, 0, tzinfo=UTC),
        },
    ]


def test_qvoice_disposition_variants_fold_and_have_no_codes():
    at = "2026-03-30 10:00:00"
    marts = compute_qvoice_marts(
        qvoice_world(
            [
                answered(at, disposition="Sale"),
                answered(at, disposition=" sale "),
                answered(at, disposition="SALE"),
                answered(at, disposition="do not call"),
                answered(at, disposition=""),
                answered(at, disposition="   "),
                answered(at, disposition=None),
                answered("2026-03-30 09:00:00", disposition="Language Barrier "),
                answered("2026-03-30 11:00:00", disposition=" language barrier"),
            ]
        )
    )
    rows = by(marts["dispositions_daily"], "disposition")
    assert sorted(label for (label,) in rows) == [
        "(none)",
        "Do Not Call",
        "Language Barrier",
        "Sale",
        "language barrier",
    ]
    assert all(row["disposition_code"] is None for row in rows.values())
    sale = rows[("Sale",)]
    assert (sale["calls"], sale["category"], sale["share_of_calls"]) == (3, "success", 3 / 9)
    assert (rows[("Do Not Call",)]["is_dnc"], rows[("Do Not Call",)]["is_final"]) == (True, True)
    none = rows[("(none)",)]
    assert (none["calls"], none["category"], none["is_contact"]) == (3, "none", False)
    assert (rows[("Language Barrier",)]["category"], rows[("language barrier",)]["calls"]) == (
        "unmapped",
        1,
    )
    assert marts["unmapped_statuses"] == [
        {
            "source_system": "qvoice",
            "kind": "disposition",
            "raw_value": "Language Barrier",
            "occurrences": 2,
            "first_seen": datetime(2026, 3, 30, 9, 0, tzinfo=UTC),
            "last_seen": datetime(2026, 3, 30, 11, 0, tzinfo=UTC),
        }
    ]
    [agent] = marts["agent_performance_daily"]
    assert (agent["success_calls"], agent["contact_calls"]) == (3, 4)


def test_qvoice_no_history_no_rows():
    assert compute_qvoice_marts(qvoice_world()) == {
        "dial_outcomes_daily": [],
        "dispositions_daily": [],
        "agent_performance_daily": [],
        "unmapped_statuses": [],
    }


# --- CloudAgent -------------------------------------------------------------------------


def ca_row(
    dialled: str | None = "2026-07-01 10:00:00",
    status: Any = "NoAnswer",
    campaign: str = "Loan_Offers",
    *,
    lead: Any = "5001",
    phone: Any = "919800000001",
    updated: str | None = None,
    agent: Any = "",
    agent_name: Any = "",
    disposition: Any = "",
    duration: Any = 0,
) -> dict[str, Any]:
    """One callback row as delivered (naive account-zone times); `updated` defaults to
    the dial time, `dialled=None` drops `lastDialedTime` altogether."""
    row = {
        "leadId": lead,
        "phoneNumber": phone,
        "name": "Asha Rao",
        "status": "Pending",
        "dialStatus": status,
        "disposition": disposition,
        "agentId": agent,
        "agentName": agent_name,
        "attempts": 1,
        "createdDate": "2026-07-01 08:30:00",
        "updatedDate": updated or dialled or "2026-07-01 08:30:00",
        "lastDialedTime": dialled,
        "callDuration": duration,
        "skill": "Sales",
        "priority": 1,
        "campaignName": campaign,
    }
    if dialled is None:
        del row["lastDialedTime"]
    if status is None:
        del row["dialStatus"]
    if duration is None:
        del row["callDuration"]
    return row


def ca_answered(dialled: str, agent: str = "AG1003", agent_name: str = "Ravi Kumar", **kwargs):
    """An answered dial an agent took."""
    return ca_row(dialled, "answered", agent=agent, agent_name=agent_name, **kwargs)


def ca_world(rows=()) -> SimpleNamespace:
    return SimpleNamespace(delivered_rows=list(rows), requests=[], account_timezone="Asia/Kolkata")


def test_cloudagent_rows_have_the_contract_columns_and_python_types():
    marts = compute_cloudagent_marts(
        ca_world(
            [
                ca_answered("2026-07-01 10:00:00", disposition="Sale", duration=60),
                ca_row("2026-07-01 10:05:00", "Network_Busy", lead="5002"),
            ]
        )
    )
    ipscape = compute_ipscape_marts(
        world(
            attempts=[attempt("2026-07-01T10:00:00+10:00", "Network Congestion")],
            activities=[activity("2026-07-01T10:00:00+10:00", wrap_description="Sale")],
        )
    )
    for mart, rows in marts.items():
        assert list(rows[0]) == list(ipscape[mart][0]), mart
        assert {row["source_system"] for row in rows} == {"cloudagent"}
    outcome = marts["dial_outcomes_daily"][0]
    assert (outcome["campaign_id"], outcome["campaign_name"]) == ("Loan_Offers", "Loan_Offers")
    assert (outcome["report_date"], outcome["timezone"]) == (date(2026, 7, 1), "Asia/Kolkata")
    assert type(outcome["report_date"]) is date
    assert type(outcome["attempts"]) is int and type(outcome["connect_rate"]) is float
    assert (outcome["attempts"], outcome["human_answers"], outcome["other"]) == (2, 1, 1)
    assert (outcome["leads_dialled"], outcome["talk_seconds"]) == (2, 60)
    disposition = marts["dispositions_daily"][0]
    assert (disposition["disposition"], disposition["disposition_code"]) == ("Sale", None)
    assert disposition["is_success"] is True
    agent = marts["agent_performance_daily"][0]
    assert (agent["agent_id"], agent["agent_name"], agent["talk_seconds"]) == (
        "AG1003",
        "Ravi Kumar",
        60,
    )
    assert (agent["hold_seconds"], agent["wrap_seconds"], agent["handle_seconds"]) == (0, 0, 60)
    # 10:05 in Kolkata (+05:30) is 04:35 UTC
    first_seen = marts["unmapped_statuses"][0]["first_seen"]
    assert first_seen == datetime(2026, 7, 1, 4, 35, tzinfo=UTC)
    assert first_seen.utcoffset().total_seconds() == 0


def test_cloudagent_latest_updated_date_wins_whatever_the_delivery_order():
    dialled = "2026-07-01 10:00:00"
    final = ca_answered(dialled, disposition="Sale", duration=90, updated="2026-07-01 13:00:00")
    early = ca_answered(dialled, disposition="", duration=90, updated="2026-07-01 10:02:00")
    marts = compute_cloudagent_marts(ca_world([final, early]))  # the stale one arrives last
    [outcome] = marts["dial_outcomes_daily"]
    assert (outcome["attempts"], outcome["human_answers"]) == (1, 1)
    [disposition] = marts["dispositions_daily"]
    assert (disposition["disposition"], disposition["calls"]) == ("Sale", 1)

    # equal updatedDate: the row delivered last
    first = ca_row(dialled, "NoAnswer", updated="2026-07-01 10:01:00")
    second = ca_row(dialled, "Fail", updated="2026-07-01 10:01:00")
    [outcome] = compute_cloudagent_marts(ca_world([first, second]))["dial_outcomes_daily"]
    assert (outcome["attempts"], outcome["failed"], outcome["no_answers"]) == (1, 1, 0)


def test_cloudagent_a_redial_is_a_new_attempt_and_a_duplicate_delivery_counts_once():
    morning = ca_answered("2026-07-01 10:00:00", disposition="Call Back", duration=30)
    evening = ca_row("2026-07-01 17:00:00", "NoAnswer")  # same lead, dialled again
    marts = compute_cloudagent_marts(ca_world([morning, dict(morning), evening, dict(evening)]))
    [outcome] = marts["dial_outcomes_daily"]
    assert (outcome["attempts"], outcome["leads_dialled"], outcome["talk_seconds"]) == (2, 1, 30)
    assert outcome["attempts_per_lead"] == 2.0
    [agent] = marts["agent_performance_daily"]
    assert (agent["calls_handled"], agent["talk_seconds"]) == (1, 30)
    [disposition] = marts["dispositions_daily"]
    assert (disposition["disposition"], disposition["calls"]) == ("Call Back", 1)

    # the same lead and dial time in another campaign is another attempt
    other = ca_row("2026-07-01 17:00:00", "NoAnswer", campaign="Card_Upsell")
    rows = compute_cloudagent_marts(ca_world([evening, other]))["dial_outcomes_daily"]
    assert [(row["campaign_id"], row["attempts"]) for row in rows] == [
        ("Card_Upsell", 1),
        ("Loan_Offers", 1),
    ]


def test_cloudagent_rows_without_last_dialed_time_are_not_attempts():
    marts = compute_cloudagent_marts(
        ca_world(
            [
                ca_row("", "", lead="5001"),  # uploaded, never dialled
                ca_row("   ", "NoAnswer", lead="5002"),
                ca_row(None, "answered", lead="5003", agent="AG1003", agent_name="Ravi"),
                ca_row("2026-07-01 10:00:00", "NoAnswer", lead="5004"),
                ca_row("", "", campaign="Renewal_Calls"),
            ]
        )
    )
    [outcome] = marts["dial_outcomes_daily"]
    assert (outcome["campaign_id"], outcome["attempts"], outcome["leads_dialled"]) == (
        "Loan_Offers",
        1,
        1,
    )
    assert (outcome["no_answers"], outcome["other"]) == (1, 0)
    assert marts["agent_performance_daily"] == []
    assert marts["dispositions_daily"] == []
    assert marts["unmapped_statuses"] == []  # the never-dialled blank statuses are not listed


def test_cloudagent_lead_is_the_lead_id_else_the_phone_number():
    at = "2026-07-01 10:00:00"
    marts = compute_cloudagent_marts(
        ca_world(
            [
                ca_row(at, lead="5001", phone="919800000001"),
                ca_row(at, lead=" 5001 ", phone="919800000002"),  # the same attempt
                ca_row("2026-07-01 15:00:00", lead="5001", phone="919800000003"),
                ca_row(at, lead="", phone="919800000009"),
                ca_row(at, lead="  ", phone="919800000009"),  # the same attempt
                ca_row("2026-07-01 16:00:00", lead=None, phone="919800000009"),
                ca_row(at, lead="", phone="919800000008"),
                ca_row(at, lead="5002", phone="919800000009"),
            ]
        )
    )
    [row] = marts["dial_outcomes_daily"]
    # 5001 (10:00, 15:00); phone ...09 (10:00, 16:00); phone ...08; 5002
    assert (row["attempts"], row["leads_dialled"]) == (6, 4)
    assert row["attempts_per_lead"] == 6 / 4


def test_cloudagent_naive_times_are_wall_clock_in_the_account_zone():
    late = ca_row("2026-07-01 23:30:00", "Busy", lead="5001")  # 18:00 UTC on 07-01
    after_midnight = ca_row("2026-07-02 00:15:00", "Busy", lead="5002")  # 18:45 UTC on 07-01
    marts = compute_cloudagent_marts(ca_world([late, after_midnight]))
    assert [
        (row["report_date"], row["timezone"], row["attempts"])
        for row in marts["dial_outcomes_daily"]
    ] == [
        (date(2026, 7, 1), "Asia/Kolkata", 1),
        (date(2026, 7, 2), "Asia/Kolkata", 1),
    ]
    [unmapped] = marts["unmapped_statuses"]
    assert (unmapped["first_seen"], unmapped["last_seen"]) == (
        datetime(2026, 7, 1, 18, 0, tzinfo=UTC),
        datetime(2026, 7, 1, 18, 45, tzinfo=UTC),
    )

    # another account zone: the same wall times, other instants, every campaign in it
    marts = compute_cloudagent_marts(ca_world([late, after_midnight]), "Asia/Dubai")
    assert {row["timezone"] for row in marts["dial_outcomes_daily"]} == {"Asia/Dubai"}
    assert [row["report_date"] for row in marts["dial_outcomes_daily"]] == [
        date(2026, 7, 1),
        date(2026, 7, 2),
    ]
    assert marts["unmapped_statuses"][0]["first_seen"] == datetime(2026, 7, 1, 19, 30, tzinfo=UTC)


def test_cloudagent_agent_interactions_are_winning_rows_with_an_agent_id():
    marts = compute_cloudagent_marts(
        ca_world(
            [
                ca_answered("2026-07-01 10:00:00", agent=" AG1003 ", duration=100),
                ca_answered("2026-07-01 11:00:00", duration=None, lead="5002"),
                ca_answered("2026-07-01 12:00:00", agent="  ", duration=70, lead="5003"),
                # a late disposition: only the newest version of the dial counts
                ca_answered("2026-07-01 13:00:00", duration="40", lead="5004"),
                ca_answered(
                    "2026-07-01 13:00:00",
                    duration="40",
                    lead="5004",
                    disposition="Contact",
                    updated="2026-07-01 15:00:00",
                ),
                ca_answered("2026-07-01 14:00:00", campaign="Card_Upsell", duration=10),
            ]
        )
    )
    [agent] = marts["agent_performance_daily"]
    assert agent["agent_id"] == "AG1003"
    assert (agent["calls_handled"], agent["campaigns_worked"]) == (4, 2)
    assert (agent["talk_seconds"], agent["handle_seconds"]) == (100 + 0 + 40 + 10, 150)
    assert agent["avg_handle_seconds"] == 150 / 4
    assert (agent["contact_calls"], agent["success_calls"], agent["conversion_rate"]) == (
        1,
        0,
        0.0,
    )
    loans = by(marts["dispositions_daily"], "campaign_id", "disposition")
    assert loans[("Loan_Offers", "(none)")]["calls"] == 2
    assert loans[("Loan_Offers", "Contact")]["share_of_calls"] == 1 / 3
    # the row without an agent still is an answered attempt with its talk time
    rows = by(marts["dial_outcomes_daily"], "campaign_id")
    assert rows[("Loan_Offers",)]["talk_seconds"] == 100 + 0 + 70 + 40


def test_cloudagent_agent_name_is_the_name_on_the_most_recent_call():
    marts = compute_cloudagent_marts(
        ca_world(
            [
                ca_answered("2026-07-02 09:40:00", agent_name="Ravi K", lead="5001"),
                ca_answered("2026-07-01 18:00:00", agent_name="Ravi Old", lead="5002"),
                # updated last, but dialled earlier: the dial time decides
                ca_answered(
                    "2026-07-01 17:00:00",
                    agent_name="Ravi Older",
                    lead="5003",
                    updated="2026-07-03 09:00:00",
                ),
                ca_answered("2026-07-02 20:00:00", agent_name="  ", lead="5004"),  # no name
                ca_answered("2026-07-01 10:00:00", "AG1007", "Meena A", lead="5005"),
                ca_answered("2026-07-01 10:00:00", "AG1007", "Meena B", lead="5006"),  # tie
                ca_answered("2026-07-01 11:00:00", "AG1009", "", lead="5007"),
            ]
        )
    )
    names = {
        (row["agent_id"], row["report_date"]): row["agent_name"]
        for row in marts["agent_performance_daily"]
    }
    assert names == {
        ("AG1003", date(2026, 7, 1)): "Ravi K",  # the current name on old days too
        ("AG1003", date(2026, 7, 2)): "Ravi K",
        ("AG1007", date(2026, 7, 1)): "Meena B",
        ("AG1009", date(2026, 7, 1)): None,
    }


def test_cloudagent_dial_status_mapping_talk_and_unmapped_statuses():
    marts = compute_cloudagent_marts(
        ca_world(
            [
                ca_row("2026-07-01 10:00:00", " Answered ", lead="1", duration=45),
                ca_row("2026-07-01 10:00:00", "NOANSWER", lead="2", duration=30),
                ca_row("2026-07-01 10:00:00", "no answer", lead="3"),  # ipSCAPE's spelling
                ca_row("2026-07-01 10:00:00", "User_Disconnected", lead="4", duration="5"),
                ca_row("2026-07-01 10:00:00", "fail", lead="5"),
                ca_row("2026-07-01 11:00:00", "Busy", lead="6", duration=12),
                ca_row("2026-07-01 11:00:00", "busy ", lead="7"),  # tie: smaller text
                ca_row("2026-07-01 12:00:00", "", lead="8"),
                ca_row("2026-07-01 13:00:00", None, lead="9"),
                ca_answered("2026-07-01 14:00:00", lead="10", disposition=" language barrier"),
            ]
        )
    )
    [row] = marts["dial_outcomes_daily"]
    assert (
        row["human_answers"],
        row["no_answers"],
        row["abandoned"],
        row["failed"],
        row["other"],
        row["attempts"],
    ) == (2, 1, 1, 1, 5, 10)
    assert row["talk_seconds"] == 45 + 5  # connects only
    assert (row["live_answers"], row["connects"], row["abandon_rate"]) == (3, 3, 1 / 3)
    at = {hour: datetime(2026, 7, 1, hour - 6, 30, tzinfo=UTC) for hour in (11, 12, 13, 14)}
    assert marts["unmapped_statuses"] == [
        {
            "source_system": "cloudagent",
            "kind": "dial_status",
            "raw_value": "(missing)",
            "occurrences": 2,
            "first_seen": at[12],
            "last_seen": at[13],
        },
        {
            "source_system": "cloudagent",
            "kind": "dial_status",
            "raw_value": "Busy",
            "occurrences": 2,
            "first_seen": at[11],
            "last_seen": at[11],
        },
        {
            "source_system": "cloudagent",
            "kind": "dial_status",
            "raw_value": "no answer",
            "occurrences": 1,
            "first_seen": datetime(2026, 7, 1, 4, 30, tzinfo=UTC),
            "last_seen": datetime(2026, 7, 1, 4, 30, tzinfo=UTC),
        },
        {
            "source_system": "cloudagent",
            "kind": "disposition",
            "raw_value": "language barrier",
            "occurrences": 1,
            "first_seen": at[14],
            "last_seen": at[14],
        },
    ]
    [disposition] = marts["dispositions_daily"]
    assert (disposition["disposition"], disposition["category"]) == (
        "language barrier",
        "unmapped",
    )


def test_cloudagent_zero_denominators_give_none():
    marts = compute_cloudagent_marts(
        ca_world(
            [
                ca_row("2026-07-01 10:00:00", "NoAnswer", lead="", phone=""),
                ca_row("2026-07-01 10:05:00", "Fail", lead=None, phone=None),
            ]
        )
    )
    [row] = marts["dial_outcomes_daily"]
    assert (row["attempts"], row["leads_dialled"], row["attempts_per_lead"]) == (2, 0, None)
    assert (row["live_answers"], row["abandon_rate"]) == (0, None)
    assert (row["connect_rate"], row["live_answer_rate"]) == (0.0, 0.0)


def test_cloudagent_no_rows_no_marts_and_offsets_are_rejected():
    assert compute_cloudagent_marts(ca_world()) == {
        "dial_outcomes_daily": [],
        "dispositions_daily": [],
        "agent_performance_daily": [],
        "unmapped_statuses": [],
    }
    with pytest.raises(ValueError, match="offset"):
        compute_cloudagent_marts(ca_world([ca_row("2026-07-01T10:00:00+05:30")]))


# --- lead_status_history ---------------------------------------------------------------

NIGHTS = [datetime(2026, 4, day, 2, 30, tzinfo=UTC) for day in range(1, 6)]


def lead(lead_id: Any, status: str, campaign_id: Any = SOLAR) -> dict[str, Any]:
    return {
        "created": unix("2026-03-30 06:30:00"),
        "campaign_id": campaign_id,
        "number": "+15550000001",
        "status": status,
        "retries": 0,
        "first_name": "Pat",
        "last_name": "Lee",
        "priority": 1,
        "id": lead_id,
    }


def history_of(rows: list[dict[str, Any]]) -> list[tuple]:
    for row in rows:
        assert list(row) == [
            "source_system",
            "lead_id",
            "campaign_id",
            "status",
            "valid_from",
            "valid_to",
        ]
        assert row["source_system"] == "qvoice"
    return [
        (row["lead_id"], row["campaign_id"], row["status"], row["valid_from"], row["valid_to"])
        for row in rows
    ]


def test_lead_status_history_unchanged_status_is_one_open_row():
    rows = expected_lead_status_history([(night, [lead("a", "new")]) for night in NIGHTS[:3]])
    assert history_of(rows) == [("a", SOLAR, "new", NIGHTS[0], None)]


def test_lead_status_history_change_closes_the_previous_row():
    rows = expected_lead_status_history(
        [
            (NIGHTS[0], [lead("a", "new"), lead("b", "new")]),
            (NIGHTS[1], [lead("a", "new"), lead("b", "new")]),
            (NIGHTS[2], [lead("a", "success"), lead("b", "new")]),
            (NIGHTS[3], [lead("a", "success"), lead("b", "new", campaign_id=INSURANCE)]),
        ]
    )
    assert history_of(rows) == [
        ("a", SOLAR, "new", NIGHTS[0], NIGHTS[2]),
        ("a", SOLAR, "success", NIGHTS[2], None),
        ("b", SOLAR, "new", NIGHTS[0], NIGHTS[3]),
        ("b", INSURANCE, "new", NIGHTS[3], None),  # a campaign change is a change too
    ]


def test_lead_status_history_leaving_closes_the_last_row_and_a_return_opens_one():
    rows = expected_lead_status_history(
        [
            (NIGHTS[0], [lead(7, "new", campaign_id=3), lead("b", "new")]),
            (NIGHTS[1], [lead(7, "failed", campaign_id=3), lead("b", "new")]),
            (NIGHTS[2], [lead("b", "new")]),
            (NIGHTS[3], [lead(7, "failed", campaign_id=3)]),
            (NIGHTS[4], [lead(7, "failed", campaign_id=3)]),
        ]
    )
    assert history_of(rows) == [
        ("7", "3", "new", NIGHTS[0], NIGHTS[1]),
        ("7", "3", "failed", NIGHTS[1], NIGHTS[2]),
        ("7", "3", "failed", NIGHTS[3], None),
        ("b", SOLAR, "new", NIGHTS[0], NIGHTS[3]),
    ]


def test_lead_status_history_of_no_snapshots_is_empty():
    assert expected_lead_status_history([]) == []
    assert expected_lead_status_history([(NIGHTS[0], [])]) == []
