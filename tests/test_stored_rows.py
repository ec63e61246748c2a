"""StoredRows: re-read rows the warehouse holds as they are are left out of the load."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from sources.common.stored_rows import StoredRows, tables_holding_rows

T0 = datetime(2026, 4, 1, tzinfo=UTC)
VOICEMAIL = pa.list_(pa.struct([("mediaId", pa.int64()), ("duration", pa.int64())]))


def activities(ids: list[int], voicemails: list, codes: list) -> pa.Table:
    return pa.table(
        {
            "activity_id": pa.array(ids, pa.int64()),
            "created": pa.array([T0 + timedelta(hours=i) for i in ids], pa.timestamp("us", "UTC")),
            "voicemail": pa.array(voicemails, VOICEMAIL),
            "wrap_code": pa.array(codes, pa.int64()),
        }
    )


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    """Activities 1-3 stored as the load stores them (the list cast to JSON)."""
    database = tmp_path / "dialer.duckdb"
    stored = activities([1, 2, 3], [[], [{"mediaId": 9, "duration": 12}], []], [26, None, 7])
    with duckdb.connect(str(database)) as connection:
        connection.execute("create schema raw")
        connection.execute(
            "create table raw.activities (activity_id bigint, created timestamptz, "
            "voicemail json, wrap_code bigint, _dlt_load_id varchar, other varchar)"
        )
        connection.register("stored", stored)
        connection.execute(
            "insert into raw.activities by name select *, '1.0' as _dlt_load_id from stored"
        )
        connection.execute("create table raw.empty (activity_id bigint)")
    return database


def test_only_changed_and_new_rows_before_the_horizon_stay(warehouse: Path) -> None:
    rows = StoredRows(warehouse, "raw")
    batch = activities(
        [1, 2, 3, 4],
        [[], [{"mediaId": 9, "duration": 12}], [{"mediaId": 5, "duration": 3}], []],
        [26, None, 7, 1],
    )
    horizon = T0 + timedelta(hours=10)
    kept = rows.changed(batch, "activities", "activity_id", "created", horizon)
    rows.close()
    # 1 and 2 are stored as they are (an empty and a full voicemail list); 3 gained a
    # voicemail; 4 is new
    assert kept.column("activity_id").to_pylist() == [3, 4]


def test_rows_after_the_horizon_are_never_compared(warehouse: Path) -> None:
    rows = StoredRows(warehouse, "raw")
    batch = activities([1, 2], [[], [{"mediaId": 9, "duration": 12}]], [26, None])
    kept = rows.changed(batch, "activities", "activity_id", "created", T0)
    rows.close()
    assert kept.column("activity_id").to_pylist() == [1, 2]


def test_a_small_list_is_held_only_when_every_record_is(warehouse: Path) -> None:
    rows = StoredRows(warehouse, "raw")
    same = [
        {"activity_id": 1, "created": T0 + timedelta(hours=1), "wrap_code": 26, "voicemail": []},
        {"activity_id": 3, "created": T0 + timedelta(hours=3), "wrap_code": 7, "voicemail": []},
    ]
    assert rows.holds_all(same, "activities", "activity_id")
    renamed = [dict(same[0], wrap_code=27), same[1]]
    assert not rows.holds_all(renamed, "activities", "activity_id")
    assert not rows.holds_all([*same, {"activity_id": 8}], "activities", "activity_id")
    assert not rows.holds_all(same, "no_such_table", "activity_id")
    rows.close()


def test_tables_holding_rows(warehouse: Path, tmp_path: Path) -> None:
    tables = ("activities", "empty", "missing")
    assert tables_holding_rows(warehouse, "raw", tables) == {"activities"}
    assert tables_holding_rows(tmp_path / "none.duckdb", "raw", tables) == set()
