"""Peak resident memory (MB) of a process and all its descendants, sampled from /proc
every 50 ms (Linux; no psutil)."""

from __future__ import annotations

import os
import threading
from types import TracebackType

SAMPLE_SECONDS = 0.05
KIB_PER_MB = 1024


def _parents() -> dict[int, int]:
    """pid -> parent pid of every process now running."""
    parents = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                # "pid (comm) state ppid ...": comm may hold spaces and parentheses
                fields = stat.read().rsplit(")", 1)[1].split()
            parents[int(entry)] = int(fields[1])
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
    return parents


def process_tree(root: int) -> list[int]:
    """`root` and every process descended from it."""
    children: dict[int, list[int]] = {}
    for pid, parent in _parents().items():
        children.setdefault(parent, []).append(pid)
    tree, pending = [], [root]
    while pending:
        pid = pending.pop()
        tree.append(pid)
        pending.extend(children.get(pid, ()))
    return tree


def resident_kib(pid: int) -> int:
    """VmRSS of one process in KiB; 0 when it is gone or a zombie."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


class TreeMemorySampler:
    """Samples the summed VmRSS of `pid`'s process tree in a thread while in a `with`
    block; `peak_mb` is the largest sum seen."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="rss-sampler", daemon=True)

    @property
    def peak_mb(self) -> float:
        return self.peak_kib / KIB_PER_MB

    def _sample(self) -> None:
        while True:
            total = sum(resident_kib(pid) for pid in process_tree(self.pid))
            self.peak_kib = max(self.peak_kib, total)
            if self._stop.wait(SAMPLE_SECONDS):
                return

    def __enter__(self) -> TreeMemorySampler:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()
