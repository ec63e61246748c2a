"""The per-record checks of a feed, applied to a whole page table at once.

The same rules as the record fixers (a key and a cursor must be present, durations must
not be negative, timestamps must parse), computed as column masks. Timestamp text is
cast to UTC by Arrow in one call per column; a column holding values Arrow cannot read
(no offset, or not a time at all) is parsed value by value with
`parse_vendor_timestamp`, so naive times get the feed's zone attached exactly as the
record path does. A failing row leaves the table and goes to the quarantine with the
record as the vendor sent it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sources.common.arrow_pages import UTC_MICROS, ParsedPage
from sources.common.timestamps import BadRecordError, parse_vendor_timestamp


@dataclass(frozen=True)
class Column:
    """A column of the page table and the vendor's name for it (for messages)."""

    name: str  # as dlt names it, e.g. `timestamps__dialled`
    vendor_path: str  # as the vendor spells it, e.g. `timestamps.dialled`


@dataclass(frozen=True)
class FeedChecks:
    """What a record of one feed needs to be loaded.

    `key` names the record in messages and must not be null, nor may `required`; columns
    starting with one of `timestamp_prefixes` are times parsed into UTC; columns starting with
    `durations_prefix` are seconds that must not be negative.
    """

    resource: str
    key: Column
    required: tuple[Column, ...] = ()
    timestamp_prefixes: tuple[str, ...] = ()
    durations_prefix: str | None = None


@dataclass
class CheckedPage:
    """A page's loadable rows, and the records set aside with their reasons."""

    table: pa.Table
    rejected: list[tuple[BadRecordError, dict]]


def check_page(page: ParsedPage, checks: FeedChecks, zone: str) -> CheckedPage:
    """Apply `checks` to every row of `page.table` (which must not be None).

    Each check first asks Arrow whether any row can fail it (a null count, a minimum),
    so a clean page costs a few column scans and the timestamp casts.
    """
    table = page.table
    assert table is not None
    errors: dict[int, BadRecordError] = {}

    def record_id(row: int) -> object:
        if checks.key.name not in table.column_names:
            return None
        return table.column(checks.key.name)[row].as_py()

    for column in (checks.key, *checks.required):
        if column.name not in table.column_names:
            missing = np.ones(table.num_rows, dtype=bool)
        elif table.column(column.name).null_count:
            missing = table.column(column.name).is_null().to_numpy(zero_copy_only=False)
        else:
            continue
        key_missing = column is checks.key
        for row in np.flatnonzero(missing):
            error = BadRecordError(
                checks.resource,
                None if key_missing else record_id(row),
                column.vendor_path,
                "is missing",
            )
            errors.setdefault(int(row), error)
    for name in table.column_names:
        values = table.column(name)
        if not checks.durations_prefix or not name.startswith(checks.durations_prefix):
            continue
        if not _is_number(values.type) or (pc.min(values).as_py() or 0) >= 0:
            continue
        negative = pc.fill_null(pc.less(values, 0), False).to_numpy(zero_copy_only=False)
        for row in np.flatnonzero(negative):
            field = name.removeprefix(checks.durations_prefix)
            value = values[int(row)].as_py()
            error = BadRecordError(
                checks.resource, record_id(row), field, f"is a negative duration: {value!r}"
            )
            errors.setdefault(int(row), error)
    for index, name in enumerate(table.column_names):
        if not name.startswith(checks.timestamp_prefixes):
            continue
        parsed, bad_rows = _utc(table.column(name), zone)
        table = table.set_column(index, name, parsed)
        for row, value in bad_rows:
            vendor_path = _vendor_path(checks, name)
            error = BadRecordError(
                checks.resource, record_id(row), vendor_path, f"is not a timestamp: {value!r}"
            )
            errors.setdefault(row, error)
    never_null = (checks.key.name, *(column.name for column in checks.required))
    if not errors:
        return CheckedPage(_not_null(table, never_null), [])
    keep = np.ones(table.num_rows, dtype=bool)
    keep[list(errors)] = False
    records = page.records
    rejected = [(errors[row], records[row]) for row in sorted(errors)]
    return CheckedPage(_not_null(table.filter(pa.array(keep)), never_null), rejected)


def _not_null(table: pa.Table, names: tuple[str, ...]) -> pa.Table:
    """The table with its key and required columns declared non-null (their nulls are
    gone by now): the key as the resource's primary key hint says, so dlt sees no hint
    to reconcile; a non-null cursor spares dlt's incremental two copies of every batch
    (it splits a nullable cursor column's rows into null and not null)."""
    schema = table.schema
    for name in names:
        index = schema.get_field_index(name)
        if index >= 0:
            schema = schema.set(index, schema.field(index).with_nullable(False))
    return pa.Table.from_arrays(table.columns, schema=schema)


def _utc(values: pa.ChunkedArray, zone: str) -> tuple[pa.Array, list[tuple[int, str]]]:
    """Text times as UTC timestamps, and the (row, value) pairs that are not times."""
    if pa.types.is_timestamp(values.type):  # a field pyarrow typed itself
        return values.cast(UTC_MICROS), []
    if not pa.types.is_string(values.type):
        values = values.cast(pa.string())
    try:
        return values.cast(UTC_MICROS), []
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    parsed, bad = [], []
    for row, value in enumerate(values.to_pylist()):
        if value is None:
            parsed.append(None)
            continue
        try:
            parsed.append(parse_vendor_timestamp(value, zone))
        except (TypeError, ValueError):
            parsed.append(None)
            bad.append((row, value))
    return pa.array(parsed, type=UTC_MICROS), bad


def _vendor_path(checks: FeedChecks, column: str) -> str:
    """`timestamps__hang_up` as the vendor path `timestamps.hang_up` (the key and the
    required columns keep the vendor's own spelling)."""
    for known in (checks.key, *checks.required):
        if known.name == column:
            return known.vendor_path
    return column.replace("__", ".")


def _is_number(data_type: pa.DataType) -> bool:
    return pa.types.is_integer(data_type) or pa.types.is_floating(data_type)
