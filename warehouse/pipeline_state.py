"""A source's local dlt state matched to the warehouse file it belongs to.

dlt keeps a pipeline's state (the incremental cursors, the schema) in its working
folder under `.state/`, and a copy in the warehouse at every load that changed it
(`<dataset>._dlt_pipeline_state`). `pipeline.run` reconciles the two, and only when
the warehouse's copy is the newer; the job calls extract, normalize and load apart,
which reconcile nothing. So when the two part, the warehouse file is the truth:

- the file was deleted to start over: the local cursors would have the next run read
  only the lag window, and the new warehouse would hold those two days alone;
- the file was moved or copied without its `.state` folder: the run would read every
  day since `start_date` again;
- the file was restored from an older backup: the local cursors, ahead of it, would
  skip every day between the backup and the last run.

A run that finds them parted drops the local state and takes the warehouse's copy
(none: the source starts from `start_date`), the way dlt restores a pipeline whose
working folder is gone.
"""

from __future__ import annotations

import logging

import dlt
import duckdb

from warehouse.paths import WarehouseLocation

log = logging.getLogger("dialer_warehouse")

# the newest state the warehouse holds for a pipeline, from a completed load: dlt's own
# `get_stored_state` query. Asked through `pipeline.destination_client()` instead, dlt
# found no state in a warehouse that held it (its client names the dataset after the
# pipeline's schema, which a new working folder does not have yet), created a file
# where there was none, and took 57-136 ms against 37 ms here.
STORED_STATE_HASH = """
select s.version_hash
from "{dataset}"._dlt_pipeline_state as s
join "{dataset}"._dlt_loads as l on l.load_id = s._dlt_load_id
where s.pipeline_name = ? and l.status = 0
order by l.load_id desc
limit 1
"""


def matched_to_warehouse(
    pipeline: dlt.Pipeline, location: WarehouseLocation, dataset: str
) -> dlt.Pipeline:
    """The pipeline with the state the warehouse holds for it. A package left pending
    by an earlier run is finished first, with the local state it was extracted with."""
    if pipeline.has_pending_data:
        return pipeline
    stored = stored_state_hash(location, dataset, pipeline.pipeline_name)
    if stored is None and pipeline.first_run:
        return pipeline  # a new warehouse and a new pipeline
    if stored == pipeline.state.get("_version_hash"):
        return pipeline
    if stored is None:
        log.warning(
            "%s: the warehouse holds no state of %s (a new file?): its local state is "
            "dropped and the source loads from its start date",
            location.database,
            pipeline.pipeline_name,
        )
    else:
        log.warning(
            "%s: the local state of %s is not the warehouse's (the file was moved, or "
            "restored from a backup): the warehouse's state is restored",
            location.database,
            pipeline.pipeline_name,
        )
    pipeline.drop()
    if stored is not None:
        pipeline.sync_destination()
    return pipeline


def stored_state_hash(location: WarehouseLocation, dataset: str, pipeline_name: str) -> str | None:
    """The version hash of the pipeline's newest state in the warehouse; None when it
    holds none (no file, no dataset, no completed load of that pipeline)."""
    if not location.database.exists():
        return None
    with duckdb.connect(str(location.database), read_only=True) as connection:
        try:
            row = connection.execute(
                STORED_STATE_HASH.format(dataset=dataset), [pipeline_name]
            ).fetchone()
        except duckdb.CatalogException:
            return None
    return row[0] if row else None
