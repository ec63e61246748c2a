"""What the generator decides about each lead and dial, before any clock or JSON, and
the states a lead's dial status row goes through.

All instants are integer unix seconds (UTC).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date
from operator import attrgetter

from simulator.cloudagent.catalog import Agent, Campaign
from simulator.cloudagent.vocabulary import (
    FAILING_DISPOSITIONS,
    LEAD_FAIL,
    LEAD_PENDING,
    LEAD_SUCCESS,
    MAX_DIALS_PER_LEAD,
    SUCCESS_DISPOSITIONS,
)

LeadOrder = tuple[int, str]  # (created, leadId)

_updated = attrgetter("updated")


@dataclass(slots=True, eq=False)
class Dial:
    """One dial of a lead. Only answered dials have an agent, a call duration and a
    disposition; the disposition is hidden ("") until `reveal_at`."""

    dialled: int  # dial start: lastDialedTime
    dial_status: str
    ended: int  # end of the call: the row's updatedDate
    call_duration: int  # seconds of talk; 0 unless answered
    agent: Agent | None
    disposition: str | None  # the true disposition (None: the agent set none)
    disposition_text: str  # as written (messy when messy_text_rate hits)
    reveal_at: int  # the disposition shows from this instant (== ended unless late)

    @property
    def is_late(self) -> bool:
        """Whether the disposition is set after the call ended (updatedDate moves)."""
        return self.reveal_at > self.ended


@dataclass(frozen=True, slots=True)
class LeadState:
    """The dial status row of a lead from `updated` on: its latest dial (None before the
    first), whether that dial's disposition shows, attempts so far and the lead status."""

    updated: int
    attempts: int
    dial: Dial | None
    disposition_shown: bool
    status: str


def lead_status(attempts: int, disposition: str | None) -> str:
    """Success after a Sale, Fail after a Do Not Call / Wrong Number or
    MAX_DIALS_PER_LEAD dials, else Pending; `disposition` is the latest dial's as shown
    (None when hidden or unset)."""
    if disposition in SUCCESS_DISPOSITIONS:
        return LEAD_SUCCESS
    if disposition in FAILING_DISPOSITIONS or attempts >= MAX_DIALS_PER_LEAD:
        return LEAD_FAIL
    return LEAD_PENDING


@dataclass(slots=True, eq=False)
class Lead:
    """One uploaded lead; `states` are its rows' successive states, oldest first."""

    campaign: Campaign
    lead_id: str  # digits
    created: int
    phone_number: str  # "91" + 10 digits
    name: str
    skill: str
    priority: int
    dials: list[Dial] = field(default_factory=list)
    states: list[LeadState] = field(default_factory=list)
    last_dialled_day: date | None = None  # local day of its latest dial
    final: bool = False  # no more dials: known to the generator at once

    def __post_init__(self) -> None:
        self.states.append(LeadState(self.created, 0, None, False, LEAD_PENDING))

    @property
    def order(self) -> LeadOrder:
        return (self.created, self.lead_id)

    def add_dial(self, dial: Dial, local_day: date) -> None:
        """Record a dial: the row changes when the call ends, and again when a late
        disposition is set."""
        self.dials.append(dial)
        self.last_dialled_day = local_day
        attempts = len(self.dials)
        shown = not dial.is_late
        self.states.append(
            LeadState(
                dial.ended,
                attempts,
                dial,
                shown,
                lead_status(attempts, dial.disposition if shown else None),
            )
        )
        if dial.is_late:
            status = lead_status(attempts, dial.disposition)
            self.states.append(LeadState(dial.reveal_at, attempts, dial, True, status))
        self.final = lead_status(attempts, dial.disposition) != LEAD_PENDING

    def state_at(self, clock: float) -> LeadState | None:
        """The row's state at `clock`; None before the lead was uploaded."""
        index = bisect_right(self.states, clock, key=_updated)
        return self.states[index - 1] if index else None
