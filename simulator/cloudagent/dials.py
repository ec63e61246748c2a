"""How one dial unfolds: dial status, ring and talk seconds, agent, disposition, and when
the disposition becomes visible (`reveal_at`, unix seconds).

Every dial takes DIAL_DRAWS uniforms whatever branch it ends in, so a test knob changes
only the dials it hits (see `simulator.ipscape.draws`).
"""

from __future__ import annotations

import random

from simulator.cloudagent.catalog import AGENTS_BY_ID, Campaign
from simulator.cloudagent.config import CloudAgentConfig
from simulator.cloudagent.facts import Dial
from simulator.cloudagent.vocabulary import (
    ANSWERED,
    BUSY,
    DIAL_STATUS_MIX,
    DISPOSITION_MIX,
    UNKNOWN_DISPOSITION,
)
from simulator.ipscape.calls import MESSY_SPELLINGS
from simulator.ipscape.draws import between, pick, triangular, uniforms, weighted

# seconds from dial to answer, or to giving up, by dialStatus
RING_SECONDS = {
    ANSWERED: (5, 25),
    "NoAnswer": (20, 45),
    "user_disconnected": (2, 15),
    "Fail": (1, 5),
    BUSY: (2, 6),
}
LATE_DELAY_SECONDS = (3_600, 21_600)  # a late disposition: dial + 1..6 h
DIAL_DRAWS = 11


def draw_dial(
    rng: random.Random, config: CloudAgentConfig, campaign: Campaign, dialled: int
) -> Dial:
    """One dial at `dialled` (unix seconds) in `campaign`. Only a dial whose agent set a
    disposition can get it late."""
    u = uniforms(rng, DIAL_DRAWS)
    status = weighted(u[0], DIAL_STATUS_MIX)
    if u[1] < config.unknown_status_rate:
        status = BUSY
    ended = dialled + between(u[2], *RING_SECONDS[status])
    talk, agent, disposition, text, reveal_at = 0, None, None, "", ended
    if status == ANSWERED:
        talk = triangular(u[3], 20, 1200, 150)
        ended += talk
        agent = AGENTS_BY_ID[pick(u[4], campaign.agent_ids)]
        disposition = weighted(u[5], DISPOSITION_MIX)
        if u[6] < config.unknown_status_rate:
            disposition = UNKNOWN_DISPOSITION
        text = disposition or ""
        if text and u[7] < config.messy_text_rate:
            text = pick(u[8], MESSY_SPELLINGS)(text)
        reveal_at = ended
        if text and u[9] < config.late_disposition_rate:
            reveal_at = dialled + between(u[10], *LATE_DELAY_SECONDS)
    return Dial(
        dialled=dialled,
        dial_status=status,
        ended=ended,
        call_duration=talk,
        agent=agent,
        disposition=disposition,
        disposition_text=text,
        reveal_at=reveal_at,
    )
