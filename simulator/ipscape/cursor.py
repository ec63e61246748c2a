"""The filters of a feed request, and the opaque cursor that carries them.

Clients drop the first request's query parameters after page 1, so a cursor holds
everything: the equality filters, the From/To bounds (epoch seconds) and the
(timestamp, id) of the last record already served.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any


class InvalidCursor(ValueError):
    """A cursor this server did not write."""


@dataclass(frozen=True)
class FeedQuery:
    """What to serve from a feed: equality filters, inclusive time bounds, and where the
    previous page ended (None: from the start)."""

    equals: tuple[tuple[str, Any], ...] = ()
    time_from: float | None = None
    time_to: float | None = None
    after: tuple[int, int] | None = None

    def to_cursor(self) -> str:
        """URL-safe base64 (unpadded) of the query as JSON."""
        payload = {
            "eq": [list(pair) for pair in self.equals],
            "from": self.time_from,
            "to": self.time_to,
            "after": list(self.after) if self.after else None,
        }
        text = json.dumps(payload, separators=(",", ":"))
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    @classmethod
    def from_cursor(cls, cursor: str) -> FeedQuery:
        """The query a cursor carries; raises InvalidCursor."""
        try:
            padded = cursor + "=" * (-len(cursor) % 4)
            payload = json.loads(base64.urlsafe_b64decode(padded.encode()))
            after = payload["after"]
            for bound in (payload["from"], payload["to"]):
                if bound is not None and not isinstance(bound, int | float):
                    raise TypeError(bound)
            return cls(
                equals=tuple((str(name), value) for name, value in payload["eq"]),
                time_from=payload["from"],
                time_to=payload["to"],
                after=(int(after[0]), int(after[1])) if after else None,
            )
        except (binascii.Error, UnicodeError, ValueError, KeyError, TypeError, IndexError) as error:
            raise InvalidCursor(cursor) from error
