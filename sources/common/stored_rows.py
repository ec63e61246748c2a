"""Re-read rows the warehouse already holds as they are, left out of the load.

Every night a cursor feed re-reads its lag window (two days by default) for late
updates; most of those rows come back exactly as they were loaded. Loading them again
costs a staging copy, a delete and an insert per row, and tells the transforms nothing.
A batch's rows whose cursor is not newer than the newest value loaded before this run
(`horizon`) are compared with the stored rows of the same key in DuckDB, column by
column; the ones equal in every column are dropped. A row is kept whenever equality
cannot be told (a nested value stored other than as DuckDB's JSON cast, a type the
comparison refuses, no table yet): dropping is an optimisation, keeping is always
correct (the merge replaces the row with itself).

Grain: one batch (an Arrow table of one feed) at a time, from any window worker of any
feed. One connection serves a whole extraction: opened on the first batch that has
candidates, each thread reading through a cursor of its own, and closed by `close` once
the extraction is over (connections opened and closed by several feeds at once raced
inside DuckDB: "Unique file handle conflict").
"""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

ROW = "__stored_rows_row"  # the batch's row number, carried through the join
DLT_COLUMNS = ("_dlt_load_id", "_dlt_id")


class StoredRows:
    """The stored rows of one DuckDB schema (`dataset`), read to find unchanged rows."""

    def __init__(self, database: str | Path | None, dataset: str) -> None:
        self.database = Path(database) if database else None
        self.dataset = dataset
        self._connection: duckdb.DuckDBPyConnection | None = None
        self._cursors: dict[int, duckdb.DuckDBPyConnection] = {}
        self._columns: dict[str, dict[str, str]] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        """Close the connection, if one was opened: the load opens the file with settings
        of its own. Reading again opens a new one."""
        with self._lock:
            for cursor in self._cursors.values():
                cursor.close()
            if self._connection is not None:
                self._connection.close()
            self._connection = None
            self._cursors.clear()
            self._columns.clear()

    def changed(
        self, table: pa.Table, table_name: str, key: str, cursor: str, horizon: datetime | None
    ) -> pa.Table:
        """`table` without the rows whose cursor is at or before `horizon` and whose
        stored row (same `key`) is equal in every column."""
        if horizon is None or not table.num_rows or cursor not in table.column_names:
            return table
        candidates = pc.fill_null(pc.less_equal(table.column(cursor), pa.scalar(horizon)), False)
        if not pc.any(candidates).as_py():
            return table
        stored = self._stored_columns(table_name)
        if not stored or key not in stored:
            return table
        rows = np.flatnonzero(candidates.to_numpy(zero_copy_only=False))
        same = self._unchanged_rows(table.take(pa.array(rows)), rows, table_name, key, stored)
        if not len(same):
            return table
        keep = np.ones(table.num_rows, dtype=bool)
        keep[same] = False
        return table.filter(pa.array(keep))

    def holds_all(self, records: list[dict], table_name: str, key: str) -> bool:
        """Whether the table holds every one of `records` (flat, named as its columns)
        as it is: a small list re-read whole every run then needs no load."""
        if not records:
            return True
        names = list(dict.fromkeys(name for record in records for name in record))
        try:
            table = pa.table({name: [record.get(name) for record in records] for name in names})
        except (pa.ArrowInvalid, pa.ArrowTypeError):  # values of mixed types: load them
            return False
        stored = self._stored_columns(table_name)
        if not stored or key not in stored or key not in table.column_names:
            return False
        rows = np.arange(table.num_rows)
        return len(self._unchanged_rows(table, rows, table_name, key, stored)) == len(rows)

    def _unchanged_rows(
        self,
        candidates: pa.Table,
        rows: np.ndarray,
        table_name: str,
        key: str,
        stored: dict[str, str],
    ) -> np.ndarray:
        batch = candidates.append_column(ROW, pa.array(rows, type=pa.int64()))
        conditions = [
            _same(name, candidates.schema.field(name).type, stored.get(name))
            for name in candidates.column_names
        ]
        conditions += [
            f"t.{_quoted(name)} IS NULL"
            for name in stored
            if name not in candidates.column_names and name not in DLT_COLUMNS
        ]
        conditions += _key_range(candidates.column(key), f"t.{_quoted(key)}")
        query = (
            f"SELECT b.{ROW} FROM stored_rows_batch AS b "
            f"JOIN {_quoted(self.dataset)}.{_quoted(table_name)} AS t "
            f"ON t.{_quoted(key)} = b.{_quoted(key)} WHERE " + " AND ".join(conditions)
        )
        connection = self._connect()
        try:
            connection.register("stored_rows_batch", batch)
            found = connection.execute(query).fetchnumpy()[ROW]
        except duckdb.Error:  # a comparison DuckDB refuses: keep every row
            return np.empty(0, dtype=np.int64)
        finally:
            connection.unregister("stored_rows_batch")
        return np.asarray(found, dtype=np.int64)

    def _stored_columns(self, table_name: str) -> dict[str, str]:
        """The stored table's columns and their DuckDB types; empty when there is none."""
        with self._lock:
            if table_name in self._columns:
                return self._columns[table_name]
        columns: dict[str, str] = {}
        if self.database is not None and self.database.exists():
            described = self._connect().execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = ? AND table_name = ?",
                [self.dataset, table_name],
            )
            columns = dict(described.fetchall())
        with self._lock:
            return self._columns.setdefault(table_name, columns)

    def _connect(self) -> duckdb.DuckDBPyConnection:
        """This thread's cursor on the warehouse (one connection for the extraction)."""
        thread = threading.get_ident()
        with self._lock:
            if self._connection is None:
                self._connection = duckdb.connect(str(self.database))
            if thread not in self._cursors:
                self._cursors[thread] = self._connection.cursor()
            return self._cursors[thread]


def tables_holding_rows(
    database: str | Path | None, dataset: str, tables: tuple[str, ...]
) -> set[str]:
    """Which of `tables` (in schema `dataset` of the DuckDB file) hold at least one row."""
    if not database or not Path(database).exists():
        return set()
    with duckdb.connect(str(database), read_only=True) as connection:
        existing = {
            name
            for (name,) in connection.execute(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = ?", [dataset]
            ).fetchall()
        }
        return {
            table
            for table in tables
            if table in existing
            and connection.execute(
                f"SELECT EXISTS (SELECT 1 FROM {_quoted(dataset)}.{_quoted(table)})"
            ).fetchone()[0]
        }


def _key_range(keys: pa.ChunkedArray, column: str) -> list[str]:
    """For integer keys, the batch's key range as constants: DuckDB then skips the row
    groups of the stored table outside it (a night's re-read keys are its newest)."""
    if not pa.types.is_integer(keys.type):
        return []
    extremes = pc.min_max(keys)
    low, high = extremes["min"].as_py(), extremes["max"].as_py()
    if low is None or high is None:
        return []
    return [f"{column} BETWEEN {int(low)} AND {int(high)}"]


def _same(name: str, arrow_type: pa.DataType, stored_type: str | None) -> str:
    """SQL that holds when the batch's and the stored value of `name` are equal."""
    column = _quoted(name)
    if stored_type is None:  # a column the table does not have yet
        return f"b.{column} IS NULL"
    if stored_type.upper() == "JSON":
        # a nested value was stored as DuckDB's JSON text of it (the load casts it): the
        # same cast of the batch's value is the same text when the value is the same
        # (stored otherwise, e.g. by dlt's normalizer, it differs and the row is kept)
        return f"b.{column}::JSON IS NOT DISTINCT FROM t.{column}"
    if pa.types.is_nested(arrow_type):
        return "false"  # a nested value where the table holds a scalar: keep the row
    return f"b.{column} IS NOT DISTINCT FROM t.{column}"


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'
