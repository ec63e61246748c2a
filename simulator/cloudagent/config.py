"""Settings of a simulated Ozonetel CloudAgent account: seed, calendar, clock,
credentials, volumes, limits and the test knobs of callback delivery."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from simulator.config import DEFAULT_DAYS, DEFAULT_START_DATE, WorldConfig, midnight_utc_after

RATE_NAMES = (
    "late_disposition_rate",
    "unknown_status_rate",
    "messy_text_rate",
    "duplicate_rate",
    "json_string_rate",
    "file_link_rate",
    "hold_rate",
)


@dataclass(frozen=True)
class CloudAgentConfig(WorldConfig):
    """Everything that decides what the simulated CloudAgent account serves and sends.

    Data of a (campaign, local day) depends only on `seed` and the day, never on `clock`;
    the clock only decides what is visible. Volumes are per campaign and local day (in
    `account_timezone`).
    """

    seed: int = 42
    """Seed of every random draw; the same seed, clock and requests give the same world."""
    start_date: date = DEFAULT_START_DATE
    """First LOCAL day (in `account_timezone`) that has data."""
    clock: datetime = field(
        default_factory=lambda: midnight_utc_after(DEFAULT_START_DATE, DEFAULT_DAYS)
    )
    """The vendor's "now": an aware datetime, stored in UTC."""
    account_timezone: str = "Asia/Kolkata"
    """IANA zone of every naive `YYYY-MM-DD HH:MM:SS` time the account writes or reads."""
    api_key: str = "sim-ca-api-key"
    """The `apiKey` header every call must send."""
    user_name: str = "sim_ca_user"
    """The account's `userName` (token and dial status bodies)."""
    leads_per_campaign_day: int = 20
    """Approximate leads uploaded per campaign and local day (08:00-09:00 local)."""
    dials_per_campaign_day: int = 30
    """Approximate dials per campaign and local day (09:30-20:30 local); fewer when the
    campaign has too few diallable leads (a lead is dialled at most once a day)."""
    late_disposition_rate: float = 0.15
    """Share (0..1) of answered dials whose disposition is set 1..6 h after the dial."""
    unknown_status_rate: float = 0.0
    """Share (0..1) of dials with dialStatus `Busy` and of answered dials with
    disposition `Language Barrier` (outside the documented vocabularies)."""
    messy_text_rate: float = 0.0
    """Share (0..1) of dispositions written in another case or with blanks."""
    delivery_delay_seconds: float = 0.02
    """Real seconds between accepting a dial status request and POSTing its callback."""
    duplicate_rate: float = 0.0
    """Share (0..1) of callbacks delivered twice."""
    json_string_rate: float = 0.0
    """Share (0..1) of callbacks whose `data` is a JSON string instead of an array."""
    file_link_rate: float = 0.0
    """Share (0..1) of callbacks that carry a `fileUrl` (CSV or JSON) instead of `data`."""
    hold_rate: float = 0.0
    """Share (0..1) of callbacks held back until `release_held()`."""
    reorder: bool = False
    """Callbacks of one delivery batch go out in reverse request order."""
    rate_limit_per_minute: int = 10
    """Dial status requests served per rolling 60 s of simulator time."""
    tokens_per_hour: int = 10
    """Tokens issued per rolling hour of simulator time."""
    token_ttl_seconds: int = 3600
    """Seconds of simulator time a token stays valid."""

    RATE_FIELDS = RATE_NAMES

    def __post_init__(self) -> None:
        self._check_clock_and_rates()
        for count_name in (
            "leads_per_campaign_day",
            "dials_per_campaign_day",
            "rate_limit_per_minute",
            "tokens_per_hour",
            "token_ttl_seconds",
        ):
            if getattr(self, count_name) < 1:
                raise ValueError(f"{count_name} must be at least 1")
        if self.delivery_delay_seconds < 0:
            raise ValueError("delivery_delay_seconds must not be negative")
