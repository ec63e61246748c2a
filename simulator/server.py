"""A real HTTP server (uvicorn in a daemon thread) serving simulated worlds: ipSCAPE
under `/platform-api`, QVoice and CloudAgent at the host root, any of them on one port;
it also runs CloudAgent's callback delivery thread, and, when asked, the control API
(`simulator.control`) under `/_simulator`."""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType

import uvicorn
from starlette.routing import BaseRoute

from simulator.app import VendorApi, build_app
from simulator.cloudagent import CloudAgentWorld, cloudagent_routes
from simulator.cloudagent.routes import PATH_PREFIXES as CLOUDAGENT_PATH_PREFIXES
from simulator.control import CONTROL_ROOT, control_routes
from simulator.faults import FaultInjector
from simulator.ipscape import API_ROOT, IpscapeWorld, ipscape_routes
from simulator.qvoice import QVoiceWorld, qvoice_routes
from simulator.qvoice.routes import PATH_PREFIXES as QVOICE_PATH_PREFIXES
from simulator.request_log import LoggedRequest, RequestLog

START_TIMEOUT_SECONDS = 10.0
STOP_TIMEOUT_SECONDS = 5.0


class SimulatorServer:
    """Serves `ipscape_world`, `qvoice` and/or `cloudagent` on `host`; port 0 picks a
    free port. Several may run at once. CloudAgent callbacks are delivered while the
    server runs. `control=True` adds the control API, for a server in its own process.

    Use as a context manager, or call `start()` / `stop()`.
    """

    def __init__(
        self,
        ipscape_world: IpscapeWorld | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        qvoice: QVoiceWorld | None = None,
        cloudagent: CloudAgentWorld | None = None,
        control: bool = False,
    ) -> None:
        if ipscape_world is None and qvoice is None and cloudagent is None:
            raise ValueError("a simulator server needs an ipSCAPE, QVoice or CloudAgent world")
        self.world = ipscape_world
        self.qvoice = qvoice
        self.cloudagent = cloudagent
        self.host = host
        self.port = port
        self.faults = FaultInjector()
        self._request_log = RequestLog()
        vendors = []
        if ipscape_world is not None:
            vendors.append(
                VendorApi(
                    "ipscape",
                    API_ROOT,
                    ipscape_routes(ipscape_world),
                    clock=lambda: ipscape_world.clock,
                )
            )
        if qvoice is not None:
            vendors.append(
                VendorApi(
                    "qvoice",
                    "",
                    qvoice_routes(qvoice),
                    clock=lambda: qvoice.clock,
                    path_prefixes=QVOICE_PATH_PREFIXES,
                )
            )
        if cloudagent is not None:
            vendors.append(
                VendorApi(
                    "cloudagent",
                    "",
                    cloudagent_routes(cloudagent),
                    clock=lambda: cloudagent.clock,
                    path_prefixes=CLOUDAGENT_PATH_PREFIXES,
                )
            )
        if control:
            vendors.append(VendorApi("control", CONTROL_ROOT, self._control_routes()))
        self.app = build_app(vendors, faults=self.faults, request_log=self._request_log)
        self._socket: socket.socket | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    def _control_routes(self) -> list[BaseRoute]:
        worlds = {"ipscape": self.world, "qvoice": self.qvoice, "cloudagent": self.cloudagent}
        served = {name: world for name, world in worlds.items() if world is not None}
        ipscape = self.world
        return control_routes(served, ipscape.prerender if ipscape else lambda: None)

    @property
    def base_url(self) -> str:
        """The ipSCAPE API root, e.g. `http://127.0.0.1:8000/platform-api`."""
        if self.world is None:
            raise RuntimeError("this simulator server has no ipSCAPE world")
        return f"http://{self.host}:{self.port}{API_ROOT}"

    @property
    def qvoice_base_url(self) -> str:
        """The QVoice base URL, the host root, e.g. `http://127.0.0.1:8000` (its paths
        start with `/api/v2/` and `/callcenter/`)."""
        if self.qvoice is None:
            raise RuntimeError("this simulator server has no QVoice world")
        return f"http://{self.host}:{self.port}"

    @property
    def cloudagent_base_url(self) -> str:
        """The CloudAgent base URL, the host root, e.g. `http://127.0.0.1:8000` (its paths
        start with `/ca_apis/`, `/endpoint/` and `/files/`)."""
        if self.cloudagent is None:
            raise RuntimeError("this simulator server has no CloudAgent world")
        return f"http://{self.host}:{self.port}"

    def release_held_callbacks(self) -> int:
        """Send the CloudAgent callbacks held back so far; how many there were."""
        return self._cloudagent_world().release_held()

    def wait_for_deliveries(self, timeout: float = 5.0) -> bool:
        """Wait until every scheduled (not held) CloudAgent callback was sent; False on
        timeout."""
        return self._cloudagent_world().wait_for_deliveries(timeout)

    def _cloudagent_world(self) -> CloudAgentWorld:
        if self.cloudagent is None:
            raise RuntimeError("this simulator server has no CloudAgent world")
        return self.cloudagent

    @property
    def requests(self) -> list[LoggedRequest]:
        """Every request received so far: (method, path, query), oldest first."""
        return self._request_log.entries()

    @property
    def most_requests_in_flight(self) -> int:
        """The most requests answered at once since the server started or
        `clear_requests` was last called."""
        return self._request_log.most_in_flight

    def clear_requests(self) -> None:
        self._request_log.clear()

    def start(self) -> SimulatorServer:
        """Bind the socket, start serving, and return once connections are accepted."""
        if self._thread is not None:
            raise RuntimeError("the server is already started")
        # proto=IPPROTO_TCP: asyncio then sets TCP_NODELAY on accepted connections (no 40 ms
        # delayed-ACK stall per keep-alive request)
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind((self.host, self.port))
        self._socket.listen(128)
        self.port = self._socket.getsockname()[1]
        # the gateway writes each vendor's own Date header (QVoice's is its simulated clock)
        config = uvicorn.Config(
            self.app, log_level="warning", access_log=False, lifespan="off", date_header=False
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [self._socket]},
            name=f"simulator-{self.port}",
            daemon=True,
        )
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the simulator did not start on {self.host}:{self.port}")
            time.sleep(0.005)
        if self.cloudagent is not None:
            self.cloudagent.courier.start()
        return self

    def stop(self) -> None:
        """Stop delivering callbacks, stop serving and release the port."""
        if self.cloudagent is not None:
            self.cloudagent.courier.stop()
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(STOP_TIMEOUT_SECONDS)
        if self._socket is not None:
            self._socket.close()
        self._server = self._thread = self._socket = None

    def __enter__(self) -> SimulatorServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
