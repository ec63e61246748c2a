"""The `next_start_key` paging of the Campaigns API v2."""

from __future__ import annotations

from typing import Any

from dlt.common import logger
from dlt.sources.helpers.rest_client.paginators import JSONResponseCursorPaginator
from requests import Request, Response


class StartKeyPaginator(JSONResponseCursorPaginator):
    """Reads `next_start_key`; sends it as each of `key_params` on the next request.

    Stops when the key is absent, null or empty, when it repeats (logged), and after
    a bare JSON array, which is the whole answer in one page.
    """

    def __init__(self, key_params: tuple[str, ...]) -> None:
        super().__init__(cursor_path="next_start_key", cursor_param=key_params[0])
        self.key_params = key_params
        self._seen: set[str] = set()

    def update_state(self, response: Response, data: list[Any] | None = None) -> None:
        if isinstance(response.json(), list):
            self._next_reference = None
            return
        super().update_state(response, data)
        key = self._next_reference
        if key in self._seen:
            path = response.request.path_url.split("?")[0]
            logger.warning(f"qvoice: repeated next_start_key at {path}; stopping")
            self._next_reference = None
        elif key:
            self._seen.add(key)

    def update_request(self, request: Request) -> None:
        super().update_request(request)
        for param in self.key_params[1:]:
            request.params[param] = self._next_reference
