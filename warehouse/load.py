"""The load step: each configured source through dlt into its `<source>_raw` schema."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass, field

import dlt
from dlt.common.runtime.collector import LogCollector, NullCollector

from warehouse.errors import JobError
from warehouse.paths import WarehouseLocation
from warehouse.registry import SOURCES, SourceSpec

log = logging.getLogger("dialer_warehouse")


@dataclass
class SourceLoad:
    """What one source's load wrote: rows per raw table (this run only)."""

    source: str
    rows_by_table: dict[str, int] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(self.rows_by_table.values())


def select_sources(names: list[str] | None) -> list[SourceSpec]:
    """The sources to load: those named (each must be configured), else every configured one."""
    if names:
        unknown = [name for name in names if name not in SOURCES]
        if unknown:
            raise JobError(f"unknown source {unknown[0]!r} (known: {', '.join(SOURCES)})", 2)
        chosen = [SOURCES[name] for name in names]
        for spec in chosen:
            if not spec.is_configured():
                raise JobError(
                    f"{spec.name}: no base_url configured "
                    f"(set SOURCES__{spec.name.upper()}__BASE_URL or .dlt/secrets.toml)",
                    2,
                )
        return chosen
    chosen = []
    for spec in SOURCES.values():
        if spec.is_configured():
            chosen.append(spec)
        else:
            print(f"{spec.name}: skipped (no base_url configured)", file=sys.stderr)
    return chosen


def pipeline_for(spec: SourceSpec, location: WarehouseLocation) -> dlt.Pipeline:
    """The dlt pipeline of one source into the warehouse file."""
    location.pipelines_dir.mkdir(parents=True, exist_ok=True)
    return dlt.pipeline(
        pipeline_name=f"dialer_warehouse_{spec.name}",
        destination=dlt.destinations.duckdb(str(location.database)),
        dataset_name=spec.dataset,
        pipelines_dir=str(location.pipelines_dir),
        progress=_progress(),
    )


def load_source(spec: SourceSpec, location: WarehouseLocation) -> SourceLoad:
    """Extract, normalize and load one source; finishes a package a crash left behind first."""
    pipeline = pipeline_for(spec, location)
    if pipeline.has_pending_data:
        log.info("%s: finishing a load left pending by an earlier run", spec.name)
        pipeline.load()
    pipeline.run(spec.build(), loader_file_format="parquet")
    counts = pipeline.last_trace.last_normalize_info.row_counts
    rows = {table: n for table, n in counts.items() if not table.startswith("_dlt")}
    return SourceLoad(spec.name, rows)


def _progress() -> LogCollector | NullCollector:
    """Rows so far on a terminal; nothing in cron (no TTY)."""
    if sys.stderr.isatty():
        return LogCollector(log_period=2.0, logger=sys.stderr, dump_system_stats=False)
    return NullCollector()
