"""While a command runs, pandas stays out of the process: pyarrow would import it
(0.35 s, 76 MB of RSS) on its first Python-to-Arrow conversion, only to ask whether a
value is a DataFrame. Once the command is over, pandas imports again."""

from __future__ import annotations

import subprocess
import sys
import textwrap

PROBE = textwrap.dedent(
    """
    import sys
    from warehouse.process_memory import pandas_kept_out
    with pandas_kept_out():
        import pyarrow as pa
        import duckdb
        probe = pa.table({"n": [1, 2]}).append_column("at", pa.array([pa.scalar(0)] * 2))
        rows = duckdb.connect().execute("select sum(n) from probe").fetchall()
        try:
            import pandas
            during = "imported"
        except ModuleNotFoundError:
            during = "absent"
        loaded = "pandas" in sys.modules
    import pandas
    print(rows[0][0], loaded, during, "pandas" in sys.modules)
    """
)


def run_probe() -> str:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=60
    )
    return done.stdout.strip()


def test_pyarrow_and_duckdb_work_while_pandas_is_kept_out_and_it_imports_after() -> None:
    assert run_probe() == "3 False absent True"
