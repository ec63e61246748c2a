"""The marts recomputed in plain Python from the simulators' ground truth.

An independent second implementation of `docs/warehouse.md` / the marts contract, written
without DuckDB, dbt or SQL, so that end-to-end tests can compare what the warehouse built
against what it should have built. `compute_ipscape_marts(world.ground_truth())`,
`compute_qvoice_marts(...)` and `compute_cloudagent_marts(...)` return the four daily
marts of one source, and
`expected_lead_status_history(snapshots)` the lead status history a series of nightly
runs should leave. Each mart is a list of row dicts with exactly the contract's columns,
in its order: ids `str`, `report_date` `datetime.date`, counts and seconds `int`, rates
and averages `float` (or `None` over a zero denominator), flags `bool`, `first_seen`/
`last_seen`/`valid_from`/`valid_to` aware UTC datetimes. Rows are sorted by each mart's
grain; row order is not part of the contract.

Facts whose start time (ipSCAPE `timestamps.dialled` / `data.timestamps.created`,
QVoice `timestamp`) is missing cannot be dated and are left out; the simulators always
send it. A CloudAgent row without `lastDialedTime` is a lead never dialled, not an
attempt.
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


def _agent_names_on_facts(interactions: Iterable[dict[str, Any]]) -> dict[str, str]:
    """Agent id -> the name on that agent's most recent interaction that has one."""
    seen: dict[str, list[tuple[datetime, str]]] = defaultdict(list)
    for fact in interactions:
        if fact["agent_name"] is not None:
            seen[fact["agent_id"]].append((fact["event_at"], fact["agent_name"]))
    return {agent_id: _latest_name(named) for agent_id, named in seen.items()}


def _agent_names(truth: Any, interactions: Iterable[dict[str, Any]]) -> dict[str, str]:
    names = _agent_names_on_facts(interactions)
    for user in truth.users or []:
        full_name = f"{user.get('firstName') or ''} {user.get('lastName') or ''}".strip()
        if full_name:
            names[_id(user.get("userId"))] = full_name
    return names


def _dial_outcomes_daily(
    attempts: list[Fact], campaign_names: dict, source_system: str = SOURCE_SYSTEM
) -> list[Fact]:
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
                "source_system": source_system,
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


def _dispositions_daily(
    interactions: list[Fact], campaign_names: dict, source_system: str = SOURCE_SYSTEM
) -> list[Fact]:
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
                "source_system": source_system,
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


def _agent_performance_daily(
    interactions: list[Fact], agent_names: dict, source_system: str = SOURCE_SYSTEM
) -> list[Fact]:
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
                "source_system": source_system,
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


def _unmapped_statuses(
    attempts: list[Fact], interactions: list[Fact], source_system: str = SOURCE_SYSTEM
) -> list[Fact]:
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
                "source_system": source_system,
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


# --- QVoice -----------------------------------------------------------------------------

QVOICE = "qvoice"

# The default seed `dial_status_outcomes.csv` for qvoice, keyed by lower-case status.
QVOICE_DIAL_STATUS_OUTCOMES: dict[str, str] = {
    "answered": "human_answer",
    "no_answer": "no_answer",
    "busy": "busy",
    "voicemail": "machine",
    "abandoned": "abandoned",
    "failed": "failed",
}


def _history_key(row: dict[str, Any]) -> str:
    """`call_id`, else `timestamp|lead_number|campaign_name` (~5 % of rows have no id)."""
    call_id = _trimmed(row.get("call_id"))
    if call_id:
        return call_id
    return f"{row.get('timestamp')}|{row.get('lead_number')}|{row.get('campaign_name')}"


def _qvoice_history(truth: Any) -> list[dict[str, Any]]:
    """One row per history key (a later row replaces an earlier one, as a merge does);
    rows without a `timestamp` cannot be dated and are left out."""
    rows = {_history_key(row): row for row in truth.leads_history or []}
    return [row for row in rows.values() if row.get("timestamp") not in (None, "")]


def _qvoice_campaigns(truth: Any) -> dict[str, str]:
    """Campaign name -> id from the status report (the smallest id if names repeat)."""
    ids: dict[str, str] = {}
    for campaign_id, campaign in sorted((truth.campaigns_status or {}).items(), reverse=True):
        name = _get(campaign, "name")
        if name is not None:
            ids[name] = _id(campaign_id)
    return ids


def _qvoice_facts(
    truth: Any, zone: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str | None, str | None]]:
    """(attempts, agent interactions, campaign id -> current name) from the history rows."""
    id_of = _qvoice_campaigns(truth)
    campaign_names: dict[str | None, str | None] = {}
    attempts, interactions = [], []
    for row in _qvoice_history(truth):
        at = datetime.fromtimestamp(int(row["timestamp"]), UTC)
        name = row.get("campaign_name")
        campaign_id = id_of.get(name, name)
        campaign_names[campaign_id] = name  # the listed name, or the name itself
        common = {
            "campaign_id": campaign_id,
            "campaign_name": name,
            "event_at": at,
            "timezone": zone,
            "report_date": _local_date(at, zone),
        }
        talk = int(row.get("agent_talk_time") or 0)
        status = _trimmed(row.get("status"))
        outcome = QVOICE_DIAL_STATUS_OUTCOMES.get((status or "").lower(), "other")
        attempts.append(
            {
                **common,
                "status": status,
                "outcome": outcome,
                "lead_key": _id(row.get("lead_number")),
                "talk_seconds": talk if outcome in CONNECT_OUTCOMES else 0,
            }
        )
        agent_name = _trimmed(row.get("agent_name"))
        if agent_name:
            interactions.append(
                {
                    **common,
                    "agent_id": _trimmed(row.get("agent_extension")),
                    "agent_name": agent_name,
                    "talk_seconds": talk,
                    "hold_seconds": 0,
                    "wrap_seconds": 0,
                    "raw_disposition": _trimmed(row.get("disposition")),
                    **_classify_disposition(row.get("disposition"), None),
                }
            )
    return attempts, interactions, campaign_names


def _qvoice_agent_names(truth: Any, interactions: Iterable[dict[str, Any]]) -> dict[str, str]:
    seen: dict[str, list[tuple[datetime, str]]] = defaultdict(list)
    for fact in interactions:
        seen[fact["agent_id"]].append((fact["event_at"], fact["agent_name"]))
    names = {agent_id: _latest_name(named) for agent_id, named in seen.items()}
    listed: dict[str, str] = {}
    for queue in truth.queues_status or []:
        for agent in queue.get("agents") or []:
            extension = _trimmed(agent.get("extension"))
            if extension and agent.get("name") is not None:
                listed.setdefault(extension, agent["name"])  # the first queue listing it
    return {**names, **listed}


def compute_qvoice_marts(
    truth: Any, source_timezone: str = "UTC"
) -> dict[str, list[dict[str, Any]]]:
    """The qvoice rows of each mart from `truth` (an object with `leads_history`,
    `campaigns_status`, `queues_status`, `campaign_leads` as served).

    Every QVoice campaign reports in `source_timezone` (the API gives no campaign zone).
    One attempt per history row (keyed by `call_id`, else `timestamp|lead_number|
    campaign_name`); a row naming an agent is also an agent interaction, with talk =
    `agent_talk_time`, no hold, no wrap and no disposition codes.
    """
    attempts, interactions, campaign_names = _qvoice_facts(truth, source_timezone)
    agent_names = _qvoice_agent_names(truth, interactions)
    marts = {
        "dial_outcomes_daily": _sorted(
            _dial_outcomes_daily(attempts, campaign_names, QVOICE), "campaign_id", "report_date"
        ),
        "dispositions_daily": _sorted(
            _dispositions_daily(interactions, campaign_names, QVOICE),
            "campaign_id",
            "report_date",
            "disposition",
        ),
        "agent_performance_daily": _sorted(
            _agent_performance_daily(interactions, agent_names, QVOICE), "agent_id", "report_date"
        ),
        "unmapped_statuses": _sorted(
            _unmapped_statuses(attempts, interactions, QVOICE), "kind", "raw_value"
        ),
    }
    return {
        mart: [{column: row[column] for column in COLUMNS[mart]} for row in rows]
        for mart, rows in marts.items()
    }


# --- CloudAgent -------------------------------------------------------------------------

CLOUDAGENT = "cloudagent"

# The default seed `dial_status_outcomes.csv` for cloudagent, keyed by lower-case status.
CLOUDAGENT_DIAL_STATUS_OUTCOMES: dict[str, str] = {
    "answered": "human_answer",
    "noanswer": "no_answer",
    "user_disconnected": "abandoned",
    "fail": "failed",
}


def _naive_local(value: Any, zone: str) -> datetime | None:
    """A CloudAgent `YYYY-MM-DD HH:MM:SS` wall time in the account zone, aware (the zone
    attached, never converted); None when blank."""
    text = _trimmed(value)
    if not text:
        return None
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is not None:
        raise ValueError(f"CloudAgent time with an offset: {value!r}")
    return parsed.replace(tzinfo=ZoneInfo(zone))


def _cloudagent_lead_key(row: dict[str, Any]) -> str | None:
    """The trimmed `leadId`, else the phone number (marked, so an id and a number that
    happen to be spelled alike stay two leads); None when the row has neither."""
    lead_id = _trimmed(row.get("leadId"))
    if lead_id:
        return lead_id
    phone = _trimmed(row.get("phoneNumber"))
    return f"phone:{phone}" if phone else None


def _cloudagent_seconds(value: Any) -> int:
    """`callDuration` as whole seconds: an int in JSON, digits in a CSV; blank is 0."""
    if isinstance(value, int | float):
        return int(value)
    text = _trimmed(value)
    return int(text) if text else 0


def _cloudagent_attempt_rows(truth: Any, zone: str) -> list[tuple[datetime, dict[str, Any]]]:
    """(local dial time, row) of the winning row of each attempt: one per (campaignName,
    lead, lastDialedTime), the latest `updatedDate` winning (a row without one loses to
    a row with one) and, on equal `updatedDate`s, the row delivered last. Rows never
    dialled are left out."""
    winners: dict[tuple, tuple[tuple, datetime, dict[str, Any]]] = {}
    for row in truth.delivered_rows or []:
        dialled_at = _naive_local(row.get("lastDialedTime"), zone)
        if dialled_at is None:
            continue
        key = (row.get("campaignName"), _cloudagent_lead_key(row), dialled_at)
        updated_at = _naive_local(row.get("updatedDate"), zone)
        rank = (updated_at is not None, updated_at or dialled_at)
        if key not in winners or rank >= winners[key][0]:  # >=: the later delivery
            winners[key] = (rank, dialled_at, row)
    return [(dialled_at, row) for _rank, dialled_at, row in winners.values()]


def _cloudagent_facts(truth: Any, zone: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(attempts, agent interactions) from the delivered callback rows."""
    attempts, interactions = [], []
    for dialled_at, row in _cloudagent_attempt_rows(truth, zone):
        name = row.get("campaignName")
        common = {
            "campaign_id": _id(name),
            "campaign_name": name,
            "event_at": dialled_at.astimezone(UTC),
            "timezone": zone,
            "report_date": dialled_at.date(),  # the wall clock's own date
        }
        talk = _cloudagent_seconds(row.get("callDuration"))
        status = _trimmed(row.get("dialStatus"))
        outcome = CLOUDAGENT_DIAL_STATUS_OUTCOMES.get((status or "").lower(), "other")
        attempts.append(
            {
                **common,
                "status": status,
                "outcome": outcome,
                "lead_key": _cloudagent_lead_key(row),
                "talk_seconds": talk if outcome in CONNECT_OUTCOMES else 0,
            }
        )
        agent_id = _trimmed(row.get("agentId"))
        if agent_id:
            interactions.append(
                {
                    **common,
                    "agent_id": agent_id,
                    "agent_name": _trimmed(row.get("agentName")) or None,
                    "talk_seconds": talk,
                    "hold_seconds": 0,
                    "wrap_seconds": 0,
                    "raw_disposition": _trimmed(row.get("disposition")),
                    **_classify_disposition(row.get("disposition"), None),
                }
            )
    return attempts, interactions


def compute_cloudagent_marts(
    truth: Any, account_timezone: str = "Asia/Kolkata"
) -> dict[str, list[dict[str, Any]]]:
    """The cloudagent rows of each mart from `truth` (an object whose `delivered_rows` are
    the callback rows as delivered, duplicates included, in delivery order, each with its
    `campaignName`).

    CloudAgent times are naive wall times in `account_timezone`, which is also every
    campaign's reporting zone; `campaign_id` is the campaign name. One attempt per
    (campaignName, lead, lastDialedTime), lead = `leadId`, else `phoneNumber`; a winning
    row with an `agentId` is also an agent interaction, with talk = `callDuration`, no
    hold, no wrap and no disposition codes. Agent names are the latest non-blank
    `agentName` on the agent's calls (CloudAgent has no user list).
    """
    attempts, interactions = _cloudagent_facts(truth, account_timezone)
    campaign_names = {fact["campaign_id"]: fact["campaign_name"] for fact in attempts}
    agent_names = _agent_names_on_facts(interactions)  # no user list to prefer
    marts = {
        "dial_outcomes_daily": _sorted(
            _dial_outcomes_daily(attempts, campaign_names, CLOUDAGENT),
            "campaign_id",
            "report_date",
        ),
        "dispositions_daily": _sorted(
            _dispositions_daily(interactions, campaign_names, CLOUDAGENT),
            "campaign_id",
            "report_date",
            "disposition",
        ),
        "agent_performance_daily": _sorted(
            _agent_performance_daily(interactions, agent_names, CLOUDAGENT),
            "agent_id",
            "report_date",
        ),
        "unmapped_statuses": _sorted(
            _unmapped_statuses(attempts, interactions, CLOUDAGENT), "kind", "raw_value"
        ),
    }
    return {
        mart: [{column: row[column] for column in COLUMNS[mart]} for row in rows]
        for mart, rows in marts.items()
    }


# --- lead_status_history ----------------------------------------------------------------

LEAD_STATUS_HISTORY_COLUMNS = (
    "source_system",
    "lead_id",
    "campaign_id",
    "status",
    "valid_from",
    "valid_to",
)


def expected_lead_status_history(
    snapshots: Iterable[tuple[datetime, Iterable[dict[str, Any]]]],
    source_system: str = QVOICE,
) -> list[dict[str, Any]]:
    """`marts.lead_status_history` from the lead lists of successive nightly runs.

    `snapshots` is `(snapshot_at, leads)` in time order, each `leads` the full list of
    leads (`id`, `campaign_id`, `status`) present then. Per lead, one row per run of
    consecutive snapshots with the same (status, campaign_id): `valid_from` is the
    snapshot where the run began, `valid_to` the first snapshot where the lead differs or
    is absent, None while the run is current in the last snapshot. A lead that comes back
    after an absence starts a new row. Rows are sorted by (lead_id, valid_from).
    """
    rows: list[dict[str, Any]] = []
    open_rows: dict[str, dict[str, Any]] = {}  # lead id -> its current row
    for snapshot_at, leads in snapshots:
        present: dict[str, tuple[Any, str | None]] = {
            _id(lead["id"]): (lead.get("status"), _id(lead.get("campaign_id"))) for lead in leads
        }
        for lead_id, row in list(open_rows.items()):
            if present.get(lead_id) != (row["status"], row["campaign_id"]):
                row["valid_to"] = snapshot_at
                del open_rows[lead_id]
        for lead_id, (status, campaign_id) in present.items():
            if lead_id not in open_rows:
                open_rows[lead_id] = {
                    "source_system": source_system,
                    "lead_id": lead_id,
                    "campaign_id": campaign_id,
                    "status": status,
                    "valid_from": snapshot_at,
                    "valid_to": None,
                }
                rows.append(open_rows[lead_id])
    return _sorted(rows, "lead_id", "valid_from")
