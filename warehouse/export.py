"""The export step: each mart as one Parquet file for BI tools.

A file is written beside its final name and renamed over it (atomic on POSIX), so a
reader sees the old file or the new one, never half of one.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from warehouse.crash_points import crash_if_wanted
from warehouse.errors import JobError
from warehouse.paths import WarehouseLocation

MARTS_SCHEMA = "marts"


def export_marts(location: WarehouseLocation) -> list[Path]:
    """Write `exports/<mart>.parquet` for every table of the `marts` schema."""
    if not location.database.exists():
        raise JobError(f"export: no warehouse at {location.database}; run the job first", 2)
    location.exports_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with duckdb.connect(str(location.database)) as connection:
        marts = [
            name
            for (name,) in connection.execute(
                "select table_name from information_schema.tables "
                "where table_schema = ? order by table_name",
                [MARTS_SCHEMA],
            ).fetchall()
        ]
        if not marts:
            raise JobError(
                "export: the warehouse has no marts yet; run `dialer-warehouse transform`"
            )
        for mart in marts:
            final = location.exports_dir / f"{mart}.parquet"
            partial = final.with_name(f".{mart}.parquet.partial")
            connection.execute(
                f"copy (select * from {MARTS_SCHEMA}.\"{mart}\") to '{_sql_path(partial)}' "
                "(format parquet, compression zstd)"
            )
            _fsync(partial)
            crash_if_wanted("export")
            os.replace(partial, final)
            written.append(final)
    return written


def _fsync(path: Path) -> None:
    """Make the bytes durable before the rename makes them visible."""
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")
