"""The load step: each configured source through dlt into its `<source>_raw` schema."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass, field

import dlt
import duckdb
from dlt.common.runtime.collector import LogCollector, NullCollector
from dlt.destinations.impl.duckdb.configuration import DuckDbCredentials
from dlt.pipeline.exceptions import PipelineStepFailed

from sources.common.quarantine import QUARANTINE_TABLE
from warehouse.changes import (
    Fingerprint,
    PackageTable,
    fingerprint_after,
    fingerprint_before,
    package_tables,
)
from warehouse.crash_points import crash_if_wanted, crash_wanted
from warehouse.errors import JobError, explain, failed_resource, is_resource_specific
from warehouse.marts_state import note_raw_changed
from warehouse.paths import WarehouseLocation
from warehouse.pipeline_state import matched_to_warehouse
from warehouse.process_memory import heap_kept_flat
from warehouse.registry import SOURCES, SourceRun, SourceSpec

log = logging.getLogger("dialer_warehouse")

# Memory must not grow with the data: DuckDB spills the merge of a big load to disk
# past this limit, and need not keep insertion order (the merge does not need it).
# 96 MB since 5cebaed (at 128 MB, 300bc50: peak RSS 464 MB at 1M attempts + activities,
# 1.19 times the N/5 peak; at 256 MB: 601 MB). At 64 MB, appending a file of activities
# runs out of memory (dlt retries it as a transient error).
# One DuckDB thread per load job (dlt runs two at a time, `[load] workers`): with two, each
# append filled two sets of row groups, which DuckDB merged and rewrote in one thread
# when the load's connection closed (2.4-3.4 s after a 1M backfill, ~75 MB written); the
# backfill's load took 8.1-8.2 s with two threads, 4.7-5.7 s with one, at the same peak.
DUCKDB_LOAD_SETTINGS = {"memory_limit": "96MB", "preserve_insertion_order": False, "threads": 1}


@dataclass
class SourceLoad:
    """What one source's load did, per raw table.

    `rows_by_table`: rows loaded this run (new, or re-read and changed: a re-read row the
    warehouse holds as it is is not loaded again);
    `new_rows_by_table`: how many more rows the table holds than before the run;
    `changed`: whether the load added or altered any row (see `warehouse.changes`).
    """

    source: str
    rows_by_table: dict[str, int] = field(default_factory=dict)
    new_rows_by_table: dict[str, int] = field(default_factory=dict)
    changed: bool = True  # whether any raw row differs from before the run

    @property
    def quarantined(self) -> int:
        """Records set aside this run (in `<source>_raw._quarantine`)."""
        return self.rows_by_table.get(QUARANTINE_TABLE, 0)

    @property
    def rows(self) -> int:
        return sum(self.rows_by_table.values())

    @property
    def new_rows(self) -> int:
        return sum(self.new_rows_by_table.values())


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
    if not chosen:
        raise JobError("no source is configured: set SOURCES__<SOURCE>__BASE_URL", 2)
    return chosen


def pipeline_for(spec: SourceSpec, location: WarehouseLocation) -> dlt.Pipeline:
    """The dlt pipeline of one source into the warehouse file."""
    location.pipelines_dir.mkdir(parents=True, exist_ok=True)
    credentials = DuckDbCredentials(str(location.database), global_config=DUCKDB_LOAD_SETTINGS)
    return dlt.pipeline(
        pipeline_name=f"dialer_warehouse_{spec.name}",
        destination=dlt.destinations.duckdb(credentials),
        dataset_name=spec.dataset,
        pipelines_dir=str(location.pipelines_dir),
        progress=_progress(),
    )


def load_source(
    spec: SourceSpec, location: WarehouseLocation, overrides: dict | None = None
) -> SourceLoad:
    """Extract, normalize and load one source; finishes a package a crash left behind first.

    A resource whose extraction fails (an answer that is not JSON, a wrong shape, an
    HTTP error past the retries) is left out with its group and the others load; the
    failure, like problems the source met without stopping (a refused campaign), is
    raised as a JobError after the rest is committed. `overrides` are passed to the
    source function (tests inject clocks and limiters).
    """
    with heap_kept_flat():
        return _load(spec, location, overrides or {})


def _load(spec: SourceSpec, location: WarehouseLocation, overrides: dict) -> SourceLoad:
    """`load_source`'s steps."""
    pipeline = matched_to_warehouse(pipeline_for(spec, location), location, spec.dataset)
    if pipeline.has_pending_data:
        # an earlier run died after extracting: normalize and load its package first
        log.info("%s: finishing a load left pending by an earlier run", spec.name)
        pipeline.run(loader_file_format="parquet")
        note_raw_changed(location)  # not compared: rebuild the marts to be sure
    problems, run = _extract(pipeline, spec, location, overrides)
    crash_if_wanted("normalize")
    normalized = pipeline.normalize()
    loaded = {t: n for t, n in normalized.row_counts.items() if not t.startswith("_dlt")}
    loaded = dict.fromkeys(pipeline.default_schema.data_table_names(), 0) | loaded
    # a quiet night loads no row (re-read rows the warehouse holds as they are are left
    # out): nothing to count or compare, only dlt's state, if anything, to load
    rows_to_load = any(loaded.values())
    if rows_to_load:
        before = table_row_counts(location, spec.dataset)
        before_load = _fingerprints_before(pipeline, normalized.loads_ids, location, spec)
    crash_if_wanted("load")
    pipeline.load()
    changed, new = False, dict.fromkeys(pipeline.default_schema.data_table_names(), 0)
    if rows_to_load:
        changed = _changed(before_load, normalized.loads_ids, location, spec)
        after = table_row_counts(location, spec.dataset)
        new = {table: after.get(table, 0) - before.get(table, 0) for table in after}
    if changed:
        note_raw_changed(location)
    problems += run.problems
    if problems:
        raise JobError(f"{spec.name}: " + "; ".join(problems))
    return SourceLoad(spec.name, loaded, new, changed)


def _fingerprints_before(
    pipeline: dlt.Pipeline, load_ids: list[str], location: WarehouseLocation, spec: SourceSpec
) -> tuple[list[PackageTable], list[Fingerprint | None]] | None:
    """The tables of the normalized package and the fingerprints of the rows it replaces;
    None when that cannot be told (no warehouse yet, or several packages)."""
    if len(load_ids) != 1 or not location.database.exists():
        return None
    with duckdb.connect(str(location.database)) as connection:
        tables = package_tables(pipeline, load_ids[0], connection, spec.dataset)
        return tables, [fingerprint_before(connection, spec.dataset, t) for t in tables]


def _changed(
    before: tuple[list[PackageTable], list[Fingerprint | None]] | None,
    load_ids: list[str],
    location: WarehouseLocation,
    spec: SourceSpec,
) -> bool:
    """Whether the load added or altered a row; when in doubt, yes."""
    if not load_ids:
        return False
    if before is None:
        return True
    with duckdb.connect(str(location.database)) as connection:
        for table, fingerprint in zip(*before, strict=True):
            after = fingerprint_after(connection, spec.dataset, table, load_ids[0])
            if fingerprint is None or after is None or after != fingerprint:
                return True
    return False


def _extract(
    pipeline: dlt.Pipeline, spec: SourceSpec, location: WarehouseLocation, overrides: dict
) -> tuple[list[str], SourceRun]:
    """Extract the source; on a resource's failure, again without that resource's group.

    Returns the failures (one line each) and the source run that extracted.
    """
    left_out: list[str] = []
    failures: list[str] = []
    while True:
        run = spec.build(location, overrides)
        selected = [name for name in run.source.resources if name not in left_out]
        source = run.source.with_resources(*selected)
        if crash_wanted("extract"):  # on the first item any resource yields
            for name in selected:
                source.resources[name].add_map(_crash_on_first_page)
        try:
            pipeline.extract(source, loader_file_format="parquet")
            return failures, run
        except PipelineStepFailed as error:
            resource = failed_resource(error)
            group = spec.group_of(resource) if resource else ()
            if not group or set(group) <= set(left_out) or not is_resource_specific(error):
                raise
            left_out.extend(group)
            reason = str(explain(error, spec.name, spec.credential_settings))
            failures.append(reason.removeprefix(f"{spec.name}: "))
        finally:
            run.close()


def _crash_on_first_page(page: object) -> object:
    crash_if_wanted("extract")
    return page


def table_row_counts(location: WarehouseLocation, dataset: str) -> dict[str, int]:
    """Rows per table of one raw schema (dlt's own tables left out); {} before the first load."""
    if not location.database.exists():
        return {}
    with duckdb.connect(str(location.database)) as connection:
        tables = connection.execute(
            "select table_name from information_schema.tables "
            "where table_schema = ? and table_name not like '\\_dlt%' escape '\\'",
            [dataset],
        ).fetchall()
        return {
            name: connection.execute(f'select count(*) from "{dataset}"."{name}"').fetchone()[0]
            for (name,) in tables
        }


def _progress() -> LogCollector | NullCollector:
    """Rows so far on a terminal; nothing in cron (no TTY)."""
    if sys.stderr.isatty():
        return LogCollector(log_period=2.0, logger=sys.stderr, dump_system_stats=False)
    return NullCollector()
