"""The ipSCAPE marts recomputed in plain Python from the simulator's ground truth.

An independent second implementation of `docs/warehouse.md` / the marts contract, written
without DuckDB, dbt or SQL, so that end-to-end tests can compare what the warehouse built
against what it should have built. `compute_ipscape_marts(world.ground_truth())` returns
each mart as a list of row dicts with exactly the contract's columns, in its order:
ids `str`, `report_date` `datetime.date`, counts and seconds `int`, rates and averages
`float` (or `None` over a zero denominator), flags `bool`, `first_seen`/`last_seen`
aware UTC datetimes. Rows are sorted by each mart's grain; row order is not part of the
contract.

Facts whose start time (`timestamps.dialled` / `data.timestamps.created`) is missing
cannot be dated and are left out; the simulator always sends it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

SOURCE_SYSTEM = "ipscape"

Fact = dict[str, Any]  # one attempt or agent interaction, or one mart row

COLUMNS: dict[str, tuple[str, ...]] = {
    "dial_outcomes_daily": (
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
    ),
    "dispositions_daily": (
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
    ),
    "agent_performance_daily": (
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
    ),
    "unmapped_statuses": (
        "source_system",
        "kind",
        "raw_value",
        "occurrences",
        "first_seen",
        "last_seen",
    ),
}

# The default seed `dial_status_outcomes.csv` for ipscape, keyed by lower-case status name.
DIAL_STATUS_OUTCOMES: dict[str, str] = {
    "answered": "human_answer",
    "no answer": "no_answer",
    "busy": "busy",
    "answering machine": "machine",
    "abandoned": "abandoned",
    "invalid number": "failed",
    "failed": "failed",
}

# The default seed `disposition_flags.csv`:
# label -> (category, is_success, is_contact, is_dnc, is_callback, is_final).
DISPOSITION_FLAGS: dict[str, tuple[str, bool, bool, bool, bool, bool]] = {
    "Sale": ("success", True, True, False, False, True),
    "Contact": ("contact", False, True, False, False, False),
    "Not Interested": ("refusal", False, True, False, False, True),
    "Call Back": ("callback", False, True, False, True, False),
    "Do Not Call": ("dnc", False, True, True, False, True),
    "Wrong Number": ("bad_number", False, False, False, False, True),
    "Voicemail Left": ("no_contact", False, False, False, False, False),
}
_DISPOSITION_LABELS = {label.lower(): label for label in DISPOSITION_FLAGS}
NO_DISPOSITION = "(none)"
MISSING_DIAL_STATUS = "(missing)"  # how unmapped_statuses lists an attempt with no status
_NO_FLAGS = (False, False, False, False, False)

OUTCOME_COUNT_COLUMNS = {
    "human_answer": "human_answers",
    "abandoned": "abandoned",
    "machine": "machine_answers",
    "no_answer": "no_answers",
    "busy": "busy",
    "failed": "failed",
    "other": "other",
}
LIVE_OUTCOMES = {"human_answer", "abandoned"}
CONNECT_OUTCOMES = {"human_answer", "abandoned", "machine"}


def _get(item: Any, *path: str) -> Any:
    """The value at `path` in nested dicts, None where any key is absent or null."""
    for key in path:
        if not isinstance(item, dict):
            return None
        item = item.get(key)
    return item


def _parse_utc(value: Any) -> datetime | None:
    """An ISO-8601 timestamp (`+1000`, `+10:00` or `Z`) as an aware UTC datetime."""
    if value is None or value == "":
        return None
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError(f"timestamp without an offset: {value!r}")
    return parsed.astimezone(UTC)


def _trimmed(value: Any) -> str | None:
    return None if value is None else str(value).strip()


def _id(value: Any) -> str | None:
    return None if value is None else str(value)


def _seconds_between(start: datetime | None, end: datetime | None) -> int | None:
    if start is None or end is None:
        return None
    return int((end - start).total_seconds())


def _coalesce(*values: Any) -> Any:
    return next((value for value in values if value is not None), None)


def _ratio(numerator: int, denominator: int) -> float | None:
    return None if denominator == 0 else numerator / denominator


def _latest_name(seen: Iterable[tuple[datetime, str]]) -> str | None:
    """The name on the most recent fact; on equal times the larger name."""
    return max(seen, default=(None, None))[1]


def _local_date(at: datetime, zone: str) -> date:
    return at.astimezone(ZoneInfo(zone)).date()


def _classify_disposition(description: Any, code: Any) -> dict[str, Any]:
    text = _trimmed(description)
    if not text:
        return {
            "disposition": NO_DISPOSITION,
            "disposition_code": None,
            "category": "none",
            "flags": _NO_FLAGS,
        }
    label = _DISPOSITION_LABELS.get(text.lower())
    if label is None:
        return {
            "disposition": text,
            "disposition_code": _id(code),
            "category": "unmapped",
            "flags": _NO_FLAGS,
        }
    category, *flags = DISPOSITION_FLAGS[label]
    return {
        "disposition": label,
        "disposition_code": _id(code),
        "category": category,
        "flags": tuple(flags),
    }


def _attempt_facts(
    truth: Any, zone_of: dict[str | None, str], default_zone: str
) -> list[dict[str, Any]]:
    facts = []
    for attempt in truth.dialler_attempts or []:
        dialled_at = _parse_utc(_get(attempt, "timestamps", "dialled"))
        if dialled_at is None:
            continue
        campaign_id = _id(attempt.get("campaignId"))
        zone = zone_of.get(campaign_id, default_zone)
        status = _trimmed(attempt.get("dialStatusName"))
        outcome = DIAL_STATUS_OUTCOMES.get((status or "").lower(), "other")
        talk = None
        if outcome in CONNECT_OUTCOMES:
            talk = _seconds_between(
                _parse_utc(_get(attempt, "timestamps", "answered")),
                _parse_utc(_get(attempt, "timestamps", "hangUp")),
            )
        facts.append(
            {
                "campaign_id": campaign_id,
                "campaign_name": attempt.get("campaignName"),
                "event_at": dialled_at,
                "timezone": zone,
                "report_date": _local_date(dialled_at, zone),
                "status": status,
                "outcome": outcome,
                "lead_key": _id(_coalesce(attempt.get("leadId"), attempt.get("phoneNumber"))),
                "talk_seconds": talk or 0,
            }
        )
    return facts


def _interaction_facts(
    truth: Any, zone_of: dict[str | None, str], default_zone: str
) -> list[dict[str, Any]]:
    facts = []
    for activity in truth.activities or []:
        data = activity.get("data") or {}
        if data.get("agentId") is None:
            continue
        created_at = _parse_utc(_get(data, "timestamps", "created"))
        if created_at is None:
            continue
        campaign_id = _id(data.get("campaignId"))
        zone = zone_of.get(campaign_id, default_zone)
        durations = data.get("durations") or {}
        derived_wrap = _seconds_between(
            _parse_utc(_get(data, "timestamps", "hangUp")),
            _parse_utc(_get(data, "timestamps", "wrapUp")),
        )
        facts.append(
            {
                "campaign_id": campaign_id,
                "campaign_name": data.get("campaignName"),
                "agent_id": _id(data["agentId"]),
                "agent_name": data.get("agentFullName"),
                "event_at": created_at,
                "report_date": _local_date(created_at, zone),
                "talk_seconds": int(
                    _coalesce(durations.get("talk"), durations.get("interaction"), 0)
                ),
                "hold_seconds": int(_coalesce(durations.get("hold"), 0)),
                "wrap_seconds": int(_coalesce(durations.get("wrap"), derived_wrap, 0)),
                "raw_disposition": _trimmed(data.get("wrapDescription")),
                **_classify_disposition(data.get("wrapDescription"), data.get("wrapCode")),
            }
        )
    return facts


def _campaign_names(truth: Any, facts: Iterable[dict[str, Any]]) -> dict[str | None, str]:
    seen: dict[str | None, list[tuple[datetime, str]]] = defaultdict(list)
    for fact in facts:
        if fact["campaign_name"] is not None:
            seen[fact["campaign_id"]].append((fact["event_at"], fact["campaign_name"]))
    names = {campaign_id: _latest_name(named) for campaign_id, named in seen.items()}
    for campaign in truth.campaigns or []:
        if campaign.get("campaignTitle") is not None:
            names[_id(campaign.get("campaignId"))] = campaign["campaignTitle"]
    return names


def _agent_names(truth: Any, interactions: Iterable[dict[str, Any]]) -> dict[str, str]:
    seen: dict[str, list[tuple[datetime, str]]] = defaultdict(list)
    for fact in interactions:
        if fact["agent_name"] is not None:
            seen[fact["agent_id"]].append((fact["event_at"], fact["agent_name"]))
    names = {agent_id: _latest_name(named) for agent_id, named in seen.items()}
    for user in truth.users or []:
        full_name = f"{user.get('firstName') or ''} {user.get('lastName') or ''}".strip()
        if full_name:
            names[_id(user.get("userId"))] = full_name
    return names


def _dial_outcomes_daily(attempts: list[Fact], campaign_names: dict) -> list[Fact]:
    groups: dict[tuple, list[dict[str, Any]]] = defaultdict(list)
    for fact in attempts:
        groups[(fact["campaign_id"], fact["report_date"], fact["timezone"])].append(fact)
    rows = []
    for (campaign_id, report_date, zone), facts in groups.items():
        counts = {column: 0 for column in OUTCOME_COUNT_COLUMNS.values()}
        for fact in facts:
            counts[OUTCOME_COUNT_COLUMNS[fact["outcome"]]] += 1
        attempts_count = len(facts)
        leads = len({fact["lead_key"] for fact in facts if fact["lead_key"] is not None})
        live = sum(fact["outcome"] in LIVE_OUTCOMES for fact in facts)
        connects = sum(fact["outcome"] in CONNECT_OUTCOMES for fact in facts)
        rows.append(
            {
                "source_system": SOURCE_SYSTEM,
                "campaign_id": campaign_id,
                "campaign_name": campaign_names.get(campaign_id),
                "report_date": report_date,
                "timezone": zone,
                "attempts": attempts_count,
                "leads_dialled": leads,
                **counts,
                "live_answers": live,
                "connects": connects,
                "connect_rate": _ratio(connects, attempts_count),
                "live_answer_rate": _ratio(live, attempts_count),
                "abandon_rate": _ratio(counts["abandoned"], live),
                "attempts_per_lead": _ratio(attempts_count, leads),
                "talk_seconds": sum(fact["talk_seconds"] for fact in facts),
            }
        )
    return rows


def _dispositions_daily(interactions: list[Fact], campaign_names: dict) -> list[Fact]:
    per_day: dict[tuple, int] = defaultdict(int)
    groups: dict[tuple, list[dict[str, Any]]] = defaultdict(list)
    for fact in interactions:
        per_day[(fact["campaign_id"], fact["report_date"])] += 1
        groups[(fact["campaign_id"], fact["report_date"], fact["disposition"])].append(fact)
    rows = []
    for (campaign_id, report_date, disposition), facts in groups.items():
        codes = [fact["disposition_code"] for fact in facts if fact["disposition_code"] is not None]
        is_success, is_contact, is_dnc, is_callback, is_final = facts[0]["flags"]
        calls = len(facts)
        talk = sum(fact["talk_seconds"] for fact in facts)
        hold = sum(fact["hold_seconds"] for fact in facts)
        wrap = sum(fact["wrap_seconds"] for fact in facts)
        rows.append(
            {
                "source_system": SOURCE_SYSTEM,
                "campaign_id": campaign_id,
                "campaign_name": campaign_names.get(campaign_id),
                "report_date": report_date,
                "disposition": disposition,
                "disposition_code": min(codes, default=None),
                "category": facts[0]["category"],
                "is_success": is_success,
                "is_contact": is_contact,
                "is_dnc": is_dnc,
                "is_callback": is_callback,
                "is_final": is_final,
                "calls": calls,
                "share_of_calls": _ratio(calls, per_day[(campaign_id, report_date)]),
                "talk_seconds": talk,
                "wrap_seconds": wrap,
                "avg_handle_seconds": _ratio(talk + hold + wrap, calls),
            }
        )
    return rows


def _agent_performance_daily(interactions: list[Fact], agent_names: dict) -> list[Fact]:
    groups: dict[tuple, list[dict[str, Any]]] = defaultdict(list)
    for fact in interactions:
        groups[(fact["agent_id"], fact["report_date"])].append(fact)
    rows = []
    for (agent_id, report_date), facts in groups.items():
        calls = len(facts)
        talk = sum(fact["talk_seconds"] for fact in facts)
        hold = sum(fact["hold_seconds"] for fact in facts)
        wrap = sum(fact["wrap_seconds"] for fact in facts)
        success = sum(fact["flags"][0] for fact in facts)
        rows.append(
            {
                "source_system": SOURCE_SYSTEM,
                "agent_id": agent_id,
                "agent_name": agent_names.get(agent_id),
                "report_date": report_date,
                "calls_handled": calls,
                "campaigns_worked": len({fact["campaign_id"] for fact in facts}),
                "talk_seconds": talk,
                "hold_seconds": hold,
                "wrap_seconds": wrap,
                "handle_seconds": talk + hold + wrap,
                "avg_handle_seconds": _ratio(talk + hold + wrap, calls),
                "success_calls": success,
                "contact_calls": sum(fact["flags"][1] for fact in facts),
                "conversion_rate": _ratio(success, calls),
            }
        )
    return rows


def _unmapped_statuses(attempts: list[Fact], interactions: list[Fact]) -> list[Fact]:
    """One row per kind and case-folded value; the raw text is the earliest spelling
    (on equal times the smaller text). A missing or blank dial status is listed as
    `(missing)`."""
    seen: dict[tuple[str, str], list[tuple[datetime, str]]] = defaultdict(list)
    for fact in attempts:
        if fact["outcome"] == "other":
            status = fact["status"] or MISSING_DIAL_STATUS
            seen[("dial_status", status.lower())].append((fact["event_at"], status))
    for fact in interactions:
        if fact["category"] == "unmapped":
            seen[("disposition", fact["raw_disposition"].lower())].append(
                (fact["event_at"], fact["raw_disposition"])
            )
    rows = []
    for (kind, _folded), occurrences in seen.items():
        first_seen, raw_value = min(occurrences)
        rows.append(
            {
                "source_system": SOURCE_SYSTEM,
                "kind": kind,
                "raw_value": raw_value,
                "occurrences": len(occurrences),
                "first_seen": first_seen,
                "last_seen": max(occurrences)[0],
            }
        )
    return rows


def _sorted(rows: list[dict[str, Any]], *keys: str) -> list[dict[str, Any]]:
    """Rows in grain order; a null key sorts last."""
    return sorted(rows, key=lambda row: tuple((row[key] is None, row[key]) for key in keys))


def compute_ipscape_marts(
    truth: Any, source_timezone: str = "Australia/Sydney"
) -> dict[str, list[dict[str, Any]]]:
    """The ipscape rows of each mart from `truth` (an object with the API items as lists
    of dicts: `activities, dialler_attempts, leads, lead_lists, campaigns, users`).

    `source_timezone` is the reporting zone of campaigns whose list item has no
    `timezone`. Durations are whole seconds.
    """
    zone_of = {
        _id(campaign.get("campaignId")): campaign["timezone"]
        for campaign in truth.campaigns or []
        if campaign.get("timezone")
    }
    attempts = _attempt_facts(truth, zone_of, source_timezone)
    interactions = _interaction_facts(truth, zone_of, source_timezone)
    campaign_names = _campaign_names(truth, [*attempts, *interactions])
    agent_names = _agent_names(truth, interactions)
    marts = {
        "dial_outcomes_daily": _sorted(
            _dial_outcomes_daily(attempts, campaign_names), "campaign_id", "report_date"
        ),
        "dispositions_daily": _sorted(
            _dispositions_daily(interactions, campaign_names),
            "campaign_id",
            "report_date",
            "disposition",
        ),
        "agent_performance_daily": _sorted(
            _agent_performance_daily(interactions, agent_names), "agent_id", "report_date"
        ),
        "unmapped_statuses": _sorted(
            _unmapped_statuses(attempts, interactions), "kind", "raw_value"
        ),
    }
    return {
        mart: [{column: row[column] for column in COLUMNS[mart]} for row in rows]
        for mart, rows in marts.items()
    }
