"""While a load runs, the heaps' free pages go back to the system: blocks freed under
ones that live on would otherwise stay resident, and a backfill's RSS would grow with
the rows it read (issue 6). Probed in a process of its own, whose heap this test owns."""

from __future__ import annotations

import subprocess
import sys
import textwrap

PROBE = textwrap.dedent(
    """
    import threading
    from warehouse.process_memory import heap_kept_flat

    def anon_mb():
        with open("/proc/self/status") as status:
            return int(status.read().split("RssAnon:")[1].split()[0]) // 1024

    with heap_kept_flat(every_s=0.01) as trimmer:
        blocks = [b"%05d" % i * 800 for i in range(30000)]  # 4,000 bytes each: ~120 MB
        kept = blocks[::50]  # one block in 50 lives on, above most freed pages
        held = anon_mb()
        del blocks
        for _ in range(2):  # the second trim seen starts after the first ends
            trimmer.trimmed.clear()
            trimmed_in_time = trimmer.trimmed.wait(30)
        trimmed = anon_mb()
    running = any(thread.name == "heap-trimmer" for thread in threading.enumerate())
    print(held, trimmed, trimmed_in_time, len(kept), running)
    """
)


def test_a_loads_trimmer_returns_pages_freed_under_live_blocks_and_stops_after() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=60
    )
    held_mb, trimmed_mb, trimmed_in_time, kept, running = done.stdout.split()
    # ~118 MB freed under the 600 live blocks
    assert int(held_mb) - int(trimmed_mb) >= 100, done.stdout
    assert (trimmed_in_time, kept, running) == ("True", "600", "False")
