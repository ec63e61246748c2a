"""FeedFiles: a feed's batches as Parquet files dlt imports as they are."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from sources.common.feed_files import FeedFiles, edge_rows, fitted_to

T0 = datetime(2026, 4, 1, tzinfo=UTC)
CURSOR = "timestamps__dialled"


def batch(keys: list[int], **extra: pa.Array) -> pa.Table:
    columns = {
        "attempt_id": pa.array(keys, pa.int64()),
        CURSOR: pa.array([T0 + timedelta(minutes=k) for k in keys], pa.timestamp("us", "UTC")),
    }
    return pa.table(columns | extra)


def test_a_batch_without_a_column_is_fitted_to_the_file(tmp_path: Path) -> None:
    files = FeedFiles(tmp_path, "dialler_attempts", CURSOR)
    notes = pa.array(["a", "b"])
    assert files.append(batch([1, 2], notes=notes)) == []
    assert files.append(batch([3])) == []  # no `notes`: nulls, same file
    [landed] = [files.close()]
    written = pq.read_table(landed.path)
    assert landed.rows == written.num_rows == 3
    assert written.column("notes").to_pylist() == ["a", "b", None]
    assert list(tmp_path.iterdir()) == [landed.path]


def test_an_emptier_type_is_cast_to_the_files(tmp_path: Path) -> None:
    files = FeedFiles(tmp_path, "activities", CURSOR)
    files_type = pa.list_(pa.struct([("mediaId", pa.int64())]))
    files.append(batch([1], voicemail=pa.array([[{"mediaId": 7}]], files_type)))
    files.append(batch([2], voicemail=pa.array([[]], pa.list_(pa.null()))))
    landed = files.close()
    written = pq.read_table(landed.path)
    assert written.schema.field("voicemail").type == files_type
    assert written.column("voicemail").to_pylist() == [[{"mediaId": 7}], []]


def test_a_new_column_finishes_the_file_and_the_next_has_both(tmp_path: Path) -> None:
    files = FeedFiles(tmp_path, "dialler_attempts", CURSOR)
    files.append(batch([1, 2]))
    [first] = files.append(batch([3], recording_url=pa.array(["https://r/3.wav"])))
    files.append(batch([4]))
    second = files.close()
    assert pq.read_table(first.path).column_names == ["attempt_id", CURSOR]
    assert pq.read_table(second.path).column("recording_url").to_pylist() == [
        "https://r/3.wav",
        None,
    ]
    assert (first.rows, second.rows) == (2, 2)


def test_a_file_is_finished_past_its_rows(tmp_path: Path) -> None:
    files = FeedFiles(tmp_path, "dialler_attempts", CURSOR, max_rows=3)
    assert files.append(batch([1, 2])) == []
    [full] = files.append(batch([3, 4]))
    assert full.rows == 4
    assert files.close() is None  # nothing written since


def test_the_edges_are_the_rows_of_the_smallest_and_largest_cursor(tmp_path: Path) -> None:
    files = FeedFiles(tmp_path, "dialler_attempts", CURSOR)
    files.append(batch([5, 2, 9]))
    files.append(batch([7, 1]))
    landed = files.close()
    assert sorted(landed.edges.column("attempt_id").to_pylist()) == [1, 9]
    assert edge_rows(batch([3]), CURSOR).column("attempt_id").to_pylist() == [3]


def test_fitting_refuses_a_column_the_file_lacks_or_a_type_it_cannot_take() -> None:
    schema = batch([1]).schema
    assert fitted_to(batch([1], extra=pa.array([1])), schema) is None
    text_keys = pa.table({"attempt_id": pa.array(["x"]), CURSOR: batch([1]).column(CURSOR)})
    assert fitted_to(text_keys, schema) is None
