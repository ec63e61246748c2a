"""One run at a time per warehouse: an exclusive `flock` on `<warehouse>.lock`.

The kernel releases the lock when its process dies, so a run killed with SIGKILL
never blocks the next one; the holder's details it left in the file tell the next
run that it is taking over a stale lock. A second run started while the first holds
the lock exits at once with `EXIT_LOCKED`.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from warehouse.errors import EXIT_LOCKED, JobError
from warehouse.paths import WarehouseLocation


def lock_path(location: WarehouseLocation) -> Path:
    return location.database.with_name(location.database.name + ".lock")


@contextmanager
def run_lock(location: WarehouseLocation, command: str) -> Iterator[None]:
    """Hold the warehouse's run lock for the duration of the block."""
    path = lock_path(location)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(descriptor)
            raise JobError(
                f"another run holds the warehouse since {holder.get('started_at', '?')} "
                f"(pid {holder.get('pid', '?')}, {holder.get('command', '?')}); "
                f"not starting a second one",
                EXIT_LOCKED,
            ) from None
        stale = _holder(descriptor)
        if stale:
            print(
                f"dialer-warehouse: taking over a stale lock left by pid {stale.get('pid')} "
                f"(its run started {stale.get('started_at')} and did not finish)",
                file=sys.stderr,
            )
        _write_holder(descriptor, command)
        try:
            yield
        finally:
            os.ftruncate(descriptor, 0)
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


def holds_lock(location: WarehouseLocation) -> bool:
    """Whether some run holds the warehouse's lock right now."""
    path = lock_path(location)
    if not path.exists():
        return False
    descriptor = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(descriptor)
    return False


def _holder(descriptor: int) -> dict:
    os.lseek(descriptor, 0, os.SEEK_SET)
    text = os.read(descriptor, 4096).decode("utf-8", errors="replace").strip()
    try:
        return json.loads(text) if text else {}
    except ValueError:
        return {"pid": "?", "started_at": "?"}


def _write_holder(descriptor: int, command: str) -> None:
    holder = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "command": command,
        "started_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
    }
    os.ftruncate(descriptor, 0)
    os.lseek(descriptor, 0, os.SEEK_SET)
    os.write(descriptor, json.dumps(holder).encode())
    os.fsync(descriptor)
