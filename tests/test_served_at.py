"""The vendor's clock from an answer's `Date` header, whichever way it is written."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from requests import Response

from sources.common.rest import served_at


@pytest.fixture
def far_from_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This process's local zone ten hours from UTC: a naive time read as local shows."""
    monkeypatch.setenv("TZ", "Australia/Brisbane")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def answer(date: str | None) -> Response:
    response = Response()
    if date is not None:
        response.headers["Date"] = date
    return response


@pytest.mark.parametrize(
    "header",
    [
        "Sun, 06 Dec 2026 14:03:05 GMT",
        "Sun, 06 Dec 2026 14:03:05 -0000",
        "Mon, 07 Dec 2026 00:03:05 +1000",
    ],
)
def test_the_date_header_is_read_as_utc(header: str, far_from_utc: None) -> None:
    assert served_at(answer(header)) == datetime(2026, 12, 6, 14, 3, 5, tzinfo=UTC)


@pytest.mark.parametrize("header", [None, "yesterday"])
def test_no_readable_date_is_none(header: str | None) -> None:
    assert served_at(answer(header)) is None
