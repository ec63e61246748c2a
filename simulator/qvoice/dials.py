"""How one dial unfolds: status, ring and talk seconds, agent, disposition, call id and
when its disposition and talk time become visible (`reveal_at`, unix seconds).

Every dial takes DIAL_DRAWS uniforms whatever branch it ends in, so a test knob changes
only the dials it hits (see `simulator.ipscape.draws`).
"""

from __future__ import annotations

import random
from datetime import date

from simulator.ipscape.calls import MESSY_SPELLINGS
from simulator.ipscape.draws import between, pick, triangular, uniforms, weighted
from simulator.qvoice.catalog import AGENTS_BY_EXTENSION, Campaign
from simulator.qvoice.config import QVoiceConfig
from simulator.qvoice.facts import Dial, Lead
from simulator.qvoice.ids import hex_id, uuid_id
from simulator.qvoice.vocabulary import (
    ANSWERED,
    DIAL_STATUS_MIX,
    DISPOSITION_MIX,
    FAILED_HANGUP_CAUSES,
    HANGUP_CAUSES,
    NETWORK_ERROR,
    STATUSES_WITH_ANSWER,
    UNKNOWN_DISPOSITION,
)

DAY_SECONDS = 86_400
LATE_DELAY_SECONDS = (3_600, 36_000)  # reveal_at = dial + 1 day + 1..10 h
RING_SECONDS = {ANSWERED: (5, 25), "voicemail": (8, 25), "abandoned": (5, 25)}
NO_ANSWER_RING_SECONDS = (2, 45)
MISSING_CALL_ID_RATE = 0.05
DIAL_DRAWS = 15


def draw_dial(
    rng: random.Random,
    config: QVoiceConfig,
    campaign: Campaign,
    campaign_rank: int,
    day: date,
    lead: Lead,
    timestamp: int,
    runs_past_midnight: bool,
) -> Dial:
    """One dial of `lead` at `timestamp`. A `runs_past_midnight` dial is answered and
    talks until after the next UTC midnight. `index` is set by the generator."""
    u = uniforms(rng, DIAL_DRAWS)
    status = ANSWERED if runs_past_midnight else weighted(u[0], DIAL_STATUS_MIX)
    if not runs_past_midnight and u[1] < config.unknown_status_rate:
        status = NETWORK_ERROR
    answered_time = None
    if status in STATUSES_WITH_ANSWER:
        answered_time = timestamp + between(u[2], *RING_SECONDS[status])
    ring_end = answered_time or timestamp + between(u[2], *NO_ANSWER_RING_SECONDS)
    talk, agent, disposition, text, reveal_at = 0, None, None, "", ring_end
    if status == ANSWERED:
        talk = triangular(u[3], 20, 1200, 150)
        if runs_past_midnight:
            next_midnight = (timestamp // DAY_SECONDS + 1) * DAY_SECONDS
            talk = max(talk, next_midnight - answered_time + between(u[4], 60, 1800))
        agent = AGENTS_BY_EXTENSION[pick(u[5], campaign.agent_extensions)]
        disposition = weighted(u[6], DISPOSITION_MIX)
        if u[7] < config.unknown_status_rate:
            disposition = UNKNOWN_DISPOSITION
        text = disposition or ""
        if text and u[8] < config.messy_text_rate:
            text = pick(u[9], MESSY_SPELLINGS)(text)
        reveal_at = answered_time + talk
        if u[10] < config.late_update_rate:
            reveal_at = timestamp + DAY_SECONDS + between(u[11], *LATE_DELAY_SECONDS)
    hangup_cause = HANGUP_CAUSES.get(status) or pick(u[13], FAILED_HANGUP_CAUSES)
    identity = ("qvoice", config.seed, campaign.campaign_id, lead.lead_id, timestamp)
    return Dial(
        campaign=campaign,
        campaign_rank=campaign_rank,
        index=0,
        day=day,
        lead=lead,
        timestamp=timestamp,
        status=status,
        hangup_cause=hangup_cause,
        answered_time=answered_time,
        talk_seconds=talk,
        agent=agent,
        agent_last_name=agent.last_name_on(day, config.start_date) if agent else "",
        disposition=disposition,
        disposition_text=text,
        call_id=None if u[12] < MISSING_CALL_ID_RATE else uuid_id(*identity, "call"),
        reveal_at=reveal_at,
        event_uuid=hex_id(*identity, "event") + hex_id(*identity, "leg")[:4],
        fraction=round(u[14], 6),
    )
