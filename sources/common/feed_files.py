"""Checked rows of one feed written straight to Parquet files that dlt imports as they are.

dlt's own way with Arrow tables is to normalize each table and write it to Parquet in
the extracting thread, one table after the other: at a million rows that one thread is
the pipeline's bottleneck while the page workers wait. Here the window workers conform
their batches to the raw table's columns (dlt's own `normalize_py_arrow_item`, with
`_dlt_load_id` added) and append them to the feed's Parquet file; dlt imports each
finished file into the load package (`dlt.mark.with_file_import`, a hard link) and, as
the file's columns are in the table's order already, loads it without rewriting it.

The workers of a feed share one file at a time (a lock around each append): every file
is one load job, and a job costs DuckDB and dlt ~30 ms beyond its rows, so a backfill
writes a few big files, not one per window.

dlt still sees two rows of every file (the ones with the smallest and the largest
cursor, every column): its incremental keeps the cursor state from them, and its schema
learns every column (a new field becomes a new column) from them.

Grain: one row group per batch; a file is finished past `max_rows` rows, when a batch
brings a column it lacks, or when the feed is done.
"""

from __future__ import annotations

import itertools
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

DEFAULT_MAX_ROWS = 500_000
# the files live only until dlt has imported them (and its load has read them): written
# uncompressed, they cost the least to write and to read back
COMPRESSION = "none"

_file_numbers = itertools.count()


@dataclass(frozen=True)
class LandedFile:
    """A finished Parquet file of one feed: `rows` rows; `edges` holds its rows with the
    smallest and the largest cursor (every column), for dlt's incremental and schema."""

    path: Path
    rows: int
    edges: pa.Table


class FeedFiles:
    """The Parquet files of one feed, appended to by its window workers (thread-safe).
    `append` returns the files it finished, `close` the last one."""

    def __init__(
        self,
        directory: Path,
        table_name: str,
        cursor: str,
        max_rows: int = DEFAULT_MAX_ROWS,
    ) -> None:
        self.directory = directory
        self.table_name = table_name
        self.cursor = cursor
        self.max_rows = max_rows
        self._lock = threading.Lock()
        self._writer: pq.ParquetWriter | None = None
        self._path: Path | None = None
        self._rows = 0
        self._edges: list[pa.Table] = []

    def append(self, table: pa.Table) -> list[LandedFile]:
        """Add a conformed batch as one row group; the files this finished.

        The batch is fitted to the open file's columns (an absent column as nulls, a
        column typed from emptier pages cast, e.g. a list of nulls); a batch that brings
        a column the file lacks, or a type it cannot be cast to, finishes the file and
        starts one with both batches' columns."""
        if not table.num_rows:
            return []
        finished: list[LandedFile | None] = []
        with self._lock:
            if self._writer is not None:
                fitted = fitted_to(table, self._writer.schema)
                if fitted is None:
                    grown = _grown(self._writer.schema, table.schema)
                    finished.append(self._finish())
                    fitted = fitted_to(table, grown) if grown is not None else table
                table = fitted
            if self._writer is None:
                name = f"{self.table_name}.{os.getpid()}.{next(_file_numbers)}.parquet"
                self._path = self.directory / name
                self._writer = pq.ParquetWriter(
                    self._path, table.schema, compression=COMPRESSION, write_statistics=False
                )
            edges = edge_rows(table, self.cursor)
            self._writer.write_table(table, row_group_size=table.num_rows)
            self._rows += table.num_rows
            self._edges.append(edges)
            if self._rows >= self.max_rows:
                finished.append(self._finish())
        return [landed for landed in finished if landed is not None]

    def close(self) -> LandedFile | None:
        """Finish the open file; None when nothing was written to it."""
        with self._lock:
            return self._finish()

    def _finish(self) -> LandedFile | None:
        if self._writer is None or self._path is None:
            return None
        self._writer.close()
        edges = edge_rows(pa.concat_tables(self._edges), self.cursor)
        landed = LandedFile(self._path, self._rows, edges)
        self._writer, self._path, self._rows, self._edges = None, None, 0, []
        return landed


def edge_rows(table: pa.Table, cursor: str) -> pa.Table:
    """The rows of `table` with the smallest and the largest `cursor` (not null)."""
    values = table.column(cursor)
    extremes = pc.min_max(values)
    low = pc.index(values, extremes["min"]).as_py()
    high = pc.index(values, extremes["max"]).as_py()
    return table.take(pa.array(sorted({low, high}), type=pa.int64()))


def fitted_to(table: pa.Table, schema: pa.Schema) -> pa.Table | None:
    """`table` with `schema`'s columns in its order: absent ones as nulls, others cast
    where their type differs; None when `table` has a column `schema` lacks or a type
    that does not cast."""
    if table.schema.equals(schema):
        return table
    if set(table.column_names) - set(schema.names):
        return None
    for field in schema:
        if field.name not in table.column_names:
            table = table.append_column(field, pa.nulls(table.num_rows, type=field.type))
    try:
        return table.select(schema.names).cast(schema)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        return None


def _grown(old: pa.Schema, new: pa.Schema) -> pa.Schema | None:
    """A schema with the columns of both (the old ones first, types widened where they
    can be); None when a column's types cannot be reconciled."""
    try:
        return pa.unify_schemas([old, new], promote_options="permissive")
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
