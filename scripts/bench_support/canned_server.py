"""The load target of the bench: a minimal HTTP/1.1 keep-alive server with canned answers.

    python canned_server.py ROUTES.json LATENCY_MS [LATENCY_MS ...]

One process of its own (uvloop when installed, a raw ``asyncio.Protocol``), one listening port per
latency on 127.0.0.1. It reads only what it must of each request: the request line's path, the end
of the header block and ``Content-Length``; it answers with the pre-encoded response of that path
(the vendor's success JSON, ``ROUTES.json`` maps path -> body) after ``LATENCY_MS`` milliseconds,
in order per connection. Unknown paths get a 404. When listening it prints one JSON line,
``{"ports": {"<latency>": <port>, ...}}``; it runs until terminated.

``CannedServer`` starts it from the bench, reads the ports, and stops it on exit; ``cpu_seconds()``
reads the server's CPU time from ``/proc`` so a run can show which side was busy. Standalone on
purpose (standard library + optional uvloop): the server does none of the bench's work.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def encode_response(status: int, body: bytes) -> bytes:
    reason = {200: "OK", 404: "Not Found"}.get(status, "Unknown")
    head = f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode("ascii") + body


NOT_FOUND = encode_response(404, b'{"error":"no canned answer for this path"}')


class CannedProtocol(asyncio.Protocol):
    """Answers every complete request on the connection with its canned response."""

    def __init__(self, routes: Mapping[bytes, bytes], latency_s: float) -> None:
        self.routes = routes
        self.latency_s = latency_s
        self.buffer = b""
        self.transport: asyncio.WriteTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's TCPTransport is not an asyncio.Transport

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer + data if self.buffer else data
        while True:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                break
            head = buffer[:end]
            length = 0
            at = head.lower().find(b"\r\ncontent-length:")
            if at >= 0:
                stop = head.find(b"\r\n", at + 2)
                length = int(head[at + 17 : stop if stop >= 0 else len(head)])
            if len(buffer) < end + 4 + length:
                break
            first = head[: head.find(b"\r\n")] if b"\r\n" in head else head
            target = first.split(b" ", 2)[1] if first.count(b" ") >= 2 else b"/"
            path = target.split(b"?", 1)[0]
            response = self.routes.get(path, NOT_FOUND)
            buffer = buffer[end + 4 + length :]
            if self.latency_s:
                asyncio.get_running_loop().call_later(self.latency_s, self.write, response)
            else:
                self.write(response)
        self.buffer = buffer

    def write(self, response: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(response)


def _factory(routes: Mapping[bytes, bytes], latency_s: float) -> Callable[[], CannedProtocol]:
    return lambda: CannedProtocol(routes, latency_s)


async def serve(routes: Mapping[bytes, bytes], latencies_ms: list[int]) -> None:
    loop = asyncio.get_running_loop()
    ports: dict[str, int] = {}
    servers = []
    for latency in latencies_ms:
        server = await loop.create_server(_factory(routes, latency / 1000), "127.0.0.1", 0, backlog=1024)
        servers.append(server)
        ports[str(latency)] = server.sockets[0].getsockname()[1]
    print(json.dumps({"ports": ports}), flush=True)
    await asyncio.Event().wait()


def main(argv: list[str]) -> int:
    routes_file, *latencies = argv
    raw: dict[str, str] = json.loads(Path(routes_file).read_text(encoding="utf-8"))
    routes = {path.encode(): encode_response(200, body.encode()) for path, body in raw.items()}
    try:
        import uvloop

        uvloop.run(serve(routes, [int(x) for x in latencies]))
    except ImportError:  # pragma: no cover - uvloop is in requirements-dev.txt
        asyncio.run(serve(routes, [int(x) for x in latencies]))
    return 0


class CannedServer:
    """``canned_server.py`` in its own process, for the length of a ``with`` block."""

    def __init__(self, routes: Mapping[str, bytes], latencies_ms: tuple[int, ...] = (0,)) -> None:
        self.routes = {path: body.decode() for path, body in routes.items()}
        self.latencies_ms = latencies_ms
        self.ports: dict[int, int] = {}
        self.proc: subprocess.Popen[str] | None = None
        self._dir: tempfile.TemporaryDirectory[str] | None = None

    def url(self, latency_ms: int = 0) -> str:
        return f"http://127.0.0.1:{self.ports[latency_ms]}"

    def __enter__(self) -> CannedServer:
        self._dir = tempfile.TemporaryDirectory(prefix="bench-canned-")
        routes_file = Path(self._dir.name) / "routes.json"
        routes_file.write_text(json.dumps(self.routes), encoding="utf-8")
        self.proc = subprocess.Popen(
            [sys.executable, __file__, str(routes_file), *map(str, self.latencies_ms)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            stderr = self.proc.stderr.read() if self.proc.stderr else ""
            self._stop()
            raise RuntimeError(f"the canned server did not start:\n{stderr}")
        self.ports = {int(k): int(v) for k, v in json.loads(line)["ports"].items()}
        return self

    def __exit__(self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self._stop()

    def _stop(self) -> None:
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.terminate()
                try:
                    self.proc.wait(10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait(10)
            for stream in (self.proc.stdout, self.proc.stderr):
                if stream is not None:
                    stream.close()
            self.proc = None
        if self._dir is not None:
            self._dir.cleanup()
            self._dir = None

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def cpu_seconds(self) -> float:
        """User + system CPU time the server process has used so far."""
        return process_cpu_seconds(self.pid)


def process_cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS


def describe() -> dict[str, Any]:
    return {
        "program": "scripts/bench_support/canned_server.py",
        "how": "one process, uvloop asyncio.Protocol, HTTP/1.1 keep-alive; reads the request line, the end of the "
        "headers and Content-Length only; answers the path's canned vendor JSON after the latency (call_later)",
    }


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
