"""What the benchmark reads back from a warehouse after a step: row counts, the per-step
seconds the runner logged in `ops.runs`, and the ipSCAPE pipeline's incremental state."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import duckdb

from warehouse.paths import WarehouseLocation

RAW_SCHEMA = "ipscape_raw"
PIPELINE_NAME = "dialer_warehouse_ipscape"
SUMMARY_ROW = re.compile(rf"^\s*{RAW_SCHEMA}\.(\w+)\s+([\d,]+)\s+([\d,]+)\s*$", re.MULTILINE)


def raw_counts(database: Path, tables: tuple[str, ...]) -> dict[str, int]:
    """Rows now in each `ipscape_raw` table (0 for a table not there)."""
    counts = {}
    with duckdb.connect(str(database), read_only=True) as connection:
        present = {
            name
            for (name,) in connection.execute(
                "select table_name from information_schema.tables where table_schema = ?",
                [RAW_SCHEMA],
            ).fetchall()
        }
        for table in tables:
            query = f'select count(*) from {RAW_SCHEMA}."{table}"'
            counts[table] = connection.execute(query).fetchone()[0] if table in present else 0
    return counts


def rows_loaded(load_output: str) -> dict[str, int]:
    """Rows loaded per ipSCAPE raw table (new, or re-read and changed), from the job's
    "Rows loaded this run" summary."""
    return {
        table: int(read.replace(",", "")) for table, read, _new in SUMMARY_ROW.findall(load_output)
    }


def newest_step_seconds(database: Path) -> dict[str, float | None] | None:
    """`step_seconds` of the newest `ops.runs` row (e.g. {"load:ipscape": 1.2,
    "transform": null}); None when the runner does not log it (yet)."""
    with duckdb.connect(str(database), read_only=True) as connection:
        columns = {
            name
            for (name,) in connection.execute(
                "select column_name from information_schema.columns "
                "where table_schema = 'ops' and table_name = 'runs'"
            ).fetchall()
        }
        if "step_seconds" not in columns:
            return None
        row = connection.execute(
            "select step_seconds from ops.runs order by started_at desc limit 1"
        ).fetchone()
    if row is None or row[0] is None:
        return None
    value = json.loads(row[0]) if isinstance(row[0], str) else row[0]
    return value if isinstance(value, dict) else None


def incremental_state(database: Path) -> dict[str, Any]:
    """Resource -> its `incremental` state in the ipSCAPE pipeline of this warehouse."""
    import dlt  # only here: a second or so to import

    location = WarehouseLocation(database.resolve())
    pipeline = dlt.attach(pipeline_name=PIPELINE_NAME, pipelines_dir=str(location.pipelines_dir))
    resources = pipeline.state.get("sources", {}).get("ipscape", {}).get("resources", {})
    return {
        name: state["incremental"]
        for name, state in sorted(resources.items())
        if isinstance(state, dict) and "incremental" in state
    }
