"""Running `dialer-warehouse` against a served world, as the nightly job runs it: a
process of its own, configured through the environment for ipSCAPE alone."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from bench.processes import Measured, run_measured
from bench.simulator_process import ServedWorld

CLI = Path(sys.executable).with_name("dialer-warehouse")
# settings the caller's shell may hold that would point the job elsewhere
FOREIGN_PREFIXES = ("SOURCES__", "DESTINATION__")
FOREIGN_NAMES = ("DIALER_WAREHOUSE_PATH",)


def job_env(served: ServedWorld, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The caller's environment without other sources' or destinations' settings, plus
    the served world's ipSCAPE settings; retries are quick, as in the tests, so a
    broken step fails at once; nothing phones home."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(FOREIGN_PREFIXES) and name not in FOREIGN_NAMES
    }
    env.update(
        SOURCES__IPSCAPE__BASE_URL=served.base_url,
        SOURCES__IPSCAPE__API_TOKEN=served.api_token,
        SOURCES__IPSCAPE__START_DATE=served.start_date,
        RUNTIME__REQUEST_MAX_ATTEMPTS="3",
        RUNTIME__REQUEST_BACKOFF_FACTOR="0.01",
        RUNTIME__REQUEST_MAX_RETRY_DELAY="0.05",
        RUNTIME__REQUEST_TIMEOUT="10",
        RUNTIME__DLTHUB_TELEMETRY="false",
        DO_NOT_TRACK="1",
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
    )
    env.update(extra or {})
    return env


def run_job(
    label: str, command: str, database: Path, env: Mapping[str, str], *options: str
) -> Measured:
    """`dialer-warehouse COMMAND --warehouse DATABASE [OPTIONS]`, measured."""
    if not CLI.exists():
        raise FileNotFoundError(f"{CLI} is missing: run `make dev` first")
    return run_measured(label, [str(CLI), command, "--warehouse", str(database), *options], env)
