"""The `dialer-warehouse` script ends its process without CPython's finalization (0.25 to
0.5 s of a no-op run): what a normal exit runs first still runs (the `atexit`
callbacks), buffered output still arrives, the exit code is main's, and while another
thread runs the exit is the normal one, which waits for it."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

PROBE = textwrap.dedent(
    """
    import atexit, sys, threading
    from warehouse.cli import console

    marker, mode, warehouse = sys.argv[1:4]

    def note_exit():  # as a library's exit callback would: buffered, never flushed
        sys.stdout.write(" / atexit ran")

    atexit.register(note_exit)
    sys.stdout.write("buffered, no newline")  # a pipe: held in the buffer
    if mode == "thread":
        release = threading.Event()

        def finish():
            release.wait()
            with open(marker + ".thread", "w") as out:
                out.write("thread finished")

        threading.Thread(target=finish).start()
    sys.argv = ["dialer-warehouse", "status", "--warehouse", warehouse]
    code = console()
    print(f" / console returned {code}")
    release.set()
    sys.exit(code)
    """
)


def run_probe(tmp_path: Path, mode: str) -> subprocess.CompletedProcess:
    marker = tmp_path / "marker"
    missing = tmp_path / "no-such" / "warehouse.duckdb"
    return subprocess.run(
        [sys.executable, "-c", PROBE, str(marker), mode, str(missing)],
        capture_output=True,
        text=True,
        timeout=60,
        # buffered output, as cron's pipe gets it
        env={k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"},
    )


def test_the_script_exits_with_mains_code_after_the_exit_callbacks_and_flushed_output(
    tmp_path: Path,
) -> None:
    done = run_probe(tmp_path, "alone")
    assert done.returncode == 2  # status: no warehouse
    assert done.stdout == "buffered, no newline / atexit ran"  # console never returned
    assert "status: no warehouse at" in done.stderr
    assert "leaked" not in done.stderr


def test_with_another_thread_running_the_script_exits_normally_and_waits_for_it(
    tmp_path: Path,
) -> None:
    done = run_probe(tmp_path, "thread")
    assert done.returncode == 2
    assert done.stdout == "buffered, no newline / console returned 2\n / atexit ran"
    assert (tmp_path / "marker.thread").read_text() == "thread finished"
