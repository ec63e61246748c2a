"""CloudAgent's time rules: every time is a naive `YYYY-MM-DD HH:MM:SS` wall time in the
account zone. Instants are kept as integer unix seconds and written (or read) through
the zone, so any DST is applied by the zone database."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

WALL_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def wall_time_text(epoch: int, zone: ZoneInfo) -> str:
    """An instant as the account writes it, e.g. `2026-03-30 09:41:07`."""
    return datetime.fromtimestamp(epoch, zone).strftime(WALL_TIME_FORMAT)


def parse_wall_time(text: str, zone: ZoneInfo) -> int:
    """Unix seconds of a `YYYY-MM-DD HH:MM:SS` wall time in the account zone. Raises
    ValueError for any other spelling."""
    return int(datetime.strptime(text, WALL_TIME_FORMAT).replace(tzinfo=zone).timestamp())


def local_time(local_day: date, seconds_of_day: int, zone: ZoneInfo) -> int:
    """Unix seconds of the wall time `seconds_of_day` after local midnight of `local_day`."""
    hours, rest = divmod(seconds_of_day, 3600)
    moment = datetime(
        local_day.year, local_day.month, local_day.day, hours, rest // 60, rest % 60, tzinfo=zone
    )
    return int(moment.timestamp())
