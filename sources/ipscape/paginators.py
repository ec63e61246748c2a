"""Paginators for ipSCAPE's two paging styles.

Cursor feeds answer `{"metadata": {"nextUri": ...}, "items": [...]}` where `nextUri` is
relative to the API root (`/v3.0/...`), or occasionally spelled from the host
(`/platform-api/v3.0/...`). Campaigns page by number instead.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from dlt.common import logger
from dlt.common.jsonpath import TJsonPath, compile_path
from dlt.sources.helpers.rest_client.paginators import JSONLinkPaginator, PageNumberPaginator
from requests import Request, Response

from sources.common.arrow_pages import ParsedPage

# compiled once: jsonpath-ng builds its parser for every path it compiles (~1 ms), and a
# backfill makes a paginator for each of its ~200 window walks
NEXT_URI = compile_path("metadata.nextUri")


class ApiRootLinkPaginator(JSONLinkPaginator):
    """Follows `metadata.nextUri`, joined to the API root rather than the request URL.

    Stops when the link is absent, null or empty, and when a link repeats (logged),
    so a vendor bug cannot loop forever. Pages parsed to Arrow carry their link.
    """

    def __init__(self, api_root: str, next_url_path: TJsonPath = NEXT_URI) -> None:
        super().__init__(next_url_path=next_url_path)
        self.api_root = api_root.rstrip("/")
        self._root_path = urlparse(self.api_root).path.rstrip("/")
        self._seen: set[str] = set()

    def update_state(self, response: Response, data: list[Any] | None = None) -> None:
        if data and isinstance(data[0], ParsedPage):
            self._next_reference = data[0].next_link  # the body was parsed once, to Arrow
        else:
            super().update_state(response, data)
        next_uri = self._next_reference
        if not next_uri:
            self._next_reference = None
            return
        absolute = self._absolute(next_uri)
        if absolute in self._seen:
            logger.warning(f"ipscape: repeated nextUri {urlparse(absolute).path}; stopping here")
            self._next_reference = None
            return
        self._seen.add(absolute)
        self._next_reference = absolute

    def update_request(self, request: Request) -> None:
        request.url = self._next_reference
        # later pages carry their filters inside the cursor
        request.params = None

    def _absolute(self, next_uri: str) -> str:
        if urlparse(next_uri).scheme:
            return next_uri
        path = next_uri if next_uri.startswith("/") else f"/{next_uri}"
        if self._root_path and (path == self._root_path or path.startswith(f"{self._root_path}/")):
            path = path[len(self._root_path) :]
        return f"{self.api_root}{path}"


class CampaignPagePaginator(PageNumberPaginator):
    """`pageNo` from 0; stops on an empty page or when `inPage < perPage`."""

    def __init__(self, per_page: int) -> None:
        super().__init__(base_page=0, page_param="pageNo", total_path=None)
        self.per_page = per_page

    def update_state(self, response: Response, data: list[Any] | None = None) -> None:
        super().update_state(response, data)
        body = response.json()
        in_page, per_page = body.get("inPage"), body.get("perPage") or self.per_page
        if in_page is not None and in_page < per_page:
            self._has_next_page = False
