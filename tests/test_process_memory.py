"""The job's process never loads pandas: pyarrow would import it (0.35 s, 76 MB of RSS)
on its first Python-to-Arrow conversion, only to ask whether a value is a DataFrame."""

from __future__ import annotations

import subprocess
import sys
import textwrap

PROBE = textwrap.dedent(
    """
    import sys
    from warehouse.process_memory import keep_pandas_unloaded
    keep_pandas_unloaded()
    keep_pandas_unloaded()  # twice: one finder
    import pyarrow as pa
    import duckdb
    probe = pa.table({"n": [1, 2]}).append_column("at", pa.array([pa.scalar(0)] * 2))
    rows = duckdb.connect().execute("select sum(n) from probe").fetchall()
    try:
        import pandas
        imported = "imported"
    except ModuleNotFoundError:
        imported = "absent"
    finders = sum(type(f).__name__ == "_PandasHidden" for f in sys.meta_path)
    print(rows[0][0], "pandas" in sys.modules, imported, finders)
    """
)


def run_probe() -> str:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=60
    )
    return done.stdout.strip()


def test_pyarrow_and_duckdb_work_without_loading_pandas() -> None:
    assert run_probe() == "3 False absent 1"
