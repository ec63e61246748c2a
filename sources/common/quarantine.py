"""Records a source cannot load go to `<source>_raw._quarantine`, not into the feed.

A record with a missing key, an unparseable timestamp or a negative duration is set
aside with the reason and the record as the vendor sent it (JSON text); dlt stamps each
row with its `_dlt_load_id`. The rest of the page loads. The quarantine resource is
the source's last, and the job extracts resources in order (`next_item_mode = fifo`),
so it yields what the others set aside.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime

import dlt
from dlt.sources import DltResource

from sources.common.columns import typed_columns
from sources.common.timestamps import BadRecordError

QUARANTINE_TABLE = "_quarantine"
RecordFix = Callable[[dict, str], dict]  # (record, zone) -> the record fixed; raises BadRecordError
COLUMNS = typed_columns(
    resource="text",
    record_id="text",
    field="text",
    reason="text",
    record="text",
    quarantined_at="timestamp",
)


class Quarantine:
    """Collects the bad records of one source run."""

    def __init__(self) -> None:
        self.rows: list[dict] = []

    def add(self, error: BadRecordError, record: object) -> None:
        self.rows.append(
            {
                "resource": error.resource,
                "record_id": None if error.record_id is None else str(error.record_id),
                "field": error.field,
                "reason": str(error),
                "record": json.dumps(record, default=str, sort_keys=True),
                "quarantined_at": datetime.now(UTC),
            }
        )

    def kept(self, records: Iterable[dict], fix: RecordFix, zone: str) -> list[dict]:
        """Each record through `fix(record, zone)`; the ones it rejects are set aside here."""
        kept = []
        for record in records:
            try:
                kept.append(fix(record, zone))
            except BadRecordError as error:
                self.add(error, record)
        return kept

    def resource(self) -> DltResource:
        def quarantined() -> Iterator[list[dict]]:
            if self.rows:
                yield list(self.rows)

        return dlt.resource(
            quarantined, name=QUARANTINE_TABLE, write_disposition="append", columns=COLUMNS
        )


def check_not_negative(
    record: dict, durations: dict | None, resource: str, record_id: object
) -> None:
    """Durations (seconds) must not be negative."""
    for field, value in (durations or {}).items():
        if isinstance(value, int | float) and value < 0:
            raise BadRecordError(resource, record_id, field, f"is a negative duration: {value!r}")
