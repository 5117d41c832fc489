"""Real loopback servers for behaviour tests that cross HTTP (stdlib only).

    with ForwardProxy() as proxy, PidRecordingServer() as origin:
        httpx.Client(proxy=proxy.url).post(f"{origin.url}/v1/x", json={})
        proxy.requests[0].url        # "http://127.0.0.1:PORT/v1/x", as the client sent it

* `ForwardProxy`: an HTTP/1.1 forward proxy. It takes absolute-form requests
  (`POST http://127.0.0.1:PORT/path HTTP/1.1`, what httpx sends to an http:// proxy for an http://
  target), forwards each to the origin, relays the answer and records every request in
  `.requests`. CONNECT opens a plain TCP tunnel (what an https:// target asks for).
* `PidRecordingServer`: answers every request with a canned JSON body over keep-alive connections
  and records `(connection_id, client_pid)` per request in `.records`, the pid coming from the
  client's `X-Client-Pid` header; it shows which process sent on which TCP connection (fork tests).
* `DeadPort`: a 127.0.0.1 port that refuses connections (a dead proxy or origin).

Every server binds 127.0.0.1 port 0, runs in daemon threads, is started by `start()` or `with`,
and is bounded: sockets time out, idle connections close, `stop()` joins with a timeout, and a
server stops by itself after `lifetime` seconds even if a test never stops it.
"""

from __future__ import annotations

import contextlib
import http.client
import io
import json
import os
import selectors
import socket
import socketserver
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from email.message import Message
from http.server import BaseHTTPRequestHandler
from types import TracebackType
from typing import Any, ClassVar, Self, cast
from urllib.parse import urlsplit

__all__ = [
    "DeadPort",
    "ForwardProxy",
    "PidRecord",
    "PidRecordingServer",
    "ProxiedRequest",
    "RecordedRequest",
    "dead_port",
]

HOST = "127.0.0.1"
MAX_BODY = 16 * 1024 * 1024  # a test body is never this large; a bigger one is a framing error
# Headers that describe one hop, never forwarded by a proxy (RFC 9110 section 7.6.1).
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-connection",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)


class BodyError(ValueError):
    """The request's body framing (Content-Length or chunked) is broken."""


def read_body(rfile: io.BufferedIOBase, headers: Message, limit: int = MAX_BODY) -> bytes:
    """The request body as the client framed it: chunked, Content-Length, or none."""
    if "chunked" in headers.get("Transfer-Encoding", "").lower():
        parts: list[bytes] = []
        total = 0
        while True:
            size_line = rfile.readline(1024)
            if not size_line.endswith(b"\n"):
                raise BodyError("truncated chunk size line")
            try:
                size = int(size_line.split(b";", 1)[0].strip(), 16)
            except ValueError as error:
                raise BodyError(f"bad chunk size {size_line!r}") from error
            if size == 0:
                for _ in range(100):  # trailers, up to the blank line
                    if rfile.readline(8192) in (b"\r\n", b"\n", b""):
                        break
                return b"".join(parts)
            total += size
            if total > limit:
                raise BodyError("chunked body too large")
            chunk = rfile.read(size)
            if len(chunk) != size or rfile.readline(3) not in (b"\r\n", b"\n"):
                raise BodyError("truncated chunk")
            parts.append(chunk)
    length_text = headers.get("Content-Length")
    if length_text is None:
        return b""
    try:
        length = int(length_text)
    except ValueError as error:
        raise BodyError(f"bad Content-Length {length_text!r}") from error
    if not 0 <= length <= limit:
        raise BodyError(f"bad Content-Length {length}")
    body = rfile.read(length)
    if len(body) != length:
        raise BodyError("truncated body")
    return body


class _TCPServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    block_on_close = False  # stop() closes and joins the connection threads itself, with a timeout
    allow_reuse_address = False

    def __init__(self, owner: _LoopbackServer, handler: type[socketserver.BaseRequestHandler]) -> None:
        self.owner = owner
        super().__init__((HOST, 0), handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A connection a test (or stop()) cut short is not an error worth a traceback on stderr.
        pass


class _Handler(BaseHTTPRequestHandler):
    """Keep-alive HTTP/1.1 with bounded reads; a broken connection closes quietly."""

    protocol_version = "HTTP/1.1"
    server_version = "tests-support"
    sys_version = ""

    @property
    def owner(self) -> _LoopbackServer:
        return cast(_TCPServer, self.server).owner

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.owner.idle_timeout)  # an idle keep-alive connection ends
        self.connection_id = self.owner._register(self.connection)

    def handle(self) -> None:
        try:
            super().handle()
        except (OSError, ValueError, http.client.HTTPException):
            self.close_connection = True

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass
        finally:
            self.owner._unregister(self.connection)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def send_bytes(self, status: int, body: bytes, headers: Iterable[tuple[str, str]] = ()) -> None:
        self.send_response_only(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.wfile.flush()


class _LoopbackServer:
    """Start/stop, the context manager, the self-stop timer and connection bookkeeping."""

    handler_class: ClassVar[type[_Handler]]

    def __init__(self, *, lifetime: float = 120.0, idle_timeout: float = 5.0) -> None:
        self.lifetime = lifetime
        self.idle_timeout = idle_timeout
        self.stopped = threading.Event()
        self._lock = threading.Lock()
        self._server: _TCPServer | None = None
        self._serve_thread: threading.Thread | None = None
        self._timer: threading.Timer | None = None
        self._connections: dict[socket.socket, threading.Thread] = {}
        self._next_connection_id = 0
        self._port = 0

    @property
    def port(self) -> int:
        if not self._port:
            raise RuntimeError(f"{type(self).__name__} is not started")
        return self._port

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> Self:
        with self._lock:
            if self._server is not None:
                return self
            if self.stopped.is_set():
                raise RuntimeError(f"{type(self).__name__} was stopped; make a new one")
            self._server = _TCPServer(self, self.handler_class)
            self._port = self._server.server_address[1]
            self._serve_thread = threading.Thread(
                target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
            )
            self._serve_thread.start()
            self._timer = threading.Timer(self.lifetime, self.stop)
            self._timer.daemon = True
            self._timer.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        with self._lock:
            server, self._server = self._server, None
            connections = dict(self._connections)
        if server is None:  # never started, or another thread (the lifetime timer) is stopping it
            if self._port:
                self.stopped.wait(timeout)
            return
        if self._timer is not None and self._timer is not threading.current_thread():
            self._timer.cancel()
        server.shutdown()  # returns within poll_interval: serve_forever is running
        server.server_close()
        for sock in connections:
            _shut(sock)
        for thread in [self._serve_thread, *connections.values()]:
            if thread is not None and thread is not threading.current_thread():
                thread.join(timeout)
        self.stopped.set()  # only now: the port is closed and the connections are shut

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def _register(self, sock: socket.socket) -> int:
        with self._lock:
            self._next_connection_id += 1
            self._connections[sock] = threading.current_thread()
            if self._server is None:
                _shut(sock)  # accepted while stop() runs: close it too
            return self._next_connection_id

    def _unregister(self, sock: socket.socket) -> None:
        with self._lock:
            self._connections.pop(sock, None)


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


# --- ForwardProxy ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ProxiedRequest:
    """One request as the client sent it to the proxy (url absolute; "host:port" for CONNECT)."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def header(self, name: str) -> str | None:
        """The first value of a header, by case-insensitive name."""
        return next((value for key, value in self.headers if key.lower() == name.lower()), None)


class _ProxyHandler(_Handler):
    @property
    def proxy(self) -> ForwardProxy:
        return cast(ForwardProxy, self.owner)

    def forward(self) -> None:
        parts = urlsplit(self.path)
        if parts.scheme != "http" or not parts.hostname:
            self.close_connection = True
            self.send_bytes(400, b"forward proxy: absolute-form http:// request expected\n")
            return
        try:
            body = read_body(self.rfile, self.headers)
        except BodyError as error:
            self.close_connection = True
            self.send_bytes(400, f"forward proxy: {error}\n".encode())
            return
        headers = tuple(self.headers.items())
        self.proxy._record(ProxiedRequest(self.command, self.path, headers, body))

        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        upstream = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=self.proxy.upstream_timeout)
        try:
            upstream.putrequest(self.command, target, skip_host=True, skip_accept_encoding=True)
            for name, value in headers:
                if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                    upstream.putheader(name, value)
            if body or "Content-Length" in self.headers or "Transfer-Encoding" in self.headers:
                upstream.putheader("Content-Length", str(len(body)))
            upstream.putheader("Connection", "close")
            upstream.endheaders(body)
            response = upstream.getresponse()
            answer = response.read()  # http.client undoes chunked and read-until-close framing
            relayed = [
                (name, value)
                for name, value in response.getheaders()
                if name.lower() not in HOP_BY_HOP and name.lower() != "content-length"
            ]
            status = response.status
        except (OSError, http.client.HTTPException) as error:
            self.send_bytes(502, f"forward proxy: origin unreachable: {error}\n".encode())
            return
        finally:
            upstream.close()

        self.send_response_only(status)
        for name, value in relayed:
            self.send_header(name, value)
        if self.command == "HEAD" or status in (204, 304):
            origin_length = response.getheader("Content-Length")
            if origin_length is not None and status != 204:
                self.send_header("Content-Length", origin_length)
        else:
            self.send_header("Content-Length", str(len(answer)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD" and status not in (204, 304):
            self.wfile.write(answer)
        self.wfile.flush()

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = forward

    def do_CONNECT(self) -> None:
        self.close_connection = True  # the connection becomes the tunnel, then ends
        host, _, port_text = self.path.rpartition(":")
        self.proxy._record(ProxiedRequest("CONNECT", self.path, tuple(self.headers.items()), b""))
        try:
            upstream = socket.create_connection((host.strip("[]"), int(port_text)), timeout=self.proxy.upstream_timeout)
        except (OSError, ValueError) as error:
            self.send_bytes(502, f"forward proxy: cannot reach {self.path}: {error}\n".encode())
            return
        self.owner._register(upstream)
        try:
            self.send_response_only(200, "Connection Established")
            self.end_headers()
            self.wfile.flush()
            _relay(self.connection, upstream, self.owner.idle_timeout, self.owner.stopped)
        finally:
            self.owner._unregister(upstream)
            upstream.close()


def _relay(client: socket.socket, upstream: socket.socket, idle_timeout: float, stopped: threading.Event) -> None:
    """Copy bytes both ways until either side closes, `idle_timeout` passes quietly, or stop()."""
    peer = {client: upstream, upstream: client}
    with selectors.DefaultSelector() as selector:
        selector.register(client, selectors.EVENT_READ)
        selector.register(upstream, selectors.EVENT_READ)
        while not stopped.is_set():
            ready = selector.select(idle_timeout)
            if not ready:
                return
            for key, _ in ready:
                source = cast(socket.socket, key.fileobj)
                try:
                    data = source.recv(65536)
                    if not data:
                        return
                    peer[source].sendall(data)
                except OSError:
                    return


class ForwardProxy(_LoopbackServer):
    """A threaded HTTP/1.1 forward proxy on 127.0.0.1 that records what passed through.

    `.url` is the value for `httpx.Client(proxy=...)` or HTTP_PROXY; `.requests` lists every request
    (CONNECT included), oldest first. Keep-alive towards the client; one origin connection per
    request (`Connection: close`). An unreachable origin answers 502.
    """

    handler_class = _ProxyHandler

    def __init__(self, *, lifetime: float = 120.0, idle_timeout: float = 5.0, upstream_timeout: float = 10.0) -> None:
        super().__init__(lifetime=lifetime, idle_timeout=idle_timeout)
        self.upstream_timeout = upstream_timeout
        self._requests: list[ProxiedRequest] = []
        self._requests_lock = threading.Lock()

    @property
    def requests(self) -> list[ProxiedRequest]:
        """A snapshot of the requests so far (safe to read while the proxy serves)."""
        with self._requests_lock:
            return list(self._requests)

    def clear(self) -> None:
        with self._requests_lock:
            self._requests.clear()

    def _record(self, request: ProxiedRequest) -> None:
        with self._requests_lock:
            self._requests.append(request)


# --- PidRecordingServer ---------------------------------------------------------------------


@dataclass(frozen=True)
class RecordedRequest:
    connection_id: int  # 1, 2, ... in order of accepted TCP connections
    client_pid: int | None  # from X-Client-Pid; None if absent or not a number
    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes


PidRecord = tuple[int, int | None]  # (connection_id, client_pid)


class _PidHandler(_Handler):
    @property
    def recorder(self) -> PidRecordingServer:
        return cast(PidRecordingServer, self.owner)

    def answer(self) -> None:
        try:
            body = read_body(self.rfile, self.headers)
        except BodyError as error:
            # Two processes writing on one connection can interleave bytes: close, don't guess.
            self.close_connection = True
            self.send_bytes(400, f"pid server: {error}\n".encode())
            return
        pid_text = self.headers.get("X-Client-Pid", "").strip()
        pid = int(pid_text) if pid_text.isdigit() else None
        recorder = self.recorder
        recorder._record(
            RecordedRequest(self.connection_id, pid, self.command, self.path, tuple(self.headers.items()), body)
        )
        status, payload, chunked = recorder.status, recorder.body_bytes(), recorder.chunked
        if not chunked:
            self.send_bytes(status, payload, [("Content-Type", "application/json")])
            return
        self.send_response_only(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            for start in range(0, len(payload), 7):  # small chunks, so framing really is exercised
                piece = payload[start : start + 7]
                self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = answer


class PidRecordingServer(_LoopbackServer):
    """Answers every request with `body` (JSON, default {"ok": true}) and `status` (default 200),
    keeping connections open, and records which client process sent each request on which TCP
    connection: `.records` is [(connection_id, client_pid), ...] in arrival order, the pid taken
    from the request's `X-Client-Pid` header (see `pid_header()`). `status`, `body` and `chunked`
    (answer with Transfer-Encoding: chunked) may be changed between requests.
    """

    handler_class = _PidHandler

    def __init__(
        self,
        *,
        status: int = 200,
        body: object = None,
        chunked: bool = False,
        lifetime: float = 120.0,
        idle_timeout: float = 5.0,
    ) -> None:
        super().__init__(lifetime=lifetime, idle_timeout=idle_timeout)
        self.status = status
        self.body: object = {"ok": True} if body is None else body
        self.chunked = chunked
        self._requests: list[RecordedRequest] = []
        self._requests_lock = threading.Lock()

    def body_bytes(self) -> bytes:
        body = self.body
        return body if isinstance(body, bytes) else json.dumps(body).encode()

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._requests_lock:
            return list(self._requests)

    @property
    def records(self) -> list[PidRecord]:
        return [(request.connection_id, request.client_pid) for request in self.requests]

    def connections_of(self, pid: int) -> set[int]:
        """The ids of the connections on which process `pid` sent."""
        return {connection for connection, client in self.records if client == pid}

    def clear(self) -> None:
        with self._requests_lock:
            self._requests.clear()

    def _record(self, request: RecordedRequest) -> None:
        with self._requests_lock:
            self._requests.append(request)


def pid_header() -> dict[str, str]:
    """The header that tells a PidRecordingServer which process sent (read at call time, so fork-safe)."""
    return {"X-Client-Pid": str(os.getpid())}


# --- DeadPort -------------------------------------------------------------------------------


class DeadPort:
    """A 127.0.0.1 port with nothing listening: connecting is refused at once.

    While started, the port stays bound (without listen()), which on Linux refuses connections
    exactly like a free port and keeps any other process from taking it mid-test. `dead_port()`
    is the bind-then-close variant for when only a number is needed.
    """

    def __init__(self) -> None:
        self._socket: socket.socket | None = None
        self._port = 0

    @property
    def port(self) -> int:
        if not self._port:
            raise RuntimeError("DeadPort is not started")
        return self._port

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> Self:
        if self._socket is None:
            self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self._socket.bind((HOST, 0))
            self._port = self._socket.getsockname()[1]
        return self

    def stop(self) -> None:
        if self._socket is not None:
            self._socket.close()
            self._socket = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def dead_port() -> int:
    """A 127.0.0.1 port nothing listens on (bound, then closed: free unless another process takes it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port
