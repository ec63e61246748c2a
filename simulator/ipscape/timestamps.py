"""ipSCAPE timestamp rules: local wall times, the three offset spellings, filter parsing.

Instants are kept as integer epoch seconds (UTC); they are written in the campaign's
local offset at serve time, so DST is applied by the zone database, never by a fixed
offset.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from enum import Enum
from functools import lru_cache
from zoneinfo import ZoneInfo


class OffsetStyle(Enum):
    """How a record writes its offset: `+10:00`, `+1000`, or the instant in UTC as `Z`."""

    COLON = "colon"
    COMPACT = "compact"
    UTC = "utc"


def offset_style(record_id: int) -> OffsetStyle:
    """The spelling a record uses for all its timestamps: 5 ids in 100 write `Z`, the
    others alternate by parity (even `+10:00`, odd `+1000`)."""
    if (record_id * 61) % 100 < 5:
        return OffsetStyle.UTC
    return OffsetStyle.COLON if record_id % 2 == 0 else OffsetStyle.COMPACT


@lru_cache(maxsize=32)
def zone(name: str) -> ZoneInfo:
    """The IANA zone of that name (cached)."""
    return ZoneInfo(name)


def wall_time(local_day: date, seconds_of_day: int, tz: ZoneInfo) -> int:
    """Epoch seconds of a local wall time `seconds_of_day` after local midnight of
    `local_day` (0 <= seconds_of_day < 86400), localized by the zone's rules."""
    hours, rest = divmod(seconds_of_day, 3600)
    local = datetime(
        local_day.year, local_day.month, local_day.day, hours, rest // 60, rest % 60, tzinfo=tz
    )
    return int(local.timestamp())


def local_midnight(local_day: date, tz: ZoneInfo) -> int:
    """Epoch seconds of 00:00 local on `local_day`."""
    return wall_time(local_day, 0, tz)


def local_date(epoch: int, tz: ZoneInfo) -> date:
    """The local calendar day of an instant."""
    return datetime.fromtimestamp(epoch, tz).date()


def format_timestamp(epoch: int, tz: ZoneInfo, style: OffsetStyle) -> str:
    """ISO-8601 with seconds precision in the zone's offset at that instant, or in UTC."""
    if style is OffsetStyle.UTC:
        return datetime.fromtimestamp(epoch, UTC).isoformat()[:-6] + "Z"
    text = datetime.fromtimestamp(epoch, tz).isoformat()  # ...T00:05:44+10:00
    if style is OffsetStyle.COMPACT:
        return text[:-3] + text[-2:]
    return text


_FILTER_TIMESTAMP = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?"
    r"(?:(?P<utc>[Zz])|(?P<sign>[+\- ])(?P<oh>\d{2}):?(?P<om>\d{2}))$"
)


def parse_filter_timestamp(text: str) -> float:
    """Epoch seconds of a filter value such as `2026-04-01T00:00:00Z`, `...+10:00` or
    `...+1000`. A `+` that arrived URL-decoded as a space is read as `+`. The offset is
    required. Raises ValueError for anything else."""
    match = _FILTER_TIMESTAMP.match(text.strip("\t\r\n"))
    if not match:
        raise ValueError(text)
    year, month, day, hour, minute = (int(match.group(i)) for i in range(1, 6))
    second = int(match.group(6) or 0)
    fraction = float(match.group(7) or 0)
    if match.group("utc"):
        tz = UTC
    else:
        offset = timedelta(hours=int(match.group("oh")), minutes=int(match.group("om")))
        tz = timezone(-offset if match.group("sign") == "-" else offset)
    return datetime(year, month, day, hour, minute, second, tzinfo=tz).timestamp() + fraction
