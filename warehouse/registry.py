"""The vendor sources the job knows: name, raw schema and time-zone default."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import dlt
from dlt.extract.source import DltSource


@dataclass(frozen=True)
class SourceSpec:
    """One vendor: `name` is its config section (`SOURCES__<NAME>__...`)."""

    name: str
    dataset: str
    default_timezone: str
    build: Callable[[], DltSource]
    secret_keys: tuple[str, ...]
    other_credential_keys: tuple[str, ...] = ()

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


def _ipscape() -> DltSource:
    from sources.ipscape import ipscape

    return ipscape()


def _qvoice() -> DltSource:
    from sources.qvoice import qvoice

    return qvoice()


SOURCES: dict[str, SourceSpec] = {
    "ipscape": SourceSpec("ipscape", "ipscape_raw", "Australia/Sydney", _ipscape, ("api_token",)),
    "qvoice": SourceSpec(
        "qvoice", "qvoice_raw", "UTC", _qvoice, ("username", "password", "domain"), ("account_id",)
    ),
}
