"""The transform step: dbt builds staging, core and marts inside the warehouse file.

dbt runs after dlt has closed the file (DuckDB allows one writing process), reads the
same warehouse path (`DIALER_WAREHOUSE_PATH`, set here for the profile) and gets each
source's configured time zone as a dbt var.
"""

from __future__ import annotations

import json
import os
import sys

from warehouse.errors import JobError
from warehouse.paths import TRANSFORMS_DIR, WAREHOUSE_PATH_ENV, WarehouseLocation
from warehouse.registry import SOURCES


def dbt_vars() -> dict[str, str]:
    """`<source>_timezone` for every known source (configured value or vendor default)."""
    return {f"{spec.name}_timezone": spec.timezone() for spec in SOURCES.values()}


def build_transforms(location: WarehouseLocation, full_refresh: bool = False) -> None:
    """`dbt build` (seeds, models, tests) against the warehouse; raises JobError on failure."""
    from dbt.cli.main import dbtRunner

    os.environ[WAREHOUSE_PATH_ENV] = str(location.database)
    args = [
        "build",
        "--project-dir",
        str(TRANSFORMS_DIR),
        "--profiles-dir",
        str(TRANSFORMS_DIR),
        "--target-path",
        str(location.dbt_target_dir),
        "--log-path",
        str(location.dbt_log_dir),
        "--vars",
        json.dumps(dbt_vars()),
    ]
    if full_refresh:
        args.append("--full-refresh")
    if not sys.stdout.isatty():
        args.insert(0, "--quiet")
    result = dbtRunner().invoke(args)
    if result.success:
        return
    if result.exception is not None:
        raise JobError(f"transform: dbt could not run: {result.exception}")
    failures = [
        f"{node.node.name}: {(node.message or node.status).strip().splitlines()[0]}"
        for node in (result.result or [])
        if str(node.status) in ("error", "fail")
    ]
    detail = failures[0] if failures else "see the dbt log in " + str(location.dbt_log_dir)
    more = f" (+{len(failures) - 1} more)" if len(failures) > 1 else ""
    raise JobError(f"transform failed: {detail}{more}")
