"""Settings of a simulated QVoice (Campaigns API v2) tenant: seed, calendar, clock,
credentials, volumes and test knobs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from simulator.config import DEFAULT_DAYS, DEFAULT_START_DATE, WorldConfig, midnight_utc_after


@dataclass(frozen=True)
class QVoiceConfig(WorldConfig):
    """Everything that decides what the simulated QVoice tenant serves.

    Data of a (campaign, UTC day) depends only on `seed` and the day, never on `clock`;
    the clock only decides what is visible. Volumes are per campaign and UTC day.
    """

    seed: int = 42
    """Seed of every random draw; the same seed and clock give the same world."""
    start_date: date = DEFAULT_START_DATE
    """First UTC day that has data."""
    clock: datetime = field(
        default_factory=lambda: midnight_utc_after(DEFAULT_START_DATE, DEFAULT_DAYS)
    )
    """The vendor's "now": an aware datetime, stored in UTC."""
    source_timezone: str = "UTC"
    """IANA zone the history `datetime` text is written in (Go's `time.String()` form,
    "2026-03-30 10:31:58 +0000 UTC" for UTC); unix-second fields are zone-free."""
    page_size: int = 100
    """Largest page the server sends (history `pageSize` and leads `page_size` are capped
    to it)."""
    username: str = "sim-user"
    """Login user name (`POST /api/v2/login`)."""
    password: str = "sim-password"
    """Login password."""
    domain: str = "sim-tenant"
    """Login domain (the tenant)."""
    account_id: str = "sim-account-1"
    """The `X-Account-ID` every call but login must send."""
    token_ttl_seconds: int = 3600
    """Seconds from login (on the simulator clock) until an access token expires."""
    token_max_requests: int | None = None
    """Authenticated requests one access token serves before it is refused (None: no
    limit); lets a test expire a token in the middle of a paginated feed."""
    history_bare_array: bool = False
    """The history endpoint answers a bare JSON array of the whole window, one page."""
    repeat_last_key: bool = False
    """The last history page repeats the key it was requested with (or, on a first page,
    a key to the end of the window) instead of leaving `next_start_key` out."""
    late_update_rate: float = 0.15
    """Share (0..1) of answered dials whose disposition and talk time arrive a day late."""
    unknown_status_rate: float = 0.0
    """Share (0..1) of dials with status `network_error` and of answered dials with
    disposition `Language Barrier` (outside the documented vocabularies)."""
    messy_text_rate: float = 0.0
    """Share (0..1) of dispositions written in another case or with blanks."""
    dials_per_campaign_day: int = 30
    """Approximate dials per campaign and UTC day (08:00-20:00 UTC, plus 1-2 at night)."""
    page_delay_seconds: float = 0.0
    """Seconds every history page waits before it is answered (other requests are served
    meanwhile), to simulate a distant portal."""

    RATE_FIELDS = ("late_update_rate", "unknown_status_rate", "messy_text_rate")

    def __post_init__(self) -> None:
        self._check_clock_and_rates()
        if self.page_size < 1:
            raise ValueError("page_size must be at least 1")
        if self.token_ttl_seconds < 1:
            raise ValueError("token_ttl_seconds must be at least 1")
        if self.token_max_requests is not None and self.token_max_requests < 1:
            raise ValueError("token_max_requests must be at least 1 (or None)")
        if self.dials_per_campaign_day < 1:
            raise ValueError("dials_per_campaign_day must be at least 1")
        if self.page_delay_seconds < 0:
            raise ValueError("page_delay_seconds must not be negative")
