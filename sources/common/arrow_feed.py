"""Parsed pages of one feed turned into what dlt loads: checked Arrow tables in batches.

Each page table passes the feed's checks (`arrow_checks`); bad rows go to the source's
quarantine. A page whose columns do not fit the table's known types (a field that used
to be a number arrives as text), or that could not become a table at all, goes the
record way instead: the feed's record fixer, then flat records named like the table's
columns, which dlt's normalizer loads with variant columns for the odd values.

Tables are yielded in batches of about `batch_rows` rows: dlt's per-item work (schema
merge, incremental) is then paid once per batch, not once per page (10,000 rows: as
fast as 50,000 and less to hold).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import dlt
import pyarrow as pa

from sources.common.arrow_checks import CheckedPage, FeedChecks, check_page
from sources.common.arrow_pages import NAMING, PROCESSING_SLOTS, ParsedPage
from sources.common.quarantine import Quarantine, RecordFix
from sources.common.seen_keys import SeenKeys

DEFAULT_BATCH_ROWS = 10_000

# dlt data type -> the Arrow types a page column may have to be loaded as that type
_FITS: dict[str, Callable[[pa.DataType], bool]] = {
    "bigint": pa.types.is_integer,
    "double": lambda t: pa.types.is_integer(t) or pa.types.is_floating(t),
    "decimal": lambda t: pa.types.is_integer(t) or pa.types.is_decimal(t),
    "text": lambda t: pa.types.is_string(t) or pa.types.is_large_string(t),
    "bool": pa.types.is_boolean,
    "timestamp": pa.types.is_timestamp,
    "date": pa.types.is_date,
}


def checked_batches(
    pages: Iterable[ParsedPage],
    checks: FeedChecks,
    fix: RecordFix,
    zone: str,
    quarantine: Quarantine,
    seen: SeenKeys,
    declared: dict[str, dict] | None = None,
    batch_rows: int = DEFAULT_BATCH_ROWS,
    changed: Callable[[pa.Table], pa.Table] | None = None,
) -> Iterator[pa.Table | list[dict]]:
    """Loadable batches of the feed: Arrow tables, and lists of flat records for pages
    that had to take the record way. A key in `seen` is not yielded again (and every
    yielded key is added to it); `changed` leaves out of a table the rows the
    warehouse holds as they are (see StoredRows)."""
    batch: list[pa.Table] = []
    rows = 0
    key = checks.key.name

    def flush() -> Iterator[pa.Table]:
        nonlocal batch, rows
        if batch:
            for table in _concatenated(batch):
                first = seen.first_time(table.column(key))
                table = table if first.all() else table.filter(pa.array(first))
                if changed is not None:
                    table = changed(table)
                if table.num_rows:
                    yield table
        batch, rows = [], 0

    for page in pages:
        if page.row_count == 0:
            continue
        if page.table is None or not _fits(page.table, checks.resource, declared or {}):
            yield from flush()
            records = fixed_records(page.records, fix, zone, quarantine)
            first = seen.first_time_of([record.get(key) for record in records])
            records = [record for record, is_first in zip(records, first, strict=True) if is_first]
            if records:
                yield records
            continue
        checked = checked_page(page, checks, zone)
        for error, record in checked.rejected:
            quarantine.add(error, record)
        if checked.table.num_rows:
            batch.append(checked.table)
            rows += checked.table.num_rows
        if rows >= batch_rows:
            yield from flush()
    yield from flush()


def checked_pages(
    pages: Iterable[ParsedPage], checks: FeedChecks, zone: str
) -> Iterator[ParsedPage]:
    """The pages with their checks applied already (`ParsedPage.checked`): run inside a
    window's worker thread, the checks' Arrow calls do not wait on the consuming
    thread's turn at the GIL."""
    for page in pages:
        if page.table is not None and page.table.num_rows:
            with PROCESSING_SLOTS:
                page.checked = check_page(page, checks, zone)
        yield page


def checked_page(page: ParsedPage, checks: FeedChecks, zone: str) -> CheckedPage:
    return page.checked if page.checked is not None else check_page(page, checks, zone)


def fixed_records(
    records: Iterable[dict], fix: RecordFix, zone: str, quarantine: Quarantine
) -> list[dict]:
    """Each record through `fix`, then flattened; bad records go to the quarantine."""
    return [flat_record(record) for record in quarantine.kept(records, fix, zone)]


def flat_record(record: dict, prefix: str = "") -> dict:
    """Nested objects flattened into `parent__child` keys, named as dlt names columns
    (the page tables use the same names); lists are kept as they are."""
    flat: dict = {}
    for name, value in record.items():
        key = f"{prefix}{NAMING.normalize_identifier(name)}"
        if isinstance(value, dict) and value:
            flat.update(flat_record(value, f"{key}__"))
        elif not isinstance(value, dict):
            flat[key] = value
    return flat


def _fits(table: pa.Table, resource: str, declared: dict[str, dict]) -> bool:
    """Whether every column can load as the type the warehouse table already has."""
    known = dict(declared)
    try:
        schema = dlt.current.source_schema()
    except Exception:  # outside an extraction (e.g. in a unit test)
        schema = None
    if schema is not None and resource in schema.tables:
        known.update(schema.get_table_columns(resource))
    for name, column_type in zip(table.column_names, table.schema.types, strict=True):
        data_type = (known.get(name) or {}).get("data_type")
        fits = _FITS.get(data_type or "")
        if data_type == "timestamp" and pa.types.is_string(column_type):
            continue  # text times are parsed by the checks
        if fits is not None and not pa.types.is_null(column_type) and not fits(column_type):
            return False
    return True


def _concatenated(tables: list[pa.Table]) -> Iterator[pa.Table]:
    """The tables as few as possible: pages whose columns differ in type stay apart."""
    try:
        yield pa.concat_tables(tables, promote_options="permissive")
        return
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        pass
    yield from tables
