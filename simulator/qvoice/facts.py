"""What the generator decides about each lead and dial, before any clock or JSON.

All instants are integer unix seconds (UTC).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from simulator.qvoice.catalog import Agent, Campaign
from simulator.qvoice.vocabulary import FAILING_DISPOSITIONS, SUCCESS_DISPOSITIONS

DialOrder = tuple[int, int, int]  # (timestamp, campaign rank, index in its campaign-day)
LeadOrder = tuple[int, str]  # (created, id)


@dataclass(slots=True, eq=False)
class Lead:
    """One uploaded lead; `dials` are its dials in time order."""

    campaign: Campaign
    lead_id: str  # 32 hex
    created: int
    number: str
    first_name: str
    last_name: str
    priority: int
    leaves_at: int | None  # leaves the campaign at this instant (None: stays)
    dials: list[Dial] = field(default_factory=list)
    busy_until: int = 0  # end of its latest call: no second dial while on a call
    final: bool = False  # known to the generator at once; visible per the clock

    @property
    def order(self) -> LeadOrder:
        return (self.created, self.lead_id)

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def is_in_campaign(self, clock: float) -> bool:
        """Uploaded by `clock` and not yet gone."""
        return self.created <= clock and (self.leaves_at is None or clock < self.leaves_at)


@dataclass(slots=True, eq=False)
class Dial:
    """One dial of a lead: one leads-history row. Only answered dials have an agent and a
    disposition; those are hidden (written "" / 0) until `reveal_at`."""

    campaign: Campaign
    campaign_rank: int  # the campaign's position in the catalog: breaks timestamp ties
    index: int  # position among its campaign-day's dials, in time order
    day: date  # UTC day it was generated on
    lead: Lead
    timestamp: int  # dial time
    status: str
    hangup_cause: str
    answered_time: int | None
    talk_seconds: int  # agent talk time; 0 unless answered
    agent: Agent | None
    agent_last_name: str  # as written on the dial's day ("" without agent)
    disposition: str | None  # the true disposition (None: the agent set none)
    disposition_text: str  # as written (messy when messy_text_rate hits)
    call_id: str | None  # None: the platform left `call_id` out
    reveal_at: int  # disposition and talk time appear once clock >= this
    event_uuid: str
    fraction: float  # sub-second part of the `lead_history` float instants

    @property
    def order(self) -> DialOrder:
        return (self.timestamp, self.campaign_rank, self.index)

    @property
    def ends_at(self) -> int:
        """When the call is over (talk included)."""
        if self.answered_time is None:
            return self.timestamp
        return self.answered_time + self.talk_seconds

    @property
    def is_success(self) -> bool:
        return self.disposition in SUCCESS_DISPOSITIONS

    @property
    def fails_lead(self) -> bool:
        return self.disposition in FAILING_DISPOSITIONS
