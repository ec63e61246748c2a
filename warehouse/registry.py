"""The vendor sources the job knows: name, raw schema and time-zone default."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import dlt
from dlt.extract.source import DltSource

from warehouse.paths import WarehouseLocation


@dataclass
class SourceRun:
    """A source built for one run, and the problems it met that did not stop it
    (e.g. one CloudAgent campaign refused while the others loaded)."""

    source: DltSource
    problems: list[str] = field(default_factory=list)
    # what must be stopped once the extraction is over, however it ended (feeds the
    # source started ahead in the background)
    closers: list[Callable[[], None]] = field(default_factory=list)

    def close(self) -> None:
        for close in self.closers:
            close()


@dataclass(frozen=True)
class SourceSpec:
    """One vendor: `name` is its config section (`SOURCES__<NAME>__...`)."""

    name: str
    dataset: str
    default_timezone: str
    build: Callable[[WarehouseLocation, dict[str, Any]], SourceRun]
    secret_keys: tuple[str, ...]
    other_credential_keys: tuple[str, ...] = ()
    newest_record_sql: str = ""  # the newest loaded record's time (UTC), for freshness
    # resources that extract together (a transformer and its parent, a shared night):
    # when one fails, its whole group is left out and the others load
    resource_groups: tuple[tuple[str, ...], ...] = ()

    def group_of(self, resource: str) -> tuple[str, ...]:
        return next((group for group in self.resource_groups if resource in group), (resource,))

    @property
    def credential_settings(self) -> str:
        """The environment variables holding this source's credentials, for messages."""
        keys = self.secret_keys + self.other_credential_keys
        return ", ".join(f"SOURCES__{self.name.upper()}__{key.upper()}" for key in keys)

    def is_configured(self) -> bool:
        return bool(dlt.config.get(f"sources.{self.name}.base_url"))

    def timezone(self) -> str:
        return dlt.config.get(f"sources.{self.name}.timezone") or self.default_timezone

    def secret_values(self) -> list[str]:
        """Configured secret values of this source, for scrubbing output."""
        values = []
        for key in self.secret_keys:
            value = dlt.secrets.get(f"sources.{self.name}.{key}")
            if value:
                values.append(str(value))
        return values


def _ipscape(location: WarehouseLocation, overrides: dict[str, Any]) -> SourceRun:
    from sources.ipscape import ipscape

    # files a run left behind (a feed fetched ahead that was never taken) go: one run at
    # a time holds the warehouse, and this one has written nothing there yet
    shutil.rmtree(location.landing_dir, ignore_errors=True)
    location.landing_dir.mkdir(parents=True, exist_ok=True)
    closers: list[Callable[[], None]] = []
    settings = {
        "warehouse": str(location.database),
        "warehouse_dataset": "ipscape_raw",
        "landing_dir": str(location.landing_dir),
        "closers": closers,
    }
    return SourceRun(ipscape(**(settings | overrides)), closers=closers)


def _qvoice(location: WarehouseLocation, overrides: dict[str, Any]) -> SourceRun:
    from sources.qvoice import qvoice

    return SourceRun(qvoice(**overrides))


def _cloudagent(location: WarehouseLocation, overrides: dict[str, Any]) -> SourceRun:
    from sources.cloudagent import cloudagent

    problems: list[str] = []
    settings = {"landing_dir": str(callback_landing_dir(location)), "problems": problems}
    return SourceRun(cloudagent(**(settings | overrides)), problems)


def callback_landing_dir(location: WarehouseLocation) -> str:
    """Where CloudAgent callbacks land: `SOURCES__CLOUDAGENT__LANDING_DIR`, else beside
    the warehouse (`<warehouse folder>/landing/cloudagent`)."""
    configured = dlt.config.get("sources.cloudagent.landing_dir")
    return configured or str(location.database.parent / "landing" / "cloudagent")


SOURCES: dict[str, SourceSpec] = {
    "ipscape": SourceSpec(
        "ipscape",
        "ipscape_raw",
        "Australia/Sydney",
        _ipscape,
        ("api_token",),
        newest_record_sql="select max(timestamps__dialled) from ipscape_raw.dialler_attempts",
        resource_groups=(("dialler_attempts", "lead_refresh"),),
    ),
    "qvoice": SourceSpec(
        "qvoice",
        "qvoice_raw",
        "UTC",
        _qvoice,
        ("username", "password", "domain"),
        ("account_id",),
        newest_record_sql="select to_timestamp(max(timestamp)) from qvoice_raw.leads_history",
        resource_groups=(("campaigns_status", "campaign_leads"),),
    ),
    "cloudagent": SourceSpec(
        "cloudagent",
        "cloudagent_raw",
        "Asia/Kolkata",
        _cloudagent,
        ("api_key", "callback_secret"),
        ("user_name",),
        newest_record_sql="select max(updated_at) from cloudagent_raw.dial_status",
        resource_groups=(("dial_status", "callbacks"),),
    ),
}
