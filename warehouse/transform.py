"""The transform step: dbt builds staging, core and marts inside the warehouse file.

dbt runs in its own process after dlt has closed the file (DuckDB allows one writing
process), so it never shares a connection or global state with the job. It reads the
same warehouse path (`DIALER_WAREHOUSE_PATH`, passed to the profile) and gets each
source's configured time zone as a dbt var.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from warehouse.crash_points import crash_if_wanted, crash_wanted
from warehouse.errors import JobError
from warehouse.paths import TRANSFORMS_DIR, WAREHOUSE_PATH_ENV, WarehouseLocation
from warehouse.registry import SOURCES

DBT = Path(sys.executable).with_name("dbt")


def dbt_vars() -> dict[str, str]:
    """`<source>_timezone` for every known source (configured value or vendor default)."""
    return {f"{spec.name}_timezone": spec.timezone() for spec in SOURCES.values()}


def build_transforms(location: WarehouseLocation, full_refresh: bool = False) -> None:
    """`dbt build` (seeds, models, tests) against the warehouse; raises JobError on failure."""
    args = [
        str(DBT),
        "--no-use-colors" if not sys.stdout.isatty() else "--use-colors",
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
        args.insert(1, "--quiet")
    # dbt needs no vendor settings: keep the sources' secrets out of its process
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOURCES__")} | {
        WAREHOUSE_PATH_ENV: str(location.database),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    (location.dbt_target_dir / "run_results.json").unlink(missing_ok=True)
    log_file = location.dbt_log_dir / "dbt.log"
    log_start = log_file.stat().st_size if log_file.exists() else 0
    quiet = not sys.stdout.isatty()
    with subprocess.Popen(
        args,
        env=env,
        stdout=subprocess.PIPE if quiet else None,
        stderr=subprocess.STDOUT,
        text=True,
    ) as dbt:
        if crash_wanted("transform"):
            _crash_once_dbt_builds(log_file, log_start)
        output, _ = dbt.communicate()
    if dbt.returncode != 0:
        raise JobError(f"transform failed: {_first_failure(location, output)}")


def _crash_once_dbt_builds(log_file: Path, log_start: int) -> None:
    """For crash tests: die (with dbt) once this dbt run has created a first model."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if log_file.exists():
            with open(log_file, "rb") as log:
                log.seek(log_start)
                if b"OK created" in log.read():
                    break
        time.sleep(0.05)
    crash_if_wanted("transform")


def _first_failure(location: WarehouseLocation, output: str | None) -> str:
    """The first failed node and its message, from run_results.json or dbt's output."""
    results_path = location.dbt_target_dir / "run_results.json"
    try:
        results = json.loads(results_path.read_text())["results"]
    except (OSError, ValueError, KeyError):
        results = []
    failures = [r for r in results if r.get("status") in ("error", "fail")]
    if failures:
        first = failures[0]
        node = first.get("unique_id", "?").split(".")[-1]
        message = (first.get("message") or first.get("status")).strip().splitlines()[0]
        more = f" (+{len(failures) - 1} more)" if len(failures) > 1 else ""
        return f"{node}: {message}{more}"
    lines = [line.strip() for line in (output or "").splitlines() if line.strip()]
    return lines[-1] if lines else f"dbt exited with an error; see {location.dbt_log_dir}"
