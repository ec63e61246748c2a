"""Parsed pages of one feed turned into what dlt loads, inside the window workers.

Each page table passes the feed's checks (`arrow_checks`); bad rows go to the source's
quarantine. Checked tables gather into the feed's batch of about `batch_rows` rows (one
batch for all its workers); a full batch keeps only keys not yielded before this run
(`SeenKeys`) and rows the warehouse does not hold as they are (`FeedRun.unchanged`), is
conformed to the raw table's columns and appended as a row group to the feed's Parquet
file (`feed_files`). All of it runs in the worker that filled the batch, so the workers
use both cores while the extracting thread only hands finished files to dlt
(`dlt_items`).

A page whose columns do not fit the table's known types (a field that used to be a
number arrives as text), or that could not become a table at all, goes the record way
instead: the feed's record fixer, then flat records named like the table's columns,
which dlt's normalizer loads with variant columns for the odd values.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import dlt
import pyarrow as pa
import pyarrow.compute as pc
from dlt.common.configuration.container import Container
from dlt.common.destination.capabilities import DestinationCapabilitiesContext
from dlt.common.libs.pyarrow import normalize_py_arrow_item
from dlt.common.schema.typing import C_DLT_LOAD_ID, TTableSchemaColumns

from sources.common.arrow_checks import FeedChecks, check_page
from sources.common.arrow_pages import NAMING, PROCESSING_SLOTS, ParsedPage
from sources.common.feed_files import FeedFiles, LandedFile
from sources.common.quarantine import Quarantine, RecordFix
from sources.common.seen_keys import SeenKeys
from sources.common.stored_pages import StoredPage, StoredPages

# rows per batch (a row group of a feed file): the memory the feed holds for it (~3 MB of
# attempts, ~8 MB of activities), and the per-batch work paid once per 10 pages
DEFAULT_BATCH_ROWS = 10_000

Batch = pa.Table | list[dict]

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


@dataclass
class FeedRun:
    """What the window workers of one feed share for one run; safe across threads.

    `columns`: the raw table's columns when the run started (the pipeline schema's, or
    the declared ones before the first load), in the table's order: batches are conformed
    to them. `unchanged`, when given, removes rows the warehouse holds as they are;
    `on_batch` sees every batch before it is written (e.g. to collect touched leads).
    `files` is where the batches go.
    """

    checks: FeedChecks
    cursor: str  # the incremental cursor's column (never null: the checks require it)
    fix: RecordFix
    zone: str
    quarantine: Quarantine
    seen: SeenKeys
    columns: TTableSchemaColumns
    landing: Path
    load_id: str
    caps: DestinationCapabilitiesContext
    unchanged: Callable[[pa.Table], pa.Table] | None = None
    on_batch: Callable[[Batch], None] | None = None
    batch_rows: int = DEFAULT_BATCH_ROWS
    # pages served as stored are skipped; pages whose rows this run stores are kept
    stored_pages: StoredPages | None = None

    def __post_init__(self) -> None:
        self.files = FeedFiles(self.landing, self.checks.resource, self.cursor)
        self.cancelled = threading.Event()  # set: the walks stop at their next page
        self._pending: list[pa.Table] = []
        self._pending_pages: list[tuple[str, StoredPage]] = []
        self._pending_rows = 0
        self._lock = threading.Lock()

    def add(
        self, table: pa.Table, page: tuple[str, StoredPage] | None = None
    ) -> tuple[list[pa.Table], list[tuple[str, StoredPage]]]:
        """Add a checked page table (and the page to keep once its rows are stored,
        if any) to the feed's batch; the batch's tables and pages once it is full (the
        caller writes them), else nothing. One batch for the whole feed: the memory it
        holds does not grow with the number of workers."""
        with self._lock:
            self._pending.append(table)
            if page is not None:
                self._pending_pages.append(page)
            self._pending_rows += table.num_rows
            if self._pending_rows < self.batch_rows:
                return [], []
            full = self._pending, self._pending_pages
            self._pending, self._pending_pages, self._pending_rows = [], [], 0
        return full

    def write(
        self, tables: list[pa.Table], pages: list[tuple[str, StoredPage]] = ()
    ) -> list[LandedFile]:
        """Write a batch (keys not yielded before, rows not held unchanged, conformed);
        the files that finished. Its pages are kept as stored unless a row of the batch
        was left out as a key yielded before (the stored row may then be another's)."""
        finished: list[LandedFile] = []
        all_first = True
        for table in _concatenated(tables):
            with PROCESSING_SLOTS:
                written, first = self._write(table)
            finished += written
            all_first = all_first and first
        if self.stored_pages is not None and all_first:
            for url, page in pages:
                self.stored_pages.keep(url, page)
        return finished

    def finish(self) -> list[LandedFile]:
        """Once every walk is done: the rest of the batch written, the last file closed."""
        with self._lock:
            rest, pages = self._pending, self._pending_pages
            self._pending, self._pending_pages, self._pending_rows = [], [], 0
        finished = self.write(rest, pages)
        last = self.files.close()
        return finished + ([last] if last is not None else [])

    def _write(self, table: pa.Table) -> tuple[list[LandedFile], bool]:
        """The batch's files that finished, and whether every key was new this run."""
        first = self.seen.first_time(table.column(self.checks.key.name))
        all_first = bool(first.all())
        table = table if all_first else table.filter(pa.array(first))
        if self.unchanged is not None:
            table = self.unchanged(table)
        if not table.num_rows:
            return [], all_first
        if self.on_batch is not None:
            self.on_batch(table)
        return self.files.append(self.conformed(table)), all_first

    def conformed(self, table: pa.Table) -> pa.Table:
        """The batch as dlt's Arrow extractor would write it: stamped with the load id,
        columns in the table's order (absent ones as nulls), times as the schema says."""
        load_ids = pa.repeat(pa.scalar(self.load_id, pa.string()), table.num_rows)
        stamped = table.append_column(pa.field(C_DLT_LOAD_ID, pa.string(), False), load_ids)
        return normalize_py_arrow_item(stamped, self.columns, NAMING, self.caps, tz="UTC")


def landed_items(pages: Iterable[ParsedPage], run: FeedRun) -> Iterator[LandedFile | list[dict]]:
    """The walk's pages as record lists, and the Parquet files that the batches it
    filled finished (run in the walk's worker; `dlt_items` finishes the feed)."""
    for page in pages:
        if run.cancelled.is_set():
            return
        if page.stored is not None and page.url is not None and run.stored_pages is not None:
            run.stored_pages.keep(page.url, page.stored)  # its rows are stored as they are
            run.stored_pages.count(reused=True)
            continue
        if page.row_count == 0:
            continue
        if run.stored_pages is not None:
            run.stored_pages.count(reused=False)
        if page.table is None or not _fits(page.table, run.columns):
            records = _first_records(page.records, run)
            if records:
                if run.on_batch is not None:
                    run.on_batch(records)
                yield records
            continue
        with PROCESSING_SLOTS:
            checked = check_page(page, run.checks, run.zone)
            kept = None if checked.rejected else _page_to_keep(page, checked.table, run)
        for error, record in checked.rejected:
            run.quarantine.add(error, record)
        if checked.table.num_rows:
            yield from run.write(*run.add(checked.table, kept))


def _page_to_keep(page: ParsedPage, table: pa.Table, run: FeedRun) -> tuple[str, StoredPage] | None:
    """The page as the feed's stored pages keep it once its rows are stored; None when
    the feed keeps none or the next run will not re-read it."""
    if run.stored_pages is None or page.url is None or not table.num_rows:
        return None
    newest = pc.max(table.column(run.cursor)).as_py()
    if newest is None or not run.stored_pages.worth_keeping(newest, page.served_at):
        return None
    return page.url, run.stored_pages.entry(page.body, page.next_link, newest, page.digest)


def _first_records(records: list[dict], run: FeedRun) -> list[dict]:
    """The page's records fixed and flattened, without keys yielded before."""
    fixed = fixed_records(records, run.fix, run.zone, run.quarantine)
    first = run.seen.first_time_of([record.get(run.checks.key.name) for record in fixed])
    return [record for record, is_first in zip(fixed, first, strict=True) if is_first]


def finished_feed(items: Iterable[LandedFile | list[dict]], run: FeedRun) -> Iterator[object]:
    """The walks' items, then (once every walk is done) the rest of the feed."""
    yield from items
    if not run.cancelled.is_set():
        yield from run.finish()


def dlt_items(items: Iterable[LandedFile | list[dict]]) -> Iterator[object]:
    """What the resource yields to dlt: each finished file imported as it is (its edge
    rows as the item dlt's incremental and schema see), record lists as they are.

    dlt's incremental filters the edge rows like any item, and when it filters out both
    the import goes with them: the file is not loaded. No file may hold only rows older
    than the incremental's start, which is why every walk starts there."""
    for item in items:
        if isinstance(item, LandedFile):
            yield dlt.mark.with_file_import(str(item.path), "parquet", item.rows, hints=item.edges)
        else:
            yield item


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


def _fits(table: pa.Table, known: TTableSchemaColumns) -> bool:
    """Whether every column can load as the type the warehouse table already has."""
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
    if not tables:
        return
    try:
        yield pa.concat_tables(tables, promote_options="permissive")
        return
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        pass
    yield from tables


def extract_context(table: str) -> tuple[TTableSchemaColumns, str, DestinationCapabilitiesContext]:
    """Read in the extracting thread when a feed starts: the raw table's columns (the
    pipeline schema's once it has the table, else the hints of the resource of that
    name), this package's load id, and the destination's capabilities."""
    schema = dlt.current.source_schema()
    if table in schema.tables:
        columns = schema.get_table_columns(table)
    else:
        columns = dlt.current.source().resources[table].compute_table_schema()["columns"]
    load_id = dlt.current.load_package_state()["load_id"]
    return columns, load_id, Container()[DestinationCapabilitiesContext]
