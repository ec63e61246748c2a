"""Per-record checks and fixes, applied to each item before it is loaded.

Each fixer checks the fields a record cannot be loaded without (its key, its cursor,
durations that are not negative) and parses its `timestamps` into UTC in place. A bad
record raises BadRecordError naming the resource, the record and the field, and
`fixed_pages` sets it aside in the source's quarantine.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sources.common.quarantine import Quarantine, RecordFix, check_not_negative
from sources.ipscape.helpers import normalize_timestamps, require


def fix_attempt(attempt: dict, zone: str) -> dict:
    attempt_id = require(attempt, "attemptId", "dialler_attempts", None)
    require(attempt.get("timestamps") or {}, "dialled", "dialler_attempts", attempt_id)
    normalize_timestamps(attempt, attempt.get("timestamps"), "dialler_attempts", attempt_id, zone)
    return attempt


def fix_activity(activity: dict, zone: str) -> dict:
    data = require(activity, "data", "activities", None)
    activity_id = require(data, "activityId", "activities", None)
    require(data.get("timestamps") or {}, "created", "activities", activity_id)
    check_not_negative(data, data.get("durations"), "activities", activity_id)
    normalize_timestamps(data, data.get("timestamps"), "activities", activity_id, zone)
    survey = data.get("survey")
    if isinstance(survey, dict):
        normalize_timestamps(
            data, survey, "activities", activity_id, zone, "survey", ("startTimestamp",)
        )
    return activity


def fix_lead(lead: dict, zone: str) -> dict:
    lead_id = require(lead, "leadId", "leads", None)
    require(lead.get("timestamps") or {}, "created", "leads", lead_id)
    normalize_timestamps(lead, lead.get("timestamps"), "leads", lead_id, zone)
    return lead


def fix_lead_list(lead_list: dict, zone: str) -> dict:
    list_id = require(lead_list, "id", "lead_lists", None)
    normalize_timestamps(lead_list, lead_list.get("timestamps"), "lead_lists", list_id, zone)
    return lead_list


def check_campaign(campaign: dict, zone: str) -> dict:
    require(campaign, "campaignId", "campaigns", None)
    return campaign


def check_user(user: dict, zone: str) -> dict:
    require(user, "userId", "users", None)
    return user


def fixed_pages(
    pages: Iterable[list[dict]], fix: RecordFix, zone: str, quarantine: Quarantine
) -> Iterator[list[dict]]:
    """The same pages, every record passed through `fix` (in place); a record that
    cannot be loaded goes to `quarantine` instead, and the rest of its page loads."""
    for page in pages:
        kept = quarantine.kept(page, fix, zone)
        if kept:
            yield kept
