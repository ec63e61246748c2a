"""History row statuses, hang-up causes (FreeSWITCH names), dispositions and lead
statuses of the QVoice tenant.

Dispositions are ipSCAPE's wrap descriptions, so both vendors share one mapping table.
"""

from __future__ import annotations

from simulator.ipscape.vocabulary import DO_NOT_CALL, LANGUAGE_BARRIER, SALE, WRAP_MIX, WRONG_NUMBER

ANSWERED = "answered"
NO_ANSWER = "no_answer"
BUSY = "busy"
VOICEMAIL = "voicemail"
ABANDONED = "abandoned"
FAILED = "failed"
NETWORK_ERROR = "network_error"  # only with unknown_status_rate > 0

DIAL_STATUS_MIX: tuple[tuple[str, int], ...] = (
    (ANSWERED, 30),
    (NO_ANSWER, 37),
    (BUSY, 8),
    (VOICEMAIL, 15),
    (ABANDONED, 2),
    (FAILED, 8),
)
STATUSES_WITH_ANSWER = frozenset({ANSWERED, VOICEMAIL, ABANDONED})  # carry answered_time

HANGUP_CAUSES = {
    ANSWERED: "NORMAL_CLEARING",
    VOICEMAIL: "NORMAL_CLEARING",
    ABANDONED: "NORMAL_CLEARING",
    NO_ANSWER: "NO_ANSWER",
    BUSY: "USER_BUSY",
    NETWORK_ERROR: "NETWORK_OUT_OF_ORDER",
}
FAILED_HANGUP_CAUSES = ("CALL_REJECTED", "UNALLOCATED_NUMBER", "NO_USER_RESPONSE")

# (disposition, weight); None = the agent set none (written "")
DISPOSITION_MIX: tuple[tuple[str | None, int], ...] = tuple(
    (code.name if code else None, weight) for code, weight in WRAP_MIX
)
UNKNOWN_DISPOSITION = LANGUAGE_BARRIER.name
SUCCESS_DISPOSITIONS = frozenset({SALE.name})
FAILING_DISPOSITIONS = frozenset({DO_NOT_CALL.name, WRONG_NUMBER.name})

LEAD_NEW = "new"
LEAD_SUCCESS = "success"
LEAD_FAILED = "failed"
LEAD_STATUSES = (LEAD_NEW, LEAD_SUCCESS, LEAD_FAILED)  # order of `leads_by_status`
MAX_DIALS_PER_LEAD = 4  # a lead with this many dials and no success is failed
