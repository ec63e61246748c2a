"""Did a load change the warehouse? Fingerprints of the rows a load package touches.

Every night re-reads a lag window, so every night's load rewrites rows; most are the
same as before. To know whether anything really changed (and the marts must be
rebuilt), the rows a package is about to replace are fingerprinted before the load
(row count and the sum of a hash over the table's own columns), and the same rows
after it. For a merged table with a primary key those are the rows whose keys are in
the package (after the load: the rows stamped with the package's load id), so a quiet
night reads a few thousand rows, not the table. Tables without a key (appended,
nested, scd2) are fingerprinted whole. A new table or a new column is a change.
"""

from __future__ import annotations

from dataclasses import dataclass

import dlt
import duckdb

Fingerprint = tuple[int, int | None]


@dataclass(frozen=True)
class PackageTable:
    """One table of a normalized package: its files, its key, and the compared columns."""

    name: str
    files: tuple[str, ...]
    key: tuple[str, ...]  # empty: fingerprint the whole table
    columns: tuple[str, ...]  # the table's columns before the load, without dlt's own


def package_tables(
    pipeline: dlt.Pipeline, load_id: str, connection: duckdb.DuckDBPyConnection, dataset: str
) -> list[PackageTable]:
    """The tables a normalized (not yet loaded) package writes."""
    info = pipeline.get_load_package_info(load_id)
    files: dict[str, list[str]] = {}
    for job in info.jobs["new_jobs"]:
        name = job.job_file_info.table_name
        if job.job_file_info.file_format == "parquet" and not name.startswith("_dlt"):
            files.setdefault(name, []).append(job.file_path)
    schema = pipeline.default_schema
    tables = []
    for name, paths in sorted(files.items()):
        table = schema.tables.get(name, {})
        keyed = table.get("write_disposition") == "merge" and table.get("x-merge-strategy") in (
            None,
            "delete-insert",
        )
        key = tuple(c for c, hints in table.get("columns", {}).items() if hints.get("primary_key"))
        columns = _columns(connection, dataset, name)
        tables.append(PackageTable(name, tuple(paths), key if keyed else (), columns))
    return tables


def fingerprint_before(
    connection: duckdb.DuckDBPyConnection, dataset: str, table: PackageTable
) -> Fingerprint | None:
    """The rows the package will replace (keyed), or the whole table; None: no table yet."""
    if not table.columns:
        return None
    if not table.key:
        return _fingerprint(connection, dataset, table, "")
    match = " and ".join(f'p."{c}" = t."{c}"' for c in table.key)
    files = ", ".join(f"'{path}'" for path in table.files)
    where = f"where exists (select 1 from read_parquet([{files}]) as p where {match})"
    return _fingerprint(connection, dataset, table, where)


def fingerprint_after(
    connection: duckdb.DuckDBPyConnection, dataset: str, table: PackageTable, load_id: str
) -> Fingerprint | None:
    """The same rows after the load; None when the table's columns changed."""
    if not table.columns or _columns(connection, dataset, table.name) != table.columns:
        return None
    where = f"where t._dlt_load_id = '{load_id}'" if table.key else ""
    return _fingerprint(connection, dataset, table, where)


def _fingerprint(
    connection: duckdb.DuckDBPyConnection, dataset: str, table: PackageTable, where: str
) -> Fingerprint:
    columns = ", ".join(f't."{c}"' for c in table.columns)
    count, total = connection.execute(
        f'select count(*), sum(hash({columns})) from "{dataset}"."{table.name}" as t {where}'
    ).fetchone()
    return count, None if total is None else int(total)


def _columns(connection: duckdb.DuckDBPyConnection, dataset: str, table: str) -> tuple[str, ...]:
    rows = connection.execute(
        "select column_name from information_schema.columns "
        "where table_schema = ? and table_name = ? and column_name not like '\\_dlt%' escape '\\' "
        "order by column_name",
        [dataset, table],
    ).fetchall()
    return tuple(name for (name,) in rows)
