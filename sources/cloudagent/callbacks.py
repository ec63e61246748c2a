"""Turning landed callback bodies into dial-status rows, tolerantly.

A body may carry its rows inline (`data` as a list), as a JSON string (`data` as a
string, as the Bulk V4 callback does), or as a link to a CSV or JSON file
(`fileUrl`, `failedFilePath`, `filePath`). A body that cannot be read is reported
with the reason and kept; it never stops the other callbacks.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field

import requests

from sources.cloudagent.landing import LandedCallback

FILE_LINK_KEYS = ("fileUrl", "failedFilePath", "filePath")


@dataclass
class ParsedCallback:
    """One landed body read: its rows, or the reason it could not be read."""

    callback: LandedCallback
    campaign_name: str | None = None
    rows: list[dict] = field(default_factory=list)
    error: str | None = None
    retry_later: bool = False  # a file link that could not be fetched this time


def parse_callback(
    callback: LandedCallback, fetch: Callable[[str], requests.Response]
) -> ParsedCallback:
    parsed = ParsedCallback(callback)
    try:
        body = json.loads(callback.body)
    except (ValueError, UnicodeDecodeError):
        parsed.error = f"not JSON (content type {callback.content_type or 'unknown'!r})"
        return parsed
    if isinstance(body, dict) and isinstance(body.get("data"), str):
        try:
            inner = json.loads(body["data"])
        except ValueError:
            parsed.error = "'data' is a string that is not JSON"
            return parsed
        body = {**body, "data": inner} if not isinstance(inner, dict) else {**body, **inner}
    if isinstance(body, list):
        body = {"data": body}
    if not isinstance(body, dict):
        parsed.error = "body is not a JSON object"
        return parsed
    parsed.campaign_name = body.get("campaignName")
    if isinstance(body.get("data"), list):
        parsed.rows = [row for row in body["data"] if isinstance(row, dict)]
        return parsed
    link = next((body[key] for key in FILE_LINK_KEYS if body.get(key)), None)
    if link is None:
        parsed.error = "no rows: neither 'data' nor a file link"
        return parsed
    try:
        response = fetch(str(link))
        response.raise_for_status()
    except requests.RequestException as error:
        parsed.error = f"file link could not be fetched ({type(error).__name__})"
        parsed.retry_later = True
        return parsed
    parsed.rows, parsed.error = _file_rows(response)
    return parsed


def _file_rows(response: requests.Response) -> tuple[list[dict], str | None]:
    """Rows of a linked CSV or JSON file (by content type, else by its first character)."""
    text = response.content.decode("utf-8-sig", errors="replace")
    content_type = response.headers.get("content-type", "")
    if "json" in content_type or text.lstrip()[:1] in ("[", "{"):
        try:
            data = json.loads(text)
        except ValueError:
            return [], "linked file is not valid JSON"
        if isinstance(data, dict):
            data = data.get("data", [])
        return [row for row in data if isinstance(row, dict)], None
    return list(csv.DictReader(io.StringIO(text))), None
