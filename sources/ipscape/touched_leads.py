"""Which leads a batch of dial attempts touched: the leads to re-read this run.

A batch is an Arrow table or a list of flat records (`lead_id`, `timestamps__dialled`).
"""

from __future__ import annotations

import threading
from datetime import datetime

import pyarrow as pa
import pyarrow.compute as pc


def column_values(batch: pa.Table | list[dict], column: str) -> set:
    """The distinct non-null values of one column of a batch."""
    if isinstance(batch, pa.Table):
        if column not in batch.column_names:
            return set()
        return set(pc.unique(batch.column(column).drop_null()).to_pylist())
    return {record[column] for record in batch if record.get(column) is not None}


def lead_ids_dialled_after(batch: pa.Table | list[dict], newer_than: datetime | None) -> set[int]:
    """Leads of the attempts dialled after `newer_than` (all attempts when None): the
    attempts new this run, whose leads' status has moved on."""
    if newer_than is None:
        return column_values(batch, "lead_id")
    if isinstance(batch, pa.Table):
        if "timestamps__dialled" not in batch.column_names:
            return set()
        dialled = batch.column("timestamps__dialled")
        newer = pc.greater(dialled, pa.scalar(newer_than, type=dialled.type))
        return column_values(batch.filter(pc.fill_null(newer, False)), "lead_id")
    return {
        record["lead_id"]
        for record in batch
        if record.get("lead_id") is not None and record["timestamps__dialled"] > newer_than
    }


class TouchedLeads:
    """The leads touched this run, collected by the attempts feed's window workers."""

    def __init__(self) -> None:
        self.ids: set[int] = set()
        self._lock = threading.Lock()

    def add(self, lead_ids: set[int]) -> None:
        with self._lock:
            self.ids |= lead_ids
