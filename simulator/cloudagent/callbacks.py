"""The callback a dial status request gets: how it is sent (decided per uniqueId from the
seed) and its body, `{"uniqueId", "campaignName", "data": [row, ...]}`, with `data` as a
JSON string, or a `fileUrl` to a CSV / JSON file of the rows instead of `data`."""

from __future__ import annotations

import csv
import io
import json
import random
from dataclasses import dataclass
from typing import Any

from simulator.cloudagent.config import CloudAgentConfig
from simulator.cloudagent.vocabulary import ROW_FIELDS
from simulator.ipscape.draws import uniforms

INLINE = "inline"
JSON_STRING = "json_string"
FILE_LINK = "file_link"
FILES_PATH = "/files"
PLAN_DRAWS = 5


@dataclass(frozen=True)
class CallbackPlan:
    """How one callback goes out: held until released, sent once or twice, and in which
    form (`INLINE`, `JSON_STRING` or `FILE_LINK`, the file as `csv` or `json`)."""

    held: bool
    copies: int
    form: str
    file_format: str


@dataclass(frozen=True)
class RowsFile:
    """A file of rows served at `GET /files/{name}` (`name` has its extension)."""

    name: str
    media_type: str
    content: bytes


def plan_callback(config: CloudAgentConfig, unique_id: str) -> CallbackPlan:
    """The plan of the callback of `unique_id`, from the seed and the config's rates."""
    u = uniforms(random.Random(f"cloudagent:{config.seed}:callback:{unique_id}"), PLAN_DRAWS)
    form = INLINE
    if u[2] < config.file_link_rate:
        form = FILE_LINK
    elif u[3] < config.json_string_rate:
        form = JSON_STRING
    return CallbackPlan(
        held=u[0] < config.hold_rate,
        copies=2 if u[1] < config.duplicate_rate else 1,
        form=form,
        file_format="csv" if u[4] < 0.5 else "json",
    )


def callback_body(
    unique_id: str,
    campaign_name: str,
    rows: list[dict[str, Any]],
    plan: CallbackPlan,
    files_base_url: str,
) -> tuple[dict[str, Any], RowsFile | None]:
    """The JSON body to POST, and the file it links to (None unless `FILE_LINK`)."""
    body: dict[str, Any] = {"uniqueId": unique_id, "campaignName": campaign_name}
    if plan.form == FILE_LINK:
        rows_file = rows_as_file(unique_id, rows, plan.file_format)
        body["fileUrl"] = f"{files_base_url}{FILES_PATH}/{rows_file.name}"
        return body, rows_file
    body["data"] = json.dumps(rows) if plan.form == JSON_STRING else rows
    return body, None


def rows_as_file(unique_id: str, rows: list[dict[str, Any]], file_format: str) -> RowsFile:
    """`<uniqueId>.csv` (header = the row keys, every value as text) or `<uniqueId>.json`
    (a JSON array of the rows)."""
    if file_format == "json":
        return RowsFile(f"{unique_id}.json", "application/json", json.dumps(rows).encode())
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=ROW_FIELDS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return RowsFile(f"{unique_id}.csv", "text/csv", text.getvalue().encode())
