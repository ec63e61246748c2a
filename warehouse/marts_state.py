"""Are the marts and their exports current with the raw data? `ops.marts_state`.

One row: when a load last changed raw data, and as of which change the marts were
last rebuilt and exported. A load that changed something records it at once, so a run
that dies before (or while) transforming leaves the marts marked stale, and the next
run rebuilds them even when it loads nothing new itself.
"""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb

from warehouse.paths import WarehouseLocation

CREATE = """
create schema if not exists ops;
create table if not exists ops.marts_state (
    raw_changed_at timestamptz,
    marts_built_as_of timestamptz
)
"""


def note_raw_changed(location: WarehouseLocation) -> None:
    """A load added or altered raw rows just now."""
    with duckdb.connect(str(location.database)) as connection:
        connection.execute(CREATE)
        _ensure_row(connection)
        connection.execute("update ops.marts_state set raw_changed_at = ?", [datetime.now(UTC)])


def raw_changed_at(location: WarehouseLocation) -> datetime | None:
    """The newest raw change, to pass to `note_marts_built` once the marts are rebuilt."""
    with duckdb.connect(str(location.database)) as connection:
        connection.execute(CREATE)
        row = connection.execute("select raw_changed_at from ops.marts_state").fetchone()
    return row[0] if row else None


def marts_are_current(location: WarehouseLocation) -> bool:
    """Whether marts were built and exported since the last raw change."""
    with duckdb.connect(str(location.database)) as connection:
        connection.execute(CREATE)
        row = connection.execute(
            "select raw_changed_at, marts_built_as_of from ops.marts_state"
        ).fetchone()
    if row is None or row[1] is None:
        return False
    changed, built = row
    return changed is None or built >= changed


def note_marts_built(location: WarehouseLocation, as_of: datetime | None) -> None:
    """Marts and exports now reflect every raw change up to `as_of`."""
    with duckdb.connect(str(location.database)) as connection:
        connection.execute(CREATE)
        _ensure_row(connection)
        connection.execute(
            "update ops.marts_state set marts_built_as_of = ?", [as_of or datetime.now(UTC)]
        )


def _ensure_row(connection: duckdb.DuckDBPyConnection) -> None:
    if connection.execute("select count(*) from ops.marts_state").fetchone()[0] == 0:
        connection.execute("insert into ops.marts_state values (null, null)")
