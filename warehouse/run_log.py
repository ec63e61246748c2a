"""`ops.runs`: one row per run of the job, written into the warehouse itself.

A row is written with status `running` when a run starts (after it took the run
lock) and completed when it ends: `succeeded` or `failed` with the one-line error.
A row still `running` while no run holds the lock belongs to a run that was killed.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

import duckdb

from warehouse.paths import WarehouseLocation

CREATE = """
create schema if not exists ops;
create table if not exists ops.runs (
    run_id varchar primary key,
    command varchar,
    started_at timestamptz,
    finished_at timestamptz,
    status varchar,
    rows_loaded json,
    rows_new json,
    quarantined json,
    error varchar
);
alter table ops.runs add column if not exists step_seconds json
"""


def seconds_since(started: float) -> float:
    """Wall seconds since `started` (a `time.monotonic()` reading), to the millisecond:
    a `step_seconds` value."""
    return round(time.monotonic() - started, 3)


@dataclass
class RunRecord:
    """What one run did, per source: rows loaded, rows new, records quarantined; and the
    wall seconds of each step it ran (`load:<source>`, `transform`, `export`), and of
    the part of `transform` that replayed or recorded a night (`transform:replay`,
    `transform:recording`: inside `transform`'s seconds, not added to them)."""

    command: str
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:16])
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    rows_loaded: dict[str, int] = field(default_factory=dict)
    rows_new: dict[str, int] = field(default_factory=dict)
    quarantined: dict[str, int] = field(default_factory=dict)
    step_seconds: dict[str, float] = field(default_factory=dict)  # `load:<source>`, ...


def record_start(location: WarehouseLocation, run: RunRecord) -> None:
    location.database.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(location.database)) as connection:
        connection.execute(CREATE)
        connection.execute(
            "insert into ops.runs (run_id, command, started_at, status) "
            "values (?, ?, ?, 'running')",
            [run.run_id, run.command, run.started_at],
        )


def record_end(location: WarehouseLocation, run: RunRecord, error: str | None) -> None:
    with duckdb.connect(str(location.database)) as connection:
        connection.execute(CREATE)
        connection.execute(
            """
            update ops.runs
            set finished_at = ?, status = ?, rows_loaded = ?, rows_new = ?, quarantined = ?,
                step_seconds = ?, error = ?
            where run_id = ?
            """,
            [
                datetime.now(UTC),
                "failed" if error else "succeeded",
                json.dumps(run.rows_loaded),
                json.dumps(run.rows_new),
                json.dumps(run.quarantined),
                json.dumps(run.step_seconds),
                error,
                run.run_id,
            ],
        )
