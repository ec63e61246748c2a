"""A night's transform without starting dbt: the SQL of dbt's last incremental build, again.

dbt costs ~5 s before it runs a node (imports, adapter, manifest) and ~60 ms a node
after, which on a night dwarfs the work: the incremental models read only the rows
loaded since their last build. The SQL an incremental build sends is the same from one
night to the next as long as nothing it was compiled from changed: the transforms'
files, vars and versions (the build fingerprint, warehouse/transform.py) and the
warehouse's catalog, which decides what dbt's macros compile to (a raw table or its
empty stand-in, the variant columns data_quality counts, the columns an incremental
model inserts). Every value that moves between nights (the load ids a model consumed,
the report keys queued, the keys rebuilt) is read by that SQL itself from the
transform_state schema, never inlined when dbt compiles.

So every incremental dbt build is recorded (warehouse/dbt_recorder.py): its statements
in order, per node, under a key of the fingerprint and the catalog as they were when it
started. A night whose key matches runs those statements in this process, in one
transaction, and checks the data tests' results as dbt would; anything else, or any
statement that fails, sends the night to dbt (which records anew). A replay killed
halfway commits nothing.

Grain of a recipe: one warehouse file; it lives beside dbt's artifacts.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse.crash_points import crash_if_wanted

log = logging.getLogger("dialer_warehouse")

RECIPE_FILE = "night_recipe.json"
# the session settings of dbt's connections (transforms/profiles.yml, `settings`)
DBT_SESSION_SETTINGS = {"TimeZone": "UTC"}
TRANSACTION_STATEMENTS = {"begin", "commit", "rollback"}
# what the catalog key leaves out: the tables each night rewrites (transform_state.sql)
# and dlt's staging datasets (`<dataset>_staging`, where merges stage rows; dbt never
# reads them, and dlt creates them at a table's first merge)
CATALOG = r"""
    select schema_name, table_name, column_name, data_type
    from duckdb_columns()
    where
        database_name = current_database()
        and not (schema_name = 'transform_state' and suffix(table_name, '_rebuilt_keys'))
        and schema_name not like '%\_staging' escape '\'
    order by all
"""


@dataclass(frozen=True)
class RecordedStatement:
    """One statement dbt executed, and the node it ran for ('' for dbt's own lookups)."""

    node: str
    sql: str


class ReplayFailed(Exception):
    """A recorded statement failed or a data test found rows; nothing was committed."""


def night_key(connection: duckdb.DuckDBPyConnection, fingerprint: str) -> str:
    """What a recipe is valid for: the build fingerprint and the warehouse's catalog
    (database name, every schema, table, column and type, as dbt compiles against)."""
    digest = hashlib.sha256(fingerprint.encode())
    digest.update(connection.execute("select current_database()").fetchone()[0].encode())
    for row in connection.execute(CATALOG).fetchall():
        digest.update(json.dumps(row).encode())
    return digest.hexdigest()


def save_recipe(path: Path, key: str, statements: list[RecordedStatement]) -> None:
    """Write the statements of a build, grouped per node in the order the nodes started
    (a node starts once its parents are done, so this order respects the DAG)."""
    nodes: dict[str, list[str]] = {}
    for statement in statements:
        if statement.sql.strip().lower() not in TRANSACTION_STATEMENTS:
            nodes.setdefault(statement.node, []).append(statement.sql)
    recipe = {"key": key, "nodes": [{"node": n, "statements": s} for n, s in nodes.items()]}
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(recipe))
    os.replace(partial, path)


def load_recipe(path: Path, key: str) -> list[dict] | None:
    """The recorded nodes if the recipe at `path` was recorded under `key`, else None."""
    try:
        recipe = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return recipe["nodes"] if recipe.get("key") == key else None


def replay(connection: duckdb.DuckDBPyConnection, nodes: list[dict]) -> int:
    """Run the recorded nodes in one transaction; returns how many data tests passed.

    Raises ReplayFailed (after a rollback) naming the node whose statement failed, or
    the data tests that found rows. A test whose rows only warn is logged.
    """
    for name, value in DBT_SESSION_SETTINGS.items():
        connection.execute(f"set {name} = '{value}'")
    connection.begin()
    failed_tests, tests, models_done = [], 0, 0
    try:
        for node in nodes:
            result = None
            for sql in node["statements"]:
                try:
                    result = connection.execute(sql)
                except duckdb.Error as error:
                    raise ReplayFailed(f"{node['node'] or 'dbt'}: {error}") from error
            if node["node"].startswith("test."):
                tests += 1
                try:
                    failures, should_warn, should_error = result.fetchone()
                except (TypeError, ValueError) as error:
                    raise ReplayFailed(f"{node['node']}: no test result") from error
                if should_error:
                    failed_tests.append(f"{node['node'].split('.')[2]} ({failures} rows)")
                elif should_warn:
                    log.warning("transform: test %s warns: %s rows", node["node"], failures)
            elif node["node"].startswith("model."):
                models_done += 1
                if models_done == 1:
                    crash_if_wanted("transform")
        if failed_tests:
            raise ReplayFailed(f"data tests failed: {', '.join(failed_tests)}")
    except BaseException:
        connection.rollback()
        raise
    connection.commit()
    return tests
