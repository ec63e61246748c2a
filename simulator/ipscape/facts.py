"""What the generator decides about each record, before any clock or JSON is applied.

All instants are integer epoch seconds (UTC); `zone` is the campaign's zone used to write
them. Ids are 0 until the whole local day is generated and numbered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from simulator.ipscape.catalog import Campaign, Person
from simulator.ipscape.vocabulary import (
    ABANDONED,
    ANSWERED,
    INVALID_NUMBER,
    WRAPS_COMPLETING_LEAD,
    Code,
)


@dataclass(slots=True, eq=False)
class LeadList:
    """One lead list of an outbound campaign (`GET /v3.0/leads/lists`)."""

    list_id: int
    name: str
    campaign: Campaign
    zone: ZoneInfo
    created: int
    weight: int

    @property
    def campaign_id(self) -> int:
        return self.campaign.campaign_id


@dataclass(slots=True, eq=False)
class Lead:
    """One uploaded lead with one phone; `attempts` are its dials in dial order."""

    campaign: Campaign
    zone: ZoneInfo
    lead_list: LeadList
    created: int
    phone: str
    full_name: str
    state: str
    age: int
    lead_id: int = 0
    attempts: list[Attempt] = field(default_factory=list)
    busy_until: int = 0  # end of its latest call: no second dial while on a call
    completed: bool = False  # known to the generator at once; visible per the clock

    @property
    def campaign_id(self) -> int:
        return self.campaign.campaign_id

    @property
    def list_id(self) -> int:
        return self.lead_list.list_id


@dataclass(slots=True, eq=False)
class CallEnding:
    """Agent-side facts of a handled call; hidden until the call's `reveal_at`."""

    agent: Person
    agent_name: str  # agentFullName as written on the fact's local day
    wrap: Code | None
    wrap_description: str | None  # as written (messy when messy_text_rate hits)
    hold: int  # seconds on hold, part of the interaction
    wrap_seconds: int


@dataclass(slots=True, eq=False)
class Attempt:
    """One dial of a lead; Answered and Abandoned dials also make a `call.outbound`
    activity with the same instants."""

    campaign: Campaign
    campaign_name: str  # as written on the fact's local day
    zone: ZoneInfo
    local_day: date
    lead: Lead
    dialled: int
    dial_status: Code
    answered: int | None
    hang_up: int
    ending: CallEnding | None  # only on Answered dials
    extra_durations: bool  # the activity also lists talk/hold/wrap
    reveal_at: int  # end-of-call fields (hangUp, wrap, ...) appear once clock >= this
    attempt_id: int = 0
    activity_id: int = 0  # 0 = no activity
    agent_interaction_id: int = 0

    activity_type = "call.outbound"

    @property
    def campaign_id(self) -> int:
        return self.campaign.campaign_id

    @property
    def lead_id(self) -> int:
        return self.lead.lead_id

    @property
    def created(self) -> int:
        """`timestamps.created` of its activity: the dial time."""
        return self.dialled

    @property
    def has_activity(self) -> bool:
        return self.dial_status.code in (ANSWERED.code, ABANDONED.code)

    @property
    def wrap_up(self) -> int | None:
        return self.hang_up + self.ending.wrap_seconds if self.ending else None

    @property
    def ends_at(self) -> int:
        """When the call, wrap-up included, is over."""
        return self.wrap_up or self.hang_up

    @property
    def completes_lead(self) -> bool:
        if self.dial_status.code == INVALID_NUMBER.code:
            return True
        wrap = self.ending.wrap if self.ending else None
        return wrap is not None and wrap.code in WRAPS_COMPLETING_LEAD


@dataclass(slots=True, eq=False)
class InboundCall:
    """One call into the inbound campaign: a `call.inbound` activity. `ending` is None
    when the caller hung up in the queue."""

    campaign: Campaign
    campaign_name: str
    zone: ZoneInfo
    local_day: date
    created: int
    caller: str
    ivr_seconds: int
    queue_seconds: int
    talk_seconds: int
    ending: CallEnding | None
    reveal_at: int
    quality_score: int
    survey_started: bool
    voicemail_seconds: int  # 0 = no voicemail left
    activity_id: int = 0
    agent_interaction_id: int = 0

    activity_type = "call.inbound"

    @property
    def campaign_id(self) -> int:
        return self.campaign.campaign_id

    @property
    def join_queue(self) -> int:
        return self.created + self.ivr_seconds

    @property
    def answered(self) -> int | None:
        return self.join_queue + self.queue_seconds if self.ending else None

    @property
    def hang_up(self) -> int:
        if self.ending is None:
            return self.join_queue + self.queue_seconds
        return self.answered + self.ending.hold + self.talk_seconds

    @property
    def wrap_up(self) -> int | None:
        return self.hang_up + self.ending.wrap_seconds if self.ending else None
