"""The ipSCAPE world's feeds as data: each one's sort key, filters, record id, how an
item is rendered and what state of a record its item depends on."""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any

from simulator.ipscape.call_items import activity_item, attempt_item
from simulator.ipscape.directory_items import lead_list_item, user_item
from simulator.ipscape.feed import Feed
from simulator.ipscape.lead_items import lead_item
from simulator.ipscape.rendered import (
    RenderedItems,
    call_state,
    fixed_state,
    lead_state,
)

ACTIVITIES = "activities"
DIALLER_ATTEMPTS = "dialler_attempts"
LEADS = "leads"
LEAD_LISTS = "lead_lists"
USERS = "users"

RECORD_IDS: dict[str, Callable[[Any], int]] = {
    ACTIVITIES: attrgetter("activity_id"),
    DIALLER_ATTEMPTS: attrgetter("attempt_id"),
    LEADS: attrgetter("lead_id"),
    LEAD_LISTS: attrgetter("list_id"),
    USERS: attrgetter("user_id"),
}
RENDER: dict[str, Callable[[Any, float], dict[str, Any]]] = {
    ACTIVITIES: activity_item,
    DIALLER_ATTEMPTS: attempt_item,
    LEADS: lead_item,
    LEAD_LISTS: lambda lead_list, _clock: lead_list_item(lead_list),
    USERS: lambda person, _clock: user_item(person),
}
STATE: dict[str, Callable[[Any, float], Any]] = {
    ACTIVITIES: call_state,
    DIALLER_ATTEMPTS: call_state,
    LEADS: lead_state,
    LEAD_LISTS: fixed_state,
    USERS: fixed_state,
}


def build_feeds() -> dict[str, Feed]:
    """Empty feeds: records sorted by (timestamp, id), the filters each accepts."""
    campaign_id, activity_type = attrgetter("campaign_id"), attrgetter("activity_type")
    return {
        ACTIVITIES: Feed(
            lambda r: (r.created, r.activity_id),
            {"campaignId": campaign_id, "activityType": activity_type},
            indexed=("campaignId", "activityType"),
        ),
        DIALLER_ATTEMPTS: Feed(
            lambda r: (r.dialled, r.attempt_id),
            {"campaignId": campaign_id, "leadId": attrgetter("lead_id")},
            indexed=("leadId", "campaignId"),
        ),
        LEADS: Feed(
            lambda r: (r.created, r.lead_id),
            {"campaignId": campaign_id, "listId": attrgetter("list_id")},
            indexed=("listId", "campaignId"),
        ),
        LEAD_LISTS: Feed(lambda r: (r.created, r.list_id), {"campaignId": campaign_id}),
        USERS: Feed(
            lambda r: (0, r.user_id),
            {
                "userType": attrgetter("user_type"),
                "accountActive": attrgetter("account_is_active"),
            },
        ),
    }


def build_rendered() -> dict[str, RenderedItems]:
    """Empty kept-bytes stores, one per feed."""
    return {name: RenderedItems(RENDER[name], STATE[name]) for name in RENDER}
