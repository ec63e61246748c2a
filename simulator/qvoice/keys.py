"""The opaque `next_start_key` of the two paged endpoints.

A key is URL-safe base64 (unpadded) of JSON holding everything needed to resume: for
the history, the window (inclusive unix seconds) and the (timestamp, campaign rank,
index) of the last row served; for campaign leads, the campaign and the (created, id)
of the last lead served. Resuming after a position, not at an offset, keeps pages
stable while rows appear or leads leave between requests.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from simulator.qvoice.facts import DialOrder, LeadOrder


class InvalidKey(ValueError):
    """A key this server did not write (or wrote for another endpoint)."""


def _encode(payload: dict[str, Any]) -> str:
    text = json.dumps(payload, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _decode(key: str, kind: str) -> dict[str, Any]:
    try:
        padded = key + "=" * (-len(key) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, UnicodeError, ValueError) as error:
        raise InvalidKey(key) from error
    if not isinstance(payload, dict) or payload.get("k") != kind:
        raise InvalidKey(key)
    return payload


@dataclass(frozen=True)
class HistoryQuery:
    """Rows with start <= timestamp <= end (unix seconds), after `after` (None: from
    the start of the window)."""

    start: int
    end: int
    after: DialOrder | None = None

    def to_key(self) -> str:
        return _encode(
            {"k": "h", "w": [self.start, self.end], "a": list(self.after) if self.after else None}
        )

    @classmethod
    def from_key(cls, key: str) -> HistoryQuery:
        """The query a key carries; raises InvalidKey."""
        payload = _decode(key, "h")
        try:
            start, end = (int(bound) for bound in payload["w"])
            after = payload["a"]
            position = None if after is None else (int(after[0]), int(after[1]), int(after[2]))
        except (KeyError, TypeError, ValueError, IndexError) as error:
            raise InvalidKey(key) from error
        return cls(start, end, position)


@dataclass(frozen=True)
class LeadsQuery:
    """Leads of one campaign after `after` (None: from the first lead)."""

    campaign_id: str
    after: LeadOrder | None = None

    def to_key(self) -> str:
        return _encode(
            {"k": "l", "c": self.campaign_id, "a": list(self.after) if self.after else None}
        )

    @classmethod
    def from_key(cls, key: str) -> LeadsQuery:
        """The query a key carries; raises InvalidKey."""
        payload = _decode(key, "l")
        try:
            campaign_id, after = str(payload["c"]), payload["a"]
            position = None if after is None else (int(after[0]), str(after[1]))
        except (KeyError, TypeError, ValueError, IndexError) as error:
            raise InvalidKey(key) from error
        return cls(campaign_id, position)
