"""The fixed cast of the ipSCAPE tenant: campaigns, agents and back-office users.

Renames are dated: a fact (activity or dialler attempt) carries the name that was valid
on its local day; the campaign and user lists always show the current name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache


@dataclass(frozen=True)
class Campaign:
    """One ipSCAPE campaign. `zone` is None when the item has no own `timezone`."""

    campaign_id: int
    title: str
    campaign_type: str  # "Inbound" | "Outbound"
    zone: str | None
    description: str
    group_name: str
    is_running: bool
    allow_transfer_to_any_phone: bool
    caller_id: str  # the campaign's own number (outbound source, inbound destination)
    listed: bool = True  # False: deleted, absent from GET /v3.0/campaigns
    old_title: str | None = None
    renamed_after_days: int = 0  # facts dated before start_date + this carry old_title
    only_first_day: bool = False
    dials_on_sunday: bool = True

    @property
    def is_inbound(self) -> bool:
        return self.campaign_type == "Inbound"

    def zone_name(self, source_timezone: str) -> str:
        """The zone its times are written in: its own, else the tenant's source zone."""
        return self.zone or source_timezone

    def title_on(self, local_day: date, start_date: date) -> str:
        """The campaign name written on a fact dated `local_day`."""
        if self.old_title and local_day < start_date + timedelta(days=self.renamed_after_days):
            return self.old_title
        return self.title

    def is_active_on(self, local_day: date, start_date: date) -> bool:
        """Whether the campaign uploads leads and dials (outbound) on this local day."""
        if local_day < start_date:
            return False
        if self.only_first_day and local_day != start_date:
            return False
        return self.dials_on_sunday or local_day.weekday() != 6


CAMPAIGNS: tuple[Campaign, ...] = (
    Campaign(
        campaign_id=1, title="Support Inbound", campaign_type="Inbound", zone=None,
        description="Customer support line", group_name="Service", is_running=True,
        allow_transfer_to_any_phone=True, caller_id="+61290000001",
    ),
    Campaign(
        campaign_id=2, title="Sales Outbound", campaign_type="Outbound", zone=None,
        description="New customer sales", group_name="Sales", is_running=True,
        allow_transfer_to_any_phone=False, caller_id="+61290000002",
    ),
    Campaign(
        campaign_id=3, title="Renewals WA", campaign_type="Outbound", zone="Australia/Perth",
        description="Policy renewals in WA", group_name="Retention", is_running=True,
        allow_transfer_to_any_phone=False, caller_id="+61890000003",
    ),
    Campaign(
        campaign_id=4, title="Collections QLD", campaign_type="Outbound",
        zone="Australia/Brisbane", description="Overdue accounts in QLD",
        group_name="Collections", is_running=True, allow_transfer_to_any_phone=False,
        caller_id="+61730000004", dials_on_sunday=False,
    ),
    Campaign(
        campaign_id=5, title="Win-back", campaign_type="Outbound", zone=None,
        description="Former customers", group_name="Retention", is_running=True,
        allow_transfer_to_any_phone=True, caller_id="+61290000005",
        old_title="Winback Trial", renamed_after_days=3,
    ),
    Campaign(
        campaign_id=6, title="Legacy Promo", campaign_type="Outbound", zone=None,
        description="Spring promotion (retired)", group_name="Sales", is_running=False,
        allow_transfer_to_any_phone=False, caller_id="+61290000006", listed=False,
        only_first_day=True,
    ),
)  # fmt: skip
CAMPAIGNS_BY_ID = {campaign.campaign_id: campaign for campaign in CAMPAIGNS}


@dataclass(frozen=True)
class Person:
    """An ipSCAPE user; agents take calls. `old_last_name` is shown on facts dated
    before start_date + `renamed_after_days`."""

    user_id: int
    first_name: str
    last_name: str
    user_type: str  # "agent" | "user"
    timezone: str
    teams: str
    campaign_ids: tuple[int, ...]
    status: str
    time_in_status: str
    is_logged_in: bool
    account_is_active: bool = True
    listed: bool = True  # False: deleted, absent from GET /v3.0/users
    old_last_name: str | None = None
    renamed_after_days: int = 0

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def full_name_on(self, local_day: date, start_date: date) -> str:
        """The `agentFullName` written on a fact dated `local_day`."""
        if self.old_last_name and local_day < start_date + timedelta(days=self.renamed_after_days):
            return f"{self.first_name} {self.old_last_name}"
        return self.full_name


_SYD, _PER, _BNE = "Australia/Sydney", "Australia/Perth", "Australia/Brisbane"
# fmt: off
PEOPLE: tuple[Person, ...] = (
    # id, first, last, type, timezone, teams, campaigns, status, timeInStatus, isLoggedIn
    Person(1001, "Olivia", "Smith", "agent", _SYD, "Service", (1, 6), "Available", "00:04:12",
           True),
    Person(1002, "John", "Doe", "agent", _SYD, "Sales", (1, 2, 6), "On Call", "00:01:37", True),
    Person(1003, "Emma", "Walsh", "agent", _SYD, "Retention", (1, 5), "Available", "00:10:05",
           True, old_last_name="Brown", renamed_after_days=2),
    Person(1004, "Liam", "Nguyen", "agent", _SYD, "Service", (1,), "Paused", "00:02:44", True),
    Person(1005, "Noah", "Williams", "agent", _SYD, "Sales", (2, 5), "Available", "00:00:52",
           True),
    Person(1006, "Ava", "Taylor", "agent", _SYD, "Sales", (2, 5), "Offline", "14:20:00", False),
    Person(1007, "Jack", "Wilson", "agent", _PER, "Retention", (3,), "On Call", "00:03:18",
           True),
    Person(1008, "Mia", "Anderson", "agent", _PER, "Retention", (3, 4), "Available", "00:07:40",
           True),
    Person(1009, "Lucas", "Thompson", "agent", _BNE, "Collections", (4,), "Wrap Up", "00:00:21",
           True),
    Person(1010, "Chloe", "Martin", "agent", _SYD, "Sales", (1, 2), "Offline", "72:00:00", False,
           listed=False),
    Person(2001, "Grace", "Harris", "user", _SYD, "Management", (1, 2, 3, 4, 5), "Offline",
           "09:15:00", False),
    Person(2002, "Henry", "Clark", "user", _SYD, "Reporting", (), "Offline", "300:00:00", False,
           account_is_active=False),
)
# fmt: on
PEOPLE_BY_ID = {person.user_id: person for person in PEOPLE}


@cache
def agents_of(campaign_id: int) -> tuple[Person, ...]:
    """Agents who take calls on a campaign, in user id order."""
    return tuple(p for p in PEOPLE if p.user_type == "agent" and campaign_id in p.campaign_ids)
