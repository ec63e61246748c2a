"""`dialer-warehouse status`: the last runs, and how fresh each source's data is.

Freshness is the time of the newest record a source has loaded. A configured source
with nothing newer than `--max-age-hours` (or nothing at all) is stale, and the
command exits `EXIT_STALE` so a scheduler or monitor can alert.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TextIO

import duckdb

from warehouse.errors import EXIT_STALE, JobError
from warehouse.file_access import busy_error, is_held_elsewhere
from warehouse.paths import WarehouseLocation
from warehouse.registry import SOURCES
from warehouse.run_lock import holds_lock

RECENT_RUNS = 10


def print_status(location: WarehouseLocation, max_age_hours: float, out: TextIO) -> int:
    if not location.database.exists():
        raise JobError(f"status: no warehouse at {location.database}; run the job first", 2)
    try:
        connection = duckdb.connect(str(location.database), read_only=True)
    except duckdb.IOException as error:
        if is_held_elsewhere(error):
            raise busy_error(error, 0) from error
        raise
    with connection:
        runs = _recent_runs(connection)
        freshness = {
            spec.name: _newest(connection, spec.newest_record_sql) for spec in SOURCES.values()
        }
    running_now = holds_lock(location)
    print("Recent runs:", file=out)
    for run_id, command, started, finished, status, error in runs:
        if status == "running" and not running_now:
            status = "interrupted"
        took = f"{(finished - started).total_seconds():.0f} s" if finished else "-"
        line = f"  {started:%Y-%m-%d %H:%M:%S}Z  {command:<9} {status:<11} {took:>7}  {run_id}"
        print(line + (f"  {error}" if error else ""), file=out)
    if not runs:
        print("  (none)", file=out)
    print(f"Freshness (stale after {max_age_hours:g} h):", file=out)
    now, stale = datetime.now(UTC), []
    for spec in SOURCES.values():
        newest = freshness[spec.name]
        configured = spec.is_configured()
        too_old = newest is None or now - newest > timedelta(hours=max_age_hours)
        verdict = "stale" if too_old else "fresh"
        if not configured:
            verdict = "not configured"
        elif too_old:
            stale.append(spec.name)
        shown = f"{newest:%Y-%m-%d %H:%M:%S}Z" if newest else "never loaded"
        print(f"  {spec.name:<11} newest record {shown:<22} {verdict}", file=out)
    return EXIT_STALE if stale else 0


def _recent_runs(connection: duckdb.DuckDBPyConnection) -> list[tuple]:
    connection.execute("set TimeZone = 'UTC'")
    try:
        return connection.execute(
            "select run_id, command, started_at, finished_at, status, error "
            f"from ops.runs order by started_at desc limit {RECENT_RUNS}"
        ).fetchall()
    except duckdb.CatalogException:
        return []


def _newest(connection: duckdb.DuckDBPyConnection, sql: str) -> datetime | None:
    try:
        value = connection.execute(sql).fetchone()[0]
    except duckdb.CatalogException:
        return None
    return value.astimezone(UTC) if value is not None else None
