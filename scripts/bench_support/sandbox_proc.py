"""The sandbox in its own process (``python -m sandbox``), so client and server never share a GIL.

Latency is injected through the control API (``POST /_sandbox/faults`` with a ``latency`` rule
that applies to every request); ``POST /_sandbox/reset`` forgets messages, requests and faults
between runs. ``cpu_seconds()`` reads the server's user+system CPU time from ``/proc``, so a
throughput run can tell which process was busy.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import Any

_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SandboxProcess:
    """``python -m sandbox --port <free port>`` from the repository root; stopped on exit."""

    def __init__(self, root: Path, python: str = sys.executable, start_timeout: float = 30.0) -> None:
        self.root = root
        self.python = python
        self.start_timeout = start_timeout
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> SandboxProcess:
        for _ in range(5):  # the port could be taken between free_port() and bind: retry
            self.port = free_port()
            self.proc = subprocess.Popen(
                [
                    self.python,
                    "-m",
                    "sandbox",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--log-level",
                    "warning",
                ],
                cwd=self.root,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            deadline = time.monotonic() + self.start_timeout
            while time.monotonic() < deadline and self.proc.poll() is None:
                try:
                    if self.control("GET", "/health").get("status") == "ok":
                        return self
                except OSError:
                    time.sleep(0.05)
            self._stop()
        raise RuntimeError("the sandbox (python -m sandbox) did not start")

    def __exit__(self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self._stop()

    def _stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        if self.proc.stderr is not None:
            self.proc.stderr.close()
        self.proc = None

    def control(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.url}/_sandbox{path}", data=data, method=method, headers={"content-type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def reset(self, latency_ms: int = 0) -> None:
        """Forget everything; then, if ``latency_ms``, delay every vendor request by that much."""
        self.control("POST", "/reset")
        if latency_ms:
            self.control("POST", "/faults", {"kind": "latency", "latency_ms": latency_ms, "times": None})

    def cpu_seconds(self) -> float:
        """User + system CPU time the server process has used so far."""
        assert self.proc is not None
        with open(f"/proc/{self.proc.pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICKS
