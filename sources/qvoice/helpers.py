"""The Campaigns API v2 HTTP client: one login per run, one RESTClient per thread."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from dlt.sources.helpers.rest_client.client import PageData
from requests import Response

from sources.common.rest import CheckedRESTClient, SharedHttp, json_of, served_at
from sources.common.windows import Window, windowed_pages
from sources.qvoice.auth import QVoiceLogin
from sources.qvoice.paginators import StartKeyPaginator
from sources.qvoice.settings import (
    CAMPAIGN_LEADS_KEY_PARAMS,
    CAMPAIGN_LEADS_PATH,
    HISTORY_KEY_PARAMS,
    LEADS_HISTORY_PATH,
)


class QVoiceClient:
    """Pages and snapshots of one QVoice account (`X-Account-ID`), token reused all run.

    The history's time windows are walked in worker threads, each with its own
    RESTClient (one HTTP session per thread); all share the login and `concurrency`
    slots: never more requests in flight at once, whichever thread sends them.
    """

    def __init__(
        self, base_url: str, auth: QVoiceLogin, page_size: int, concurrency: int = 1
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.page_size = page_size
        self.concurrency = concurrency
        self._auth = auth
        self._in_flight = threading.BoundedSemaphore(concurrency)
        self._http = SharedHttp()
        self._local = threading.local()

    def _rest(self) -> CheckedRESTClient:
        """This thread's client; the history endpoint may answer a bare JSON array (one
        page)."""
        rest = getattr(self._local, "rest", None)
        if rest is None:
            rest = self._local.rest = CheckedRESTClient(
                base_url=self.base_url,
                auth=self._auth,
                accept_bare_list=True,
                in_flight=self._in_flight,
                **self._http.client_settings(),
            )
        return rest

    def snapshot(self, path: str) -> tuple[Any, datetime]:
        """One report and the server's time of it (its `Date` header, else ours)."""
        response = self._rest().get(path)
        response.raise_for_status()
        return json_of(response), server_time(response)

    def history_pages(self, start: datetime, window: timedelta) -> Iterator[list[dict]]:
        """Pages of leads history rows dialled from `start` on. With `concurrency` 1 one
        walk; else the range cut into windows of at least `window`, walked `concurrency`
        at a time, pages in the order they arrive (see `sources.common.windows`)."""
        return windowed_pages(
            start, window, self._history_window, self.concurrency, _page_served_at
        )

    def _history_window(self, window: Window) -> Iterator[PageData]:
        """The pages of one window, both ends inclusive in unix seconds; the open last
        window ends at this machine's now, as the single walk does."""
        begin, end = window
        params = {
            "startDate": int(begin.timestamp()),
            "endDate": int((end or datetime.now(UTC)).timestamp()),
            "pageSize": self.page_size,
        }
        yield from self._rest().paginate(
            LEADS_HISTORY_PATH,
            params=params,
            paginator=StartKeyPaginator(HISTORY_KEY_PARAMS),
            data_selector="data",
        )

    def campaign_lead_pages(self, campaign_id: str) -> Iterator[list[dict]]:
        """Every lead currently in one campaign."""
        yield from self._rest().paginate(
            CAMPAIGN_LEADS_PATH.format(campaign_id=campaign_id),
            params={"page_size": self.page_size},
            paginator=StartKeyPaginator(CAMPAIGN_LEADS_KEY_PARAMS),
            data_selector="data",
        )


def _page_served_at(page: PageData) -> datetime | None:
    """When the vendor served a page (its `Date` header); None when it did not say."""
    return served_at(page.response)


def server_time(response: Response) -> datetime:
    """The response's `Date` header as aware UTC; the local clock when it is absent."""
    return served_at(response) or datetime.now(UTC).replace(microsecond=0)
