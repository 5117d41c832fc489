"""A minimal HTTP/1.1 load generator: the canned server's own ceiling, measured from one process.

It writes pre-encoded requests on ``concurrency`` keep-alive connections (uvloop, asyncio
streams) and reads each response by its Content-Length, doing no other work. Its cost per request
is a few microseconds, far below any HTTP client library's, so the rate it reaches is what the
server can do, and a client that reaches the same rate is not the limit.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit


def encode_request(url: str, body: Any, headers: dict[str, str] | None = None) -> bytes:
    parts = urlsplit(url)
    payload = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
    lines = [
        f"POST {parts.path} HTTP/1.1",
        f"Host: {parts.netloc}",
        "Content-Type: application/json",
        f"Content-Length: {len(payload)}",
        *(f"{k}: {v}" for k, v in (headers or {}).items()),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + payload


async def _worker(host: str, port: int, requests: Sequence[bytes], statuses: dict[int, int]) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        for request in requests:
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = 0
            for line in head.split(b"\r\n")[1:]:
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
                    break
            if length:
                await reader.readexactly(length)
            statuses[status] = statuses.get(status, 0) + 1
    finally:
        writer.close()


async def _run(url: str, requests: Sequence[bytes], concurrency: int) -> dict[str, Any]:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    shares = [requests[i::concurrency] for i in range(concurrency)]
    statuses: dict[int, int] = {}
    started = time.perf_counter()
    await asyncio.gather(*(_worker(host, port, share, statuses) for share in shares if share))
    return {"wall_s": time.perf_counter() - started, "statuses": statuses}


def run(url: str, request: bytes, count: int, concurrency: int) -> dict[str, Any]:
    """Send ``request`` ``count`` times over ``concurrency`` connections; wall time and statuses."""
    cpu = time.process_time()
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is in requirements-dev.txt
        result = asyncio.run(_run(url, [request] * count, concurrency))
    else:
        result = uvloop.run(_run(url, [request] * count, concurrency))
    result["client_cpu_s"] = time.process_time() - cpu
    return result
