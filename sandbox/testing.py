"""Run the sandbox in a background thread for tests, the demo and benchmarks.

    from sandbox.testing import running_sandbox

    with running_sandbox(paubox_processing_reads=2) as sb:
        httpx.post(sb.base_url("paubox") + "/messages", ...)
        assert sb.messages("paubox")[0].summary()["headers"]["Subject"] == "Hi"

The server listens on a free loopback port (uvicorn, uvloop, httptools, access log off) and
shares its state with the handle, so tests can read requests/messages and set faults in-process.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn

from .app import SandboxApp
from .config import DEFAULT_CONFIG, PAUBOX_USERNAME, SandboxConfig, base_url
from .faults import Fault
from .server import server_config
from .state import SandboxState
from .store import RequestRecord, StoredMessage

_START_TIMEOUT_S = 15.0
_STOP_TIMEOUT_S = 10.0


class SandboxHandle:
    """A running sandbox: its URLs plus in-process access to its state."""

    def __init__(self, app: SandboxApp, host: str, port: int) -> None:
        self.app = app
        self.host = host
        self.port = port
        #: Root URL, e.g. `http://127.0.0.1:54321`.
        self.url = f"http://{host}:{port}"

    @property
    def state(self) -> SandboxState:
        return self.app.state

    @property
    def config(self) -> SandboxConfig:
        return self.app.state.config

    def base_url(self, vendor: str, *, username: str = PAUBOX_USERNAME) -> str:
        """The base_url for a vendor client: paubox `<url>/paubox/v1/<username>`, smtpcom `<url>/smtpcom`,
        sendclean `<url>/sendclean/v1.0`, poweremail `<url>/poweremail/v1.0`."""
        return base_url(self.url, vendor, username=username)

    def requests(self, vendor: str | None = None) -> list[RequestRecord]:
        """Every request received (faulted ones included), oldest first."""
        return self.state.store.requests(vendor)

    def messages(self, vendor: str | None = None) -> list[StoredMessage]:
        """Every accepted message, oldest first."""
        return self.state.store.messages(vendor)

    def set_fault(
        self,
        kind: str,
        *,
        vendor: str | None = None,
        path: str | None = None,
        method: str | None = None,
        times: int | None = 1,
        latency_ms: int = 0,
        status: int | None = None,
        retry_after: int | str | None = None,
        body: Any = None,
        reset: bool | None = None,
    ) -> Fault:
        """Add a fault rule (see `sandbox.faults`); `times=None` applies it to every matching request."""
        return self.state.faults.add(
            kind,
            vendor=vendor,
            path=path,
            method=method,
            times=times,
            latency_ms=latency_ms,
            status=status,
            retry_after=retry_after,
            body=body,
            reset=reset,
        )

    def faults(self) -> list[Fault]:
        """The fault rules still active."""
        return self.state.faults.list()

    def clear_faults(self) -> int:
        """Remove every fault rule; returns how many there were."""
        return self.state.faults.clear()

    def configure(self, **changes: Any) -> SandboxConfig:
        """Change `SandboxConfig` options while running; `reset()` restores the start-up config."""
        return self.state.configure(**changes)

    def reset(self) -> None:
        """Forget messages, requests and faults, and restore the start-up config."""
        self.state.reset()


@contextmanager
def running_sandbox(
    *, host: str = "127.0.0.1", port: int = 0, config: SandboxConfig | None = None, **overrides: Any
) -> Iterator[SandboxHandle]:
    """Start the sandbox on `host:port` (0 = a free port) in a background thread; stop it on exit.

    `overrides` are `SandboxConfig` fields, e.g. `running_sandbox(paubox_delivery_delay_ms=200)`.
    """
    app = SandboxApp((config or DEFAULT_CONFIG).replace(**overrides))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    bound_port = sock.getsockname()[1]
    server = uvicorn.Server(server_config(app, host=host, port=bound_port, log_level="warning", log_config=None))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="sandbox-server", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + _START_TIMEOUT_S
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the sandbox server did not start")
            time.sleep(0.005)
        yield SandboxHandle(app, host, bound_port)
    finally:
        server.should_exit = True
        thread.join(_STOP_TIMEOUT_S)
        if thread.is_alive():
            server.force_exit = True
            thread.join(_STOP_TIMEOUT_S)
        sock.close()
