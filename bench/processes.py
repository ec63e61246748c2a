"""Running one measured command: wall seconds, peak memory of its process tree, output."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.memory import TreeMemorySampler

PROJECT_ROOT = Path(__file__).resolve().parents[1]
FAILURE_TAIL_LINES = 20


class StepFailed(RuntimeError):
    """A measured command exited non-zero (the message ends with its stderr's tail)."""


@dataclass(frozen=True)
class Measured:
    """A finished command: wall seconds (start to exit), peak RSS (MB) of its process
    tree, and what it printed."""

    label: str
    wall_s: float
    peak_rss_mb: float
    stdout: str
    stderr: str


def run_measured(
    label: str, command: Sequence[str], env: Mapping[str, str], cwd: Path = PROJECT_ROOT
) -> Measured:
    """Run `command` (from the project root unless told); raises StepFailed on a non-zero
    exit."""
    started = time.perf_counter()
    process = subprocess.Popen(
        list(command),
        cwd=cwd,
        env=dict(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    with TreeMemorySampler(process.pid) as memory:
        stdout, stderr = process.communicate()
    wall = time.perf_counter() - started
    if process.returncode != 0:
        tail = "\n".join(stderr.strip().splitlines()[-FAILURE_TAIL_LINES:])
        raise StepFailed(f"{label}: exit code {process.returncode}\n{tail}")
    return Measured(label, wall, memory.peak_mb, stdout, stderr)
