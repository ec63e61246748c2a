"""How one call unfolds: outcome, agent, wrap code, durations (seconds) and when its
end-of-call fields become visible (`reveal_at`, epoch seconds)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from simulator.config import SimulatorConfig
from simulator.ipscape.catalog import Campaign, agents_of
from simulator.ipscape.draws import between, pick, triangular, uniforms, weighted
from simulator.ipscape.facts import Attempt, CallEnding, InboundCall, Lead
from simulator.ipscape.timestamps import local_midnight, wall_time
from simulator.ipscape.vocabulary import (
    ANSWERED,
    DIAL_STATUS_MIX,
    DIAL_STATUSES_WITH_ANSWER,
    LANGUAGE_BARRIER,
    NETWORK_CONGESTION,
    WRAP_MIX,
)

DAY_SECONDS = 86_400
LATE_DELAY_SECONDS = (3_600, 36_000)  # reveal_at = start + 1 day + 1..10 h

# seconds from dial to answer, or to giving up when nobody answers, by dialStatusId
RING_SECONDS = {
    1: (5, 25),
    2: (20, 45),
    3: (2, 6),
    4: (8, 25),
    5: (5, 25),
    6: (1, 4),
    7: (1, 10),
    8: (1, 5),
}
# seconds from answer to hang-up when no agent takes the call, by dialStatusId
UNATTENDED_SECONDS = {4: (5, 40), 5: (2, 12)}

MESSY_SPELLINGS = (str.lower, str.upper, lambda text: f" {text} ", lambda text: f"{text}  ")

ENDING_DRAWS = 8
ATTEMPT_DRAWS = 8 + ENDING_DRAWS
INBOUND_DRAWS = 12 + ENDING_DRAWS


def draw_ending(
    u: list[float], campaign: Campaign, local_day: date, config: SimulatorConfig
) -> CallEnding:
    """Agent, wrap code and hold / wrap seconds of a handled call (8 uniforms)."""
    agent = pick(u[0], agents_of(campaign.campaign_id))
    wrap = weighted(u[1], WRAP_MIX)
    if u[2] < config.unknown_status_rate:
        wrap = LANGUAGE_BARRIER
    description = wrap.name if wrap else None
    if description and u[3] < config.messy_text_rate:
        description = pick(u[4], MESSY_SPELLINGS)(description)
    return CallEnding(
        agent=agent,
        agent_name=agent.full_name_on(local_day, config.start_date),
        wrap=wrap,
        wrap_description=description,
        hold=between(u[6], 10, 120) if u[5] < 0.3 else 0,
        wrap_seconds=between(u[7], 5, 180),
    )


def reveal_time(start: int, call_end: int, late_u: float, delay_u: float, rate: float) -> int:
    """End of the call, or, for a late update, start + 1 day + 1..10 h."""
    if late_u < rate:
        return start + DAY_SECONDS + between(delay_u, *LATE_DELAY_SECONDS)
    return call_end


def draw_attempt(
    rng: random.Random,
    config: SimulatorConfig,
    campaign_name: str,
    lead: Lead,
    dialled: int,
    local_day: date,
    runs_past_midnight: bool,
) -> Attempt:
    """One dial of `lead` at `dialled`. A `runs_past_midnight` dial is answered and talks
    until after the next local midnight."""
    u = uniforms(rng, ATTEMPT_DRAWS)
    status = ANSWERED if runs_past_midnight else weighted(u[0], DIAL_STATUS_MIX)
    if not runs_past_midnight and u[1] < config.unknown_status_rate:
        status = NETWORK_CONGESTION
    ring = between(u[2], *RING_SECONDS[status.code])
    answered = dialled + ring if status.code in DIAL_STATUSES_WITH_ANSWER else None
    ending = None
    if status is ANSWERED:
        ending = draw_ending(u[8:], lead.campaign, local_day, config)
        talk = triangular(u[3], 20, 1200, 150)
        if runs_past_midnight:
            midnight = local_midnight(local_day + timedelta(days=1), lead.zone)
            talk = max(talk, midnight - answered - ending.hold + between(u[4], 60, 1800))
        hang_up = answered + ending.hold + talk
    elif answered is not None:
        hang_up = answered + between(u[4], *UNATTENDED_SECONDS[status.code])
    else:
        hang_up = dialled + ring
    call_end = hang_up + ending.wrap_seconds if ending else hang_up
    late_rate = config.late_update_rate if ending else 0.0
    return Attempt(
        campaign=lead.campaign,
        campaign_name=campaign_name,
        zone=lead.zone,
        local_day=local_day,
        lead=lead,
        dialled=dialled,
        dial_status=status,
        answered=answered,
        hang_up=hang_up,
        ending=ending,
        extra_durations=u[5] < 0.5,
        reveal_at=reveal_time(dialled, call_end, u[6], u[7], late_rate),
    )


def draw_inbound_call(
    rng: random.Random,
    config: SimulatorConfig,
    campaign: Campaign,
    campaign_name: str,
    zone: ZoneInfo,
    local_day: date,
) -> InboundCall:
    """One inbound call arriving 08:00-20:00 local; 80 % are taken by an agent, the rest
    hang up in the queue."""
    u = uniforms(rng, INBOUND_DRAWS)
    created = wall_time(local_day, between(u[0], 8 * 3600, 20 * 3600 - 1), zone)
    handled = u[4] < 0.8
    ending = draw_ending(u[12:], campaign, local_day, config) if handled else None
    call = InboundCall(
        campaign=campaign,
        campaign_name=campaign_name,
        zone=zone,
        local_day=local_day,
        created=created,
        caller=f"+614{between(u[1], 0, 10**8 - 1):08d}",
        ivr_seconds=between(u[2], 5, 40),
        queue_seconds=between(u[3], 0, 240),
        talk_seconds=triangular(u[5], 20, 1500, 180) if handled else 0,
        ending=ending,
        reveal_at=0,
        quality_score=between(u[6], 1, 5),
        survey_started=u[7] < 0.3,
        voicemail_seconds=between(u[9], 5, 60) if not handled and u[8] < 0.3 else 0,
    )
    late_rate = config.late_update_rate if handled else 0.0
    call.reveal_at = reveal_time(created, call.wrap_up or call.hang_up, u[10], u[11], late_rate)
    return call
