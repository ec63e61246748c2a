"""Status and wrap-code vocabularies of the simulated tenant, with their outcome mixes.

Dial status ids and lead status codes are different code lists on purpose (the seed
documents dial status 1 = Answered but lead status 3 = Abandoned).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Code:
    """An (id, name) pair as the API writes it."""

    code: int
    name: str


# dialStatusId / dialStatusName of dialler attempts, with the share of each outcome.
ANSWERED = Code(1, "Answered")
NO_ANSWER = Code(2, "No Answer")
BUSY = Code(3, "Busy")
ANSWERING_MACHINE = Code(4, "Answering Machine")
ABANDONED = Code(5, "Abandoned")
INVALID_NUMBER = Code(6, "Invalid Number")
FAILED = Code(7, "Failed")
NETWORK_CONGESTION = Code(8, "Network Congestion")  # only with unknown_status_rate > 0

DIAL_STATUS_MIX: tuple[tuple[Code, int], ...] = (
    (ANSWERED, 30),
    (NO_ANSWER, 37),
    (BUSY, 8),
    (ANSWERING_MACHINE, 15),
    (ABANDONED, 2),  # ~6 % of live answers: dialers are tuned to stay under ~5-10 %
    (INVALID_NUMBER, 4),
    (FAILED, 4),
)
DIAL_STATUSES_WITH_ANSWER = frozenset({ANSWERED.code, ANSWERING_MACHINE.code, ABANDONED.code})

# lead lastStatusCode / lastStatusDescription, keyed by the dial status that set it.
LEAD_NEW = Code(0, "New")
LEAD_STATUS_BY_DIAL_STATUS: dict[int, Code] = {
    ANSWERED.code: Code(1, "Answered"),
    NO_ANSWER.code: Code(2, "No Answer"),
    ABANDONED.code: Code(3, "Abandoned"),
    BUSY.code: Code(4, "Busy"),
    ANSWERING_MACHINE.code: Code(5, "Answering Machine"),
    INVALID_NUMBER.code: Code(6, "Invalid Number"),
    FAILED.code: Code(7, "Failed"),
    NETWORK_CONGESTION.code: Code(8, "Network Congestion"),
}

# activityStatusId / activityStatusName (only 3 = Answered is documented by the vendor).
ACTIVITY_ANSWERED = Code(3, "Answered")
ACTIVITY_ABANDONED = Code(4, "Abandoned")

# wrapCode / wrapDescription chosen by agents; None = the agent set no wrap code.
SALE = Code(26, "Sale")
DO_NOT_CALL = Code(30, "Do Not Call")
WRONG_NUMBER = Code(31, "Wrong Number")
LANGUAGE_BARRIER = Code(34, "Language Barrier")  # only with unknown_status_rate > 0
WRAP_MIX: tuple[tuple[Code | None, int], ...] = (
    (SALE, 12),
    (Code(27, "Not Interested"), 24),
    (Code(28, "Contact"), 20),
    (Code(29, "Call Back"), 14),
    (DO_NOT_CALL, 5),
    (WRONG_NUMBER, 5),
    (Code(32, "Voicemail Left"), 8),
    (None, 12),
)
WRAPS_COMPLETING_LEAD = frozenset({SALE.code, DO_NOT_CALL.code, WRONG_NUMBER.code})
