"""Dial statuses, dispositions and lead statuses of the CloudAgent account, with their
outcome mixes, and the field order of a dial status row.

Dispositions are ipSCAPE's wrap descriptions, so every vendor shares one mapping table.
"""

from __future__ import annotations

from simulator.ipscape.vocabulary import DO_NOT_CALL, LANGUAGE_BARRIER, SALE, WRAP_MIX, WRONG_NUMBER

ANSWERED = "answered"
NO_ANSWER = "NoAnswer"
USER_DISCONNECTED = "user_disconnected"
FAIL = "Fail"
BUSY = "Busy"  # only with unknown_status_rate > 0
DIAL_STATUSES = (ANSWERED, NO_ANSWER, USER_DISCONNECTED, FAIL)  # the documented ones

DIAL_STATUS_MIX: tuple[tuple[str, int], ...] = (
    (ANSWERED, 35),
    (NO_ANSWER, 48),
    (USER_DISCONNECTED, 4),  # the callee hung up before an agent came: ~10 % of live answers
    (FAIL, 13),
)

# (disposition, weight) of answered dials; None = the agent set none (written "")
DISPOSITION_MIX: tuple[tuple[str | None, int], ...] = tuple(
    (code.name if code else None, weight) for code, weight in WRAP_MIX
)
DISPOSITIONS = tuple(name for name, _ in DISPOSITION_MIX if name)
UNKNOWN_DISPOSITION = LANGUAGE_BARRIER.name
SUCCESS_DISPOSITIONS = frozenset({SALE.name})
FAILING_DISPOSITIONS = frozenset({DO_NOT_CALL.name, WRONG_NUMBER.name})

LEAD_SUCCESS = "Success"
LEAD_FAIL = "Fail"
LEAD_PENDING = "Pending"
LEAD_STATUSES = (LEAD_SUCCESS, LEAD_FAIL, LEAD_PENDING)
MAX_DIALS_PER_LEAD = 3  # a lead with this many dials and no success is failed

ROW_FIELDS = (
    "leadId",
    "phoneNumber",
    "name",
    "status",
    "dialStatus",
    "disposition",
    "agentId",
    "agentName",
    "attempts",
    "createdDate",
    "updatedDate",
    "lastDialedTime",
    "callDuration",
    "skill",
    "priority",
)
"""The keys of a dial status row, in the order rows (and CSV headers) are written."""
