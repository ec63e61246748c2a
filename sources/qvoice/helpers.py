"""The Campaigns API v2 HTTP client: one authenticated RESTClient per run."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from requests import Response

from sources.common.rest import CheckedRESTClient, json_of
from sources.qvoice.auth import QVoiceLogin
from sources.qvoice.paginators import StartKeyPaginator
from sources.qvoice.settings import (
    CAMPAIGN_LEADS_KEY_PARAMS,
    CAMPAIGN_LEADS_PATH,
    HISTORY_KEY_PARAMS,
    LEADS_HISTORY_PATH,
)


class QVoiceClient:
    """Pages and snapshots of one QVoice account (`X-Account-ID`), token reused all run."""

    def __init__(self, base_url: str, auth: QVoiceLogin, page_size: int) -> None:
        self.page_size = page_size
        # the history endpoint may answer a bare JSON array: one page
        self._rest = CheckedRESTClient(
            base_url=base_url.rstrip("/"), auth=auth, accept_bare_list=True
        )

    def snapshot(self, path: str) -> tuple[Any, datetime]:
        """One report and the server's time of it (its `Date` header, else ours)."""
        response = self._rest.get(path)
        response.raise_for_status()
        return json_of(response), server_time(response)

    def history_pages(self, start_unix: int, end_unix: int) -> Iterator[list[dict]]:
        """Leads history rows dialled in [start, end] (unix seconds, both inclusive)."""
        yield from self._rest.paginate(
            LEADS_HISTORY_PATH,
            params={"startDate": start_unix, "endDate": end_unix, "pageSize": self.page_size},
            paginator=StartKeyPaginator(HISTORY_KEY_PARAMS),
            data_selector="data",
        )

    def campaign_lead_pages(self, campaign_id: str) -> Iterator[list[dict]]:
        """Every lead currently in one campaign."""
        yield from self._rest.paginate(
            CAMPAIGN_LEADS_PATH.format(campaign_id=campaign_id),
            params={"page_size": self.page_size},
            paginator=StartKeyPaginator(CAMPAIGN_LEADS_KEY_PARAMS),
            data_selector="data",
        )


def server_time(response: Response) -> datetime:
    """The response's `Date` header as aware UTC; the local clock when it is absent."""
    header = response.headers.get("Date")
    if header:
        try:
            return parsedate_to_datetime(header).astimezone(UTC)
        except (TypeError, ValueError):
            pass
    return datetime.now(UTC).replace(microsecond=0)
