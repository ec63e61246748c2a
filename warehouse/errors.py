"""One-line reasons for the failures a nightly job meets, and the exit codes."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlparse

import requests
from dlt.common.configuration.exceptions import ConfigFieldMissingException
from dlt.extract.exceptions import ResourceExtractionError
from urllib3.exceptions import ReadTimeoutError

from sources.cloudagent.client import VendorError
from sources.common.config_errors import SourceConfigError
from sources.common.rest import UnexpectedPayload
from sources.common.timestamps import BadRecordError
from sources.qvoice.auth import LoginError
from sources.qvoice.records import UnexpectedShape

EXIT_FAILED = 1
EXIT_CONFIG = 2
EXIT_LOCKED = 3  # another run holds the warehouse
EXIT_BUSY = 4  # another process (a reader) holds the DuckDB file past the wait
EXIT_STALE = 5  # `status`: a source's newest record is older than the threshold


class JobError(Exception):
    """A failure already phrased for the operator, with the exit code to use."""

    def __init__(self, message: str, exit_code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def causes(error: BaseException) -> Iterator[BaseException]:
    """The error and what it was raised from, breadth first (dlt nests the real cause).

    Only explicit causes are followed (`raise ... from`, dlt's `.exception`): an
    implicit `__context__` is often an unrelated error handled earlier.
    """
    seen: set[int] = set()
    pending: list[BaseException] = [error]
    while pending:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        wrapped = getattr(current, "exception", None)
        for inner in (wrapped, current.__cause__):
            if isinstance(inner, BaseException):
                pending.append(inner)


def explain(error: BaseException, source: str, credentials: str = "its credentials") -> JobError:
    """Turn a failure of `source`'s load into a one-line JobError.

    `credentials` names the settings to check when the vendor refuses them.
    """
    chain = list(causes(error))
    for cause in chain:
        if isinstance(cause, JobError):
            return cause
        if isinstance(cause, ConfigFieldMissingException):
            missing = ", ".join(cause.fields)
            env = ", ".join(f"SOURCES__{source.upper()}__{f.upper()}" for f in cause.fields)
            return JobError(f"{source}: missing configuration {missing} (set {env})", EXIT_CONFIG)
        if isinstance(cause, BadRecordError):
            return JobError(f"{source}: bad input: {cause}")
        if isinstance(cause, UnexpectedPayload | UnexpectedShape):
            return JobError(f"{source}: {failed_resource(error) or 'a resource'}: {cause}")
        if isinstance(cause, SourceConfigError):
            return JobError(f"{source}: {cause}", EXIT_CONFIG)
        if isinstance(cause, VendorError):
            return _vendor_error(source, cause, credentials)
        if isinstance(cause, LoginError):
            return JobError(f"{source}: {cause}; check {credentials}")
        if isinstance(cause, requests.HTTPError) and cause.response is not None:
            return _http_error(source, cause.response, credentials)
        if isinstance(cause, requests.ConnectionError | requests.Timeout):
            return _connection_error(source, cause)
    return JobError(f"{source}: {type(chain[-1]).__name__}: {chain[-1]}")


def _http_error(source: str, response: requests.Response, credentials: str) -> JobError:
    where = f"{response.request.method} {_where(response.url)}"
    status = response.status_code
    if status in (401, 403):
        return JobError(
            f"{source}: the API refused the credentials (HTTP {status} at {where}); "
            f"check {credentials}"
        )
    retried = " after retries" if status == 429 or status >= 500 else ""
    return JobError(f"{source}: HTTP {status} at {where}{retried}")


def is_resource_specific(error: BaseException) -> bool:
    """Whether a failure concerns one feed (a bad answer from its endpoint) rather than
    the whole source (refused credentials, an unreachable API, bad configuration)."""
    for cause in causes(error):
        if isinstance(cause, UnexpectedPayload | UnexpectedShape):
            return True
        if isinstance(cause, requests.HTTPError) and cause.response is not None:
            return cause.response.status_code not in (401, 403)
    return False


def failed_resource(error: BaseException) -> str | None:
    """The dlt resource whose extraction raised `error`, if one did."""
    for cause in causes(error):
        if isinstance(cause, ResourceExtractionError):
            return cause.pipe_name
    return None


def _vendor_error(source: str, error: VendorError, credentials: str) -> JobError:
    """An error body from the vendor (CloudAgent answers errors with HTTP 200)."""
    message = error.message
    if message in ("apiKey is invalid", "Authentication failed", "userName is invalid"):
        return JobError(
            f"{source}: the API refused the credentials ({message}); check {credentials}"
        )
    if message.startswith("callBackUrl"):
        hint = "check SOURCES__CLOUDAGENT__CALLBACK_PUBLIC_URL"
        return JobError(f"{source}: the vendor refused the callback URL ({message}); {hint}")
    return JobError(f"{source}: {error}")


def _connection_error(source: str, error: requests.RequestException) -> JobError:
    """Unreachable, or timed out (also while reading a body that stalled)."""
    inner = error.args[0] if error.args else None
    timed_out = isinstance(error, requests.Timeout) or isinstance(inner, ReadTimeoutError)
    url = error.request.url if error.request is not None else None
    pool = getattr(inner, "pool", None)
    if url is None and pool is not None and getattr(inner, "url", None):
        url = f"{pool.scheme}://{pool.host}:{pool.port}{inner.url}"
    kind = "timed out" if timed_out else "is unreachable"
    return JobError(f"{source}: API {kind} at {_where(url)} after retries")


def _where(url: str | None) -> str:
    """Host and path, no query (cursors and filters are noise in a one-line reason)."""
    if not url:
        return "(unknown URL)"
    parsed = urlparse(url)
    return f"{parsed.scheme}://{parsed.netloc}{parsed.path}"
