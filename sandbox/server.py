"""uvicorn wiring: the HTTP protocol that exposes the transport, and the server config.

ASGI gives an application no way to close a connection without answering. The sandbox needs
exactly that for its `drop_*` faults, so `SandboxHttpProtocol` (uvicorn's httptools protocol)
puts the connection's transport into `scope["extensions"]["sandbox.transport"]`; the app then
closes or aborts it itself (see `sandbox.app.drop_connection`).
"""

from __future__ import annotations

from typing import Any

import uvicorn
from uvicorn.config import LOGGING_CONFIG
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from .app import TRANSPORT_EXTENSION, SandboxApp


class SandboxHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, plus the transport in the ASGI scope's extensions."""

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.scope["extensions"] = {TRANSPORT_EXTENSION: {"transport": self.transport}}


def server_config(
    app: SandboxApp,
    *,
    host: str,
    port: int,
    log_level: str = "info",
    log_config: dict[str, Any] | None = LOGGING_CONFIG,
) -> uvicorn.Config:
    """uvloop + httptools (`SandboxHttpProtocol`), no access log, no lifespan."""
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        loop="uvloop",
        http=SandboxHttpProtocol,
        lifespan="off",
        access_log=False,
        proxy_headers=False,
        server_header=False,
        log_level=log_level,
        log_config=log_config,
        backlog=4096,
        timeout_keep_alive=30,
        timeout_graceful_shutdown=2,
    )
