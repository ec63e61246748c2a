"""Which dial-status windows to request, and when a window counts as completed.

Per campaign, the resource state keeps `completed_until`: the end of the newest window
whose callback was loaded. A run requests [completed_until - lag, now] (the first run
from the start date); the window is completed only when its callback is loaded, which
may be a later run. Requests whose callbacks never came are forgotten after a week.
"""

from __future__ import annotations

from datetime import datetime, timedelta

PENDING_REQUEST_DAYS = 7


class WindowBook:
    """Views `completed_until` and pending requests inside dlt resource state."""

    def __init__(self, state: dict) -> None:
        self._completed = state.setdefault("completed_until", {})
        self._pending = state.setdefault("pending_requests", {})

    def window_start(self, campaign: str, start: datetime, lag: timedelta) -> datetime:
        completed = self._completed.get(campaign)
        return max(start, datetime.fromisoformat(completed) - lag) if completed else start

    def requested(self, unique_id: str, campaign: str, window_to: datetime, now: datetime) -> None:
        self._pending[unique_id] = {
            "campaign": campaign,
            "to": window_to.isoformat(),
            "requested_at": now.isoformat(),
        }

    def loaded(self, unique_id: str | None) -> None:
        """The callback of `unique_id` is being loaded: its window is completed."""
        request = self._pending.pop(unique_id, None) if unique_id else None
        if request is None:
            return
        campaign, window_to = request["campaign"], request["to"]
        previous = self._completed.get(campaign)
        if previous is None or datetime.fromisoformat(window_to) > datetime.fromisoformat(previous):
            self._completed[campaign] = window_to

    def forget_stale(self, now: datetime) -> None:
        cutoff = now - timedelta(days=PENDING_REQUEST_DAYS)
        for unique_id, request in list(self._pending.items()):
            if datetime.fromisoformat(request["requested_at"]) < cutoff:
                del self._pending[unique_id]

    @property
    def pending_ids(self) -> set[str]:
        return set(self._pending)
