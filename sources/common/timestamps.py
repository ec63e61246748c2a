"""The one place that turns vendor timestamps into UTC.

Vendors write times three ways: with an offset (`+1000`, `+10:00`, `Z`), as unix
seconds, or naive wall-clock time local to an account or campaign zone. Everything
leaves here as an aware UTC `datetime` (seconds precision kept as given).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pendulum


class BadRecordError(ValueError):
    """A vendor record that cannot be loaded: names the resource, record and field."""

    def __init__(self, resource: str, record_id: object, field: str, reason: str) -> None:
        self.resource = resource
        self.record_id = record_id
        self.field = field
        self.reason = reason
        super().__init__(f"{resource} record {record_id!r}: field '{field}' {reason}")


def parse_vendor_timestamp(value: str, naive_zone: str) -> datetime:
    """Parse an ISO-8601 vendor time into an aware UTC datetime.

    Offsets may be written `+1000`, `+10:00` or `Z`. A value without an offset is wall
    time in `naive_zone`: the zone is attached (`replace(tzinfo=...)` semantics), never
    converted from the machine's local time.
    """
    parsed = datetime.fromisoformat(value.strip())
    if parsed.tzinfo is None:
        parsed = pendulum.instance(parsed, tz=naive_zone)
    return parsed.astimezone(UTC)


def local_midnight_utc(day: date, zone: str) -> datetime:
    """Midnight at the start of local `day` in `zone`, as aware UTC (DST-correct)."""
    return pendulum.datetime(day.year, day.month, day.day, tz=zone).in_timezone("UTC")


def parse_start_date(value: str | date | datetime, zone: str) -> datetime:
    """A configured backfill start: a date means local midnight in `zone`."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return pendulum.instance(value, tz=zone).in_timezone("UTC")
        return value.astimezone(UTC)
    if isinstance(value, date):
        return local_midnight_utc(value, zone)
    text = value.strip()
    if len(text) == 10:
        return local_midnight_utc(date.fromisoformat(text), zone)
    return parse_vendor_timestamp(text, zone)


def format_filter_timestamp(moment: datetime) -> str:
    """A UTC filter value with an explicit `Z` offset, e.g. `2026-10-04T13:00:00Z`."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def backfill_start(start_date: str | None, zone: str, default_days: int) -> datetime:
    """The first backfill instant: `start_date` (a date means local midnight in `zone`),
    else local midnight `default_days` days before today, as aware UTC."""
    if start_date:
        return parse_start_date(start_date, zone)
    return local_midnight_utc(pendulum.now(zone).date().subtract(days=default_days), zone)
