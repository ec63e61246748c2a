"""The fixed cast of the QVoice tenant: campaigns, agents and queues.

Agent renames are dated: a history row carries the name valid on its UTC day; the
queues report always shows the current name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from simulator.qvoice.ids import hex_id, uuid_id

LEAD_STAY_DAYS_EVENT_INVITES = 2


@dataclass(frozen=True)
class Campaign:
    """One QVoice campaign; `agent_extensions` are the agents who take its calls."""

    campaign_id: str  # 32 hex
    name: str
    status: str
    agent_extensions: tuple[str, ...]
    listed: bool = True  # False: absent from the status report and the leads endpoint
    active_days: int | None = None  # dials only on the first N days from start_date
    lead_stay_days: int | None = None  # leads leave the campaign this long after upload

    def is_active_on(self, day: date, start_date: date) -> bool:
        """Whether the campaign uploads leads and dials on this UTC day."""
        if day < start_date:
            return False
        return self.active_days is None or day < start_date + timedelta(days=self.active_days)


SALES = ("2001", "2002", "2003", "2004")
SERVICE = ("2004", "2005", "2006")

CAMPAIGNS: tuple[Campaign, ...] = (
    Campaign("a1f0c3d2e4b5a6978877665544332211", "Solar Leads", "running", SALES),
    Campaign("b2e1d4c3f5a6b7089988776655443322", "Insurance Renewals", "running", SERVICE),
    Campaign(
        "c3d2e5f4a6b7c8190099887766554433",
        "Event Invites",
        "running",
        SALES + SERVICE[1:],
        lead_stay_days=LEAD_STAY_DAYS_EVENT_INVITES,
    ),
    Campaign(
        "d4c3f6e5a7b8c9201100998877665544",
        "Old Promo",
        "stopped",
        SALES,
        listed=False,
        active_days=2,
    ),
)
CAMPAIGNS_BY_ID = {campaign.campaign_id: campaign for campaign in CAMPAIGNS}
LISTED_CAMPAIGNS = tuple(campaign for campaign in CAMPAIGNS if campaign.listed)


@dataclass(frozen=True)
class Agent:
    """One agent (a user with an extension). `old_last_name` is shown on history rows
    dated before start_date + `renamed_after_days`."""

    extension: str
    first_name: str
    last_name: str
    tag: str
    extension_is_valid: bool = True
    old_last_name: str | None = None
    renamed_after_days: int = 0

    @property
    def agent_id(self) -> str:
        return hex_id("qvoice", "agent", self.extension)

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def last_name_on(self, day: date, start_date: date) -> str:
        """The last name written on a history row dated `day` (UTC)."""
        if self.old_last_name and day < start_date + timedelta(days=self.renamed_after_days):
            return self.old_last_name
        return self.last_name

    def name_on(self, day: date, start_date: date) -> str:
        """The `agent_name` written on a history row dated `day` (UTC)."""
        return f"{self.first_name} {self.last_name_on(day, start_date)}"


AGENTS: tuple[Agent, ...] = (
    Agent("2001", "Mia", "Chen", "Tier 1"),
    Agent("2002", "Lucas", "Reyes", "Tier 1"),
    Agent("2003", "Ava", "Patel", "Tier 2"),
    Agent("2004", "Noah", "Kim", "Tier 2"),
    Agent("2005", "Zara", "Ahmed", "Tier 1", extension_is_valid=False),
    Agent("2006", "Sofia", "Rossi", "Tier 2", old_last_name="Marino", renamed_after_days=2),
)
AGENTS_BY_EXTENSION = {agent.extension: agent for agent in AGENTS}
TAG_COLORS = {"Tier 1": "#1f77b4", "Tier 2": "#b306f1"}


@dataclass(frozen=True)
class Queue:
    """One call-center queue with its member agents."""

    name: str
    extension: str
    strategy: str
    max_time_caller_in_queue: int  # seconds
    agent_extensions: tuple[str, ...]

    @property
    def queue_id(self) -> str:
        return uuid_id("qvoice", "queue", self.name)


QUEUES: tuple[Queue, ...] = (
    Queue("Sales", "5001", "single", 120, SALES),
    Queue("Service", "5002", "longest-idle", 300, SERVICE),
)
