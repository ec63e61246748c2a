"""The simulator in a process of its own (`python -m bench.serve`), seen from the
benchmark: where it serves, and moving its clock over the control API."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from bench.processes import PROJECT_ROOT, StepFailed

STOP_TIMEOUT_SECONDS = 10
ADVANCE_TIMEOUT_SECONDS = 600


@dataclass(frozen=True)
class ServedWorld:
    """What the serving process announced."""

    base_url: str
    api_token: str
    start_date: str
    backfill_rows: int
    night_rows: int


class SimulatorProcess:
    """`with SimulatorProcess("main", n) as simulator:` starts the process, waits until
    it serves (generating or loading the world first; `simulator.served` says where),
    and stops it on exit."""

    def __init__(self, world: str, n: int) -> None:
        self.world = world
        self.n = n
        self._process: subprocess.Popen[str] | None = None

    def __enter__(self) -> SimulatorProcess:
        # stdin stays open: the server stops by itself when this process is gone
        self._process = subprocess.Popen(
            [sys.executable, "-m", "bench.serve", self.world, str(self.n)],
            cwd=PROJECT_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        line = self._process.stdout.readline() if self._process.stdout else ""
        if not line:
            exit_code = self._process.wait()
            self._stop()
            raise StepFailed(
                f"the {self.world} world's simulator exited before serving (code {exit_code})"
            )
        self.served = ServedWorld(**json.loads(line))
        return self

    def advance(self, days: float) -> dict[str, Any]:
        """Move the simulator's clock; returns once the new data is ready."""
        url = self.served.base_url.removesuffix("/platform-api")
        request = urllib.request.Request(f"{url}/_simulator/advance?days={days}", method="POST")
        local = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never a proxy
        with local.open(request, timeout=ADVANCE_TIMEOUT_SECONDS) as response:
            return json.loads(response.read())

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        exit_code = self._process.poll() if self._process else None
        self._stop()
        if isinstance(exc, StepFailed) and exit_code is not None:
            # a step that lost its server: say so, it is not the step's fault
            raise StepFailed(
                f"{exc}\n(the {self.world} world's simulator had exited, code {exit_code})"
            ) from exc

    def _stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.stdin:
            process.stdin.close()
        process.terminate()
        try:
            process.wait(STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout:
            process.stdout.close()
