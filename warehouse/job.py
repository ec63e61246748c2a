"""The nightly job as three steps: load every source, build the transforms, export."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from warehouse.errors import JobError, explain
from warehouse.export import export_marts
from warehouse.load import SourceLoad, load_source, select_sources
from warehouse.marts_state import marts_are_current, note_marts_built, raw_changed_at
from warehouse.paths import WarehouseLocation
from warehouse.run_log import RunRecord, seconds_since
from warehouse.transform import build_transforms

log = logging.getLogger("dialer_warehouse")


@dataclass
class JobResult:
    """What a run did: per-source loads, the exported files, and whether the marts
    were left as they were (nothing new since they were last built and exported)."""

    loads: list[SourceLoad] = field(default_factory=list)
    exports: list[Path] = field(default_factory=list)
    marts_current: bool = False


def load_sources(
    location: WarehouseLocation,
    source_names: list[str] | None,
    record: RunRecord | None = None,
) -> tuple[list[SourceLoad], JobError | None]:
    """Load each selected source; a failing source does not stop the others.

    Returns the loads that succeeded and, if any failed, one JobError naming them all.
    Counts go to `record` (the run's `ops.runs` row) as each source finishes.
    """
    loads, failures = [], []
    for spec in select_sources(source_names):
        log.info("%s: loading into %s", spec.name, spec.dataset)
        started = time.monotonic()
        try:
            load = load_source(spec, location)
        except Exception as error:
            failures.append(explain(error, spec.name, spec.credential_settings))
            continue
        finally:
            if record is not None:
                record.step_seconds[f"load:{spec.name}"] = seconds_since(started)
        loads.append(load)
        if record is not None:
            record.rows_loaded[spec.name] = load.rows
            record.rows_new[spec.name] = load.new_rows
            record.quarantined[spec.name] = load.quarantined
    if not failures:
        return loads, None
    message = "; ".join(str(failure) for failure in failures)
    return loads, JobError(message, max(failure.exit_code for failure in failures))


def load_step(
    location: WarehouseLocation,
    source_names: list[str] | None,
    record: RunRecord | None = None,
) -> list[SourceLoad]:
    """Load the selected sources; raises the failures once all have run."""
    loads, failure = load_sources(location, source_names, record)
    if failure:
        raise failure
    return loads


def transform_step(
    location: WarehouseLocation, full_refresh: bool = False, record: RunRecord | None = None
) -> None:
    """Build the transforms; their parts' seconds (a replay, a recording) go to `record`."""
    if not location.database.exists():
        raise JobError(f"transform: no warehouse at {location.database}; run a load first", 2)
    log.info("transform: build")
    started = time.monotonic()
    parts = build_transforms(location, full_refresh=full_refresh)
    if record is not None:
        record.step_seconds["transform"] = seconds_since(started)
        record.step_seconds.update(parts)


def export_step(location: WarehouseLocation) -> list[Path]:
    log.info("export: marts to %s", location.exports_dir)
    return export_marts(location)


def run_job(
    location: WarehouseLocation,
    source_names: list[str] | None = None,
    record: RunRecord | None = None,
) -> JobResult:
    """Load, then transform, then export: the last two only when a load changed raw
    data since the marts were last built and exported (else they are current already).

    When some sources fail, the marts are still rebuilt from what did load (and what
    earlier nights loaded); the run then fails with the sources' reasons.
    """
    loads, failure = load_sources(location, source_names, record)
    result = JobResult(loads=loads)
    if loads and marts_are_current(location):
        log.info("nothing new since the marts were built: transform and export skipped")
        result.marts_current = True
    elif loads:
        as_of = raw_changed_at(location)
        transform_step(location, record=record)
        started = time.monotonic()
        result.exports = export_step(location)
        _timed(record, "export", started)
        note_marts_built(location, as_of)
    if failure:
        raise failure
    return result


def _timed(record: RunRecord | None, step: str, started: float) -> None:
    if record is not None:
        record.step_seconds[step] = seconds_since(started)
