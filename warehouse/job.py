"""The nightly job as three steps: load every source, build the transforms, export."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from warehouse.errors import JobError, explain
from warehouse.export import export_marts
from warehouse.load import SourceLoad, load_source, select_sources
from warehouse.paths import WarehouseLocation
from warehouse.transform import build_transforms

log = logging.getLogger("dialer_warehouse")


@dataclass
class JobResult:
    """What a run did: per-source loads and the exported files."""

    loads: list[SourceLoad] = field(default_factory=list)
    exports: list[Path] = field(default_factory=list)


def load_step(location: WarehouseLocation, source_names: list[str] | None) -> list[SourceLoad]:
    """Load each selected source; a failing source does not stop the others.

    Raises the first failure (with every failed source named) once all have run.
    """
    loads, failures = [], []
    for spec in select_sources(source_names):
        log.info("%s: loading into %s", spec.name, spec.dataset)
        try:
            loads.append(load_source(spec, location))
        except Exception as error:
            failures.append(explain(error, spec.name, spec.credential_settings))
    if failures:
        first = failures[0]
        others = "; ".join(str(f) for f in failures[1:])
        raise JobError(f"{first}; {others}" if others else str(first), first.exit_code)
    return loads


def transform_step(location: WarehouseLocation, full_refresh: bool = False) -> None:
    if not location.database.exists():
        raise JobError(f"transform: no warehouse at {location.database}; run a load first", 2)
    log.info("transform: dbt build")
    build_transforms(location, full_refresh=full_refresh)


def export_step(location: WarehouseLocation) -> list[Path]:
    log.info("export: marts to %s", location.exports_dir)
    return export_marts(location)


def run_job(location: WarehouseLocation, source_names: list[str] | None = None) -> JobResult:
    """Load, then transform, then export."""
    result = JobResult(loads=load_step(location, source_names))
    transform_step(location)
    result.exports = export_step(location)
    return result
