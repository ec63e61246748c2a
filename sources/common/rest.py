"""A RESTClient that refuses answers it cannot trust instead of reading them as empty.

dlt's RESTClient reads a body without the expected key as an empty page, and a body
that is not JSON fails deep inside paging with no URL. Here either is an
UnexpectedPayload naming the request and quoting the start of the body.
"""

from __future__ import annotations

import contextlib
import threading
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlparse

import requests
from dlt.common.configuration import resolve_configuration
from dlt.common.configuration.specs import RuntimeConfiguration
from dlt.sources.helpers.requests.retry import Client
from dlt.sources.helpers.rest_client import RESTClient
from requests import PreparedRequest, Request, Response
from requests.adapters import HTTPAdapter

from sources.common.rate_limiter import RateLimiter

EXCERPT_CHARS = 80
BODY_READ_BYTES = 1 << 20
POOL_CONNECTIONS = 50  # as dlt's Client: more than any source's requests in flight


class UnexpectedPayload(Exception):
    """An answer that is not JSON, or not of the shape the feed expects."""

    def __init__(self, response: Response, problem: str) -> None:
        parsed = urlparse(response.url)
        method = response.request.method if response.request is not None else "GET"
        excerpt = response.content[:EXCERPT_CHARS].decode("utf-8", errors="replace")
        super().__init__(
            f"{method} {parsed.scheme}://{parsed.netloc}{parsed.path} answered "
            f"{response.status_code} with a body that {problem}: {excerpt!r}"
        )


def json_of(response: Response) -> Any:
    """The body as JSON, or UnexpectedPayload naming the request."""
    try:
        return response.json()
    except ValueError as error:
        raise UnexpectedPayload(response, "is not valid JSON") from error


def served_at(response: Response) -> datetime | None:
    """When the vendor answered: the `Date` header as aware UTC; None when it is absent
    or unreadable. An HTTP date is GMT; one written `-0000` parses naive and is UTC too."""
    try:
        answered = parsedate_to_datetime(response.headers["Date"])
    except (KeyError, TypeError, ValueError):
        return None
    if answered.tzinfo is None:
        return answered.replace(tzinfo=UTC)
    return answered.astimezone(UTC)


class WholeBodyAdapter(HTTPAdapter):
    """requests' adapter, reading a body that is not streamed in reads of up to 1 MiB.

    `Response.content` reads it in 10 KiB chunks, each through urllib3's Python layers:
    ~2.8 ms of CPU for a page of 1,000 activities (820 KB), against ~1.8 ms this way.
    The read goes through `iter_content` still, so a body that fails midway raises the
    same requests exceptions, inside `Session.send`, where dlt's retries see them.
    """

    def send(self, request: PreparedRequest, stream: bool = False, **kwargs: Any) -> Response:
        response = super().send(request, stream=stream, **kwargs)
        if not stream and response.raw is not None:
            # what `Response.content` does, in bigger reads (requests keeps it there)
            response._content = b"".join(response.iter_content(BODY_READ_BYTES))
        return response


class SharedHttp:
    """dlt's HTTP settings (retries, timeouts) resolved once for a source run, and one
    retrying session per thread, reading bodies through `WholeBodyAdapter`. A RESTClient
    left to itself resolves dlt's configuration each time it is made (~8 ms), and the
    window workers make one per thread and feed: on a quiet night that was a fifth of the
    extract."""

    def __init__(self) -> None:
        self.runtime = resolve_configuration(RuntimeConfiguration())
        self._client = Client(raise_for_status=False)  # as RESTClient makes its own
        self._adapter = WholeBodyAdapter(pool_maxsize=POOL_CONNECTIONS)

    def client_settings(self) -> dict[str, Any]:
        """RESTClient keyword arguments: this thread's session and the settings."""
        session = self._client.session
        if session.adapters.get("http://") is not self._adapter:
            session.mount("http://", self._adapter)
            session.mount("https://", self._adapter)
        return {"session": session, "config": self.runtime}


def read_environment_once(session: requests.Session, url: str) -> None:
    """The proxy and CA settings the environment gives for `url`, read now and kept on
    the session. requests would read them again for every request (a scan of the whole
    environment: ~0.8 ms a request, a quarter of a page's cost apart from parsing)."""
    settings = session.merge_environment_settings(url, {}, None, None, None)
    session.proxies.update(settings["proxies"])
    session.verify = settings["verify"]
    session.cert = settings["cert"]
    session.trust_env = False


class CheckedRESTClient(RESTClient):
    """Pages must be JSON objects holding a list under the data key (`data_selector`,
    one key); with `accept_bare_list`, a bare JSON array is a page too. A `limiter`, when
    given, is acquired before every request this client sends; `in_flight`, when given,
    is held while a request is sent and its answer read (retries included), so clients
    sharing it never have more requests at the vendor than its slots."""

    def __init__(
        self,
        *args: Any,
        accept_bare_list: bool = False,
        limiter: RateLimiter | None = None,
        in_flight: threading.Semaphore | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.accept_bare_list = accept_bare_list
        self.limiter = limiter
        self.in_flight = in_flight or contextlib.nullcontext()
        read_environment_once(self.session, self.base_url)

    def _send_request(self, request: Request, **kwargs: Any) -> Response:
        try:
            with self.in_flight:
                if self.limiter is not None:
                    self.limiter.acquire()
                return super()._send_request(request, **kwargs)
        except requests.RequestException as error:
            # a body that stalls fails while being read, with no request attached:
            # attach it, so the failure can name its endpoint
            if error.request is None:
                error.request = request
            raise

    def extract_response(self, response: Response, data_selector: Any) -> list[Any]:
        body = json_of(response)
        if isinstance(body, list) and self.accept_bare_list:
            return body
        key = str(data_selector)
        if not isinstance(body, dict) or key not in body:
            raise UnexpectedPayload(response, f"has no '{key}'")
        data = body[key]
        if data is None:
            return []
        if not isinstance(data, list):
            raise UnexpectedPayload(response, f"has '{key}' that is not a list")
        return data
