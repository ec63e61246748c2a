"""Runs dbt in this process and, when asked, keeps the SQL it sent to the warehouse.

    python -m warehouse.dbt_recorder [--record FILE --key KEY] -- <dbt arguments>

dbt's adapter fires a `SQLQuery` event for every statement it executes, naming the node
it runs for (dbt-adapters' `SQLConnectionManager.add_query`); a callback given to
`dbtRunner`, dbt's documented programmatic entry point, receives them in the order they
ran. When the build succeeds they are written to FILE as a night recipe (see
warehouse/night_replay.py), under KEY. An event has a statement's text, not values bound
to it; only seeds' inserts bind values, and a night builds no seeds.

Exit codes are dbt's own: 0 success, 1 a node failed, 2 dbt itself failed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from warehouse.night_replay import RecordedStatement, save_recipe


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m warehouse.dbt_recorder")
    parser.add_argument("--record", type=Path, help="write the statements of a success here")
    parser.add_argument("--key", help="what the recipe is valid for (night_replay.night_key)")
    parser.add_argument("dbt_args", nargs=argparse.REMAINDER)
    options = parser.parse_args(argv)
    dbt_args = options.dbt_args[1:] if options.dbt_args[:1] == ["--"] else options.dbt_args

    from dbt.cli.main import dbtRunner

    statements: list[RecordedStatement] = []

    def keep_statement(event) -> None:
        if event.info.name == "SQLQuery":
            statements.append(RecordedStatement(event.data.node_info.unique_id, event.data.sql))

    callbacks = [keep_statement] if options.record else []
    result = dbtRunner(callbacks=callbacks).invoke(dbt_args)
    if result.exception is not None:
        print(f"dbt: {result.exception}", file=sys.stderr)
        return 2
    if not result.success:
        return 1
    if options.record:
        save_recipe(options.record, options.key, statements)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
