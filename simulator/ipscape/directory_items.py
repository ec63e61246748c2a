"""Items of the small, slowly changing resources: campaigns, lead lists and users.
They show current names."""

from __future__ import annotations

from typing import Any

from simulator.ipscape.catalog import CAMPAIGNS_BY_ID, Campaign, Person
from simulator.ipscape.facts import LeadList
from simulator.ipscape.timestamps import format_timestamp, offset_style


def campaign_item(campaign: Campaign) -> dict[str, Any]:
    """One `GET /v3.0/campaigns` item; `timezone` only when the campaign has its own."""
    item: dict[str, Any] = {
        "campaignId": campaign.campaign_id,
        "campaignTitle": campaign.title,
        "campaignDescription": campaign.description,
        "campaignType": campaign.campaign_type,
        "campaignGroupName": campaign.group_name,
        "isRunning": campaign.is_running,
        "allowTransferToAnyPhone": campaign.allow_transfer_to_any_phone,
    }
    if campaign.zone:
        item["timezone"] = campaign.zone
    return item


def lead_list_item(lead_list: LeadList) -> dict[str, Any]:
    """One `GET /v3.0/leads/lists` item."""
    created = format_timestamp(lead_list.created, lead_list.zone, offset_style(lead_list.list_id))
    return {
        "id": lead_list.list_id,
        "name": lead_list.name,
        "campaignId": lead_list.campaign_id,
        "campaignName": lead_list.campaign.title,
        "inDialler": True,
        "weight": lead_list.weight,
        "timestamps": {"created": created},
    }


def user_item(person: Person) -> dict[str, Any]:
    """One `GET /v3.0/users` item; `teams` and `assignedCampaigns` are comma-separated."""
    username = f"{person.first_name}.{person.last_name}".lower()
    campaigns = [CAMPAIGNS_BY_ID[cid] for cid in person.campaign_ids]
    return {
        "userId": person.user_id,
        "userTimezone": person.timezone,
        "firstName": person.first_name,
        "lastName": person.last_name,
        "username": username,
        "isLoggedIn": person.is_logged_in,
        "userType": person.user_type,
        "email": f"{username}@example.com.au",
        "teams": person.teams,
        "assignedCampaigns": ", ".join(c.title for c in campaigns if c.listed),
        "status": person.status,
        "timeInStatus": person.time_in_status,
        "accountIsActive": person.account_is_active,
    }
