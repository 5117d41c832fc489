"""The sandbox ASGI app: all four vendor APIs and the control API on one port.

`SandboxApp` is a thin raw-ASGI layer in front of a Starlette application. For every vendor
request it writes the request log entry, picks the fault rule (if any) and applies it; the
Starlette app does the routing and the vendor behaviour. Keeping this layer outside Starlette
gives it the server's own `send`/`receive`, which the connection-dropping faults need.

Paths: `/paubox/v1/{api_username}/...`, `/smtpcom/v4/...`, `/sendclean/v1.0/...`,
`/poweremail/v1.0/...`, and `/_sandbox/...` (control API).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
import time
from typing import Any

from starlette.applications import Starlette
from starlette.routing import Mount, Route
from starlette.types import Message, Receive, Scope, Send

from .config import DEFAULT_CONFIG, SandboxConfig
from .control import control_routes
from .faults import Fault, fault_response
from .paubox import PauboxApi
from .sendclean import BrandApi
from .smtpcom import SmtpcomApi
from .state import SandboxState
from .store import RequestRecord

#: The scope extension under which `sandbox.server.SandboxHttpProtocol` exposes the transport.
TRANSPORT_EXTENSION = "sandbox.transport"
_ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"]
_PREFIXES = (("/smtpcom/", "smtpcom"), ("/sendclean/", "sendclean"), ("/poweremail/", "poweremail"))


def split_vendor(path: str) -> tuple[str | None, str]:
    """`/paubox/v1/u/messages` -> `("paubox", "/messages")`; `/smtpcom/v4/messages` -> `("smtpcom", "/v4/messages")`."""
    if path.startswith("/paubox/"):
        segments = path.split("/", 4)  # '', 'paubox', 'v1', '<username>', '<rest>'
        return "paubox", "/" + segments[4] if len(segments) > 4 else "/"
    for prefix, vendor in _PREFIXES:
        if path.startswith(prefix):
            return vendor, path[len(prefix) - 1 :]
    return None, path


def connection_transport(scope: Scope, send: Send) -> asyncio.Transport | None:
    """The TCP transport of this request, when the server exposes it.

    `SandboxHttpProtocol` puts it in `scope["extensions"]`; under a stock uvicorn protocol it is
    found on the request cycle object that `send` is bound to.
    """
    extension = (scope.get("extensions") or {}).get(TRANSPORT_EXTENSION)
    transport = extension.get("transport") if isinstance(extension, dict) else None
    if transport is None:
        transport = getattr(getattr(send, "__self__", None), "transport", None)
    return transport if hasattr(transport, "abort") and hasattr(transport, "close") else None


async def drop_connection(scope: Scope, receive: Receive, send: Send, *, reset: bool) -> None:
    """Close the client connection without sending anything.

    `reset=True` sets SO_LINGER to 0 so the kernel answers with a TCP RST (the client sees
    "connection reset by peer"); otherwise a normal FIN (the client sees EOF before any response).
    """
    transport = connection_transport(scope, send)
    if transport is None:  # unknown server: the best we can do is break the response midway
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"1024")]})
        return
    if reset:
        sock = transport.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError, AttributeError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        transport.abort()
    else:
        transport.close()
    # Wait until the server has seen the disconnect, so it does not try to answer with a 500.
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(2):
            for _ in range(1000):
                if (await receive())["type"] == "http.disconnect":
                    break


async def sleep_at_least(seconds: float) -> None:
    """`asyncio.sleep` that never returns early (event-loop timers have millisecond granularity)."""
    deadline = time.perf_counter() + seconds
    for _ in range(10):
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            return
        await asyncio.sleep(remaining + 0.0005)


async def read_body(receive: Receive, limit: int) -> tuple[bytes, str]:
    """The whole request body and `"ok"`, `"disconnected"` or `"too_large"`."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"".join(chunks), "disconnected"
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return b"", "too_large"
        chunks.append(chunk)
        if not message.get("more_body", False):
            return chunks[0] if len(chunks) == 1 else b"".join(chunks), "ok"


def replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that yields the already-read body once, then defers to the real one."""
    delivered = False

    async def _receive() -> Message:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return _receive


class _Capture:
    """Collects a response instead of sending it."""

    def __init__(self) -> None:
        self.status = 500
        self.headers: list[tuple[bytes, bytes]] = []
        self.body = bytearray()

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            self.body += message.get("body", b"")


async def _send_response(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


class SandboxApp:
    """The ASGI application. `state` is shared with in-process accessors (`sandbox.testing`)."""

    def __init__(self, config: SandboxConfig = DEFAULT_CONFIG, *, state: SandboxState | None = None) -> None:
        self.state = state or SandboxState(config)
        brands = {vendor: BrandApi(self.state, vendor) for vendor in ("sendclean", "poweremail")}
        self.inner = Starlette(
            routes=[
                Mount("/_sandbox", routes=control_routes(self.state)),
                Route(
                    "/paubox/v1/{api_username}/{api_path:path}",
                    PauboxApi(self.state).dispatch,
                    methods=_ALL_METHODS,
                ),
                Route("/smtpcom/{api_path:path}", SmtpcomApi(self.state).dispatch, methods=_ALL_METHODS),
                Route("/sendclean/{api_path:path}", brands["sendclean"].dispatch, methods=_ALL_METHODS),
                Route("/poweremail/{api_path:path}", brands["poweremail"].dispatch, methods=_ALL_METHODS),
            ]
        )
        self.inner.router.redirect_slashes = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.inner(scope, receive, send)
            return
        path: str = scope["path"]
        vendor, api_path = split_vendor(path)
        if vendor is None:
            await self.inner(scope, receive, send)
            return
        method: str = scope["method"]
        record = self.state.store.start_request(
            vendor, method, path, scope["query_string"].decode("latin-1"), scope["headers"]
        )
        started = time.perf_counter()
        fault = self.state.faults.take(vendor, method, path, api_path)
        try:
            await self._serve(scope, receive, send, vendor, record, fault, started)
        finally:
            if record.duration_ms is None:
                record.duration_ms = (time.perf_counter() - started) * 1000

    async def _serve(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        vendor: str,
        record: RequestRecord,
        fault: Fault | None,
        started: float,
    ) -> None:
        def finish(status: int | None, outcome: str) -> None:
            # Called before the last byte goes out (or the connection is closed), so that a client
            # that has seen the response always finds the finished record in the log.
            record.status, record.outcome = status, outcome
            record.duration_ms = (time.perf_counter() - started) * 1000

        if fault is not None:
            record.fault, record.fault_id = fault.kind, fault.id
            if fault.latency_ms:
                await sleep_at_least(fault.latency_ms / 1000)

        body, status = await read_body(receive, self.state.config.max_body_bytes)
        record.body = body
        if fault is not None and fault.kind == "drop_before_read":
            # The body was only drained off the socket (never handed to the vendor API), so the client
            # is already waiting for the response when the reset arrives: it always sees the same error.
            finish(None, "dropped")
            await drop_connection(scope, receive, send, reset=fault.close_with_reset)
            return
        if status == "disconnected":
            finish(None, "client_disconnected")
            return
        if status == "too_large":
            payload = b'{"error":"request body too large"}'
            finish(413, "responded")
            await _send_response(
                send, 413, [(b"content-type", b"application/json"), (b"connection", b"close")], payload
            )
            return

        if fault is not None and fault.kind in ("status", "html"):
            code, headers, payload = fault_response(vendor, fault)
            finish(code, "responded")
            await _send_response(send, code, headers, payload)
            return

        if fault is not None and fault.kind in ("drop_after_read", "truncated"):
            capture = _Capture()
            await self.inner(scope, replay(body, receive), capture.send)
            if fault.kind == "drop_after_read":
                finish(None, "dropped")
                await drop_connection(scope, receive, send, reset=fault.close_with_reset)
                return
            cut = bytes(capture.body[: len(capture.body) // 2])
            headers = [(k, v) for k, v in capture.headers if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(cut)).encode()))
            finish(capture.status, "truncated")
            await _send_response(send, capture.status, headers, cut)
            return

        async def send_and_record(message: Message) -> None:
            if message["type"] == "http.response.start":
                record.status = message["status"]
            elif not message.get("more_body", False):
                finish(record.status, "responded")
            await send(message)

        await self.inner(scope, replay(body, receive), send_and_record)


def create_app(config: SandboxConfig | None = None, **overrides: Any) -> SandboxApp:
    """A new app with its own state; `overrides` are `SandboxConfig` fields."""
    return SandboxApp((config or DEFAULT_CONFIG).replace(**overrides))
