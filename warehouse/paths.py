"""Where the project's files and the warehouse live.

Everything is found from this package, never from the current directory: cron starts
the job in `$HOME`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
TRANSFORMS_DIR = PROJECT_ROOT / "transforms"
DEFAULT_WAREHOUSE_PATH = PROJECT_ROOT / "warehouse" / "dialer.duckdb"
WAREHOUSE_PATH_ENV = "DIALER_WAREHOUSE_PATH"


@dataclass(frozen=True)
class WarehouseLocation:
    """The DuckDB file and the folders that belong to it.

    `state_dir` keeps dlt's pipeline working folders and dbt's target and logs, per
    warehouse file, so two warehouses never share incremental state.
    """

    database: Path

    @property
    def exports_dir(self) -> Path:
        return self.database.parent / "exports"

    @property
    def state_dir(self) -> Path:
        return self.database.parent / ".state" / self.database.stem

    @property
    def pipelines_dir(self) -> Path:
        return self.state_dir / "pipelines"

    @property
    def landing_dir(self) -> Path:
        """Where feeds write files for dlt to import (beside the pipelines: one filesystem,
        so dlt links them)."""
        return self.state_dir / "landing"

    @property
    def dbt_target_dir(self) -> Path:
        return self.state_dir / "dbt-target"

    @property
    def dbt_log_dir(self) -> Path:
        return self.state_dir / "dbt-logs"


def resolve_warehouse(cli_path: str | None = None) -> WarehouseLocation:
    """`--warehouse PATH`, else `$DIALER_WAREHOUSE_PATH`, else `warehouse/dialer.duckdb`."""
    chosen = cli_path or os.environ.get(WAREHOUSE_PATH_ENV) or DEFAULT_WAREHOUSE_PATH
    return WarehouseLocation(Path(chosen).expanduser().resolve())


def use_project_config() -> None:
    """Point dlt at the project's `.dlt/` folder (config.toml, secrets.toml)."""
    os.environ.setdefault("DLT_PROJECT_DIR", str(PROJECT_ROOT))
