"""Fixtures for the behaviour tests: the clients against real servers on 127.0.0.1.

The sandbox (one server for the session, reset around each test) speaks every vendor's API and
injects faults; `support.servers` adds a forward proxy, a connection-recording server and dead
ports. Delays are never slept: `record_sleeps(client)` replaces the client's `_sleep` with a
recorder of the seconds it was asked to wait.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

# The repo root must come first: `tests/` is on pythonpath and holds a `sandbox` directory too.
ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sandbox.pytest_plugin import sandbox, sandbox_session  # noqa: E402

__all__ = ["clean_proxy_env", "record_sleeps", "sandbox", "sandbox_session"]

#: Every variable httpx reads for proxies (it checks both cases).
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")

SleepRecorder = Callable[[Any], list[float]]


@pytest.fixture(autouse=True)
def clean_proxy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No proxy from the developer's environment: these tests talk to 127.0.0.1 directly unless
    a test sets a proxy itself."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


def _record_sleeps(client: Any) -> list[float]:
    delays: list[float] = []
    if inspect.iscoroutinefunction(client._sleep):

        async def sleep(seconds: float) -> None:
            delays.append(seconds)

        client._sleep = sleep
    else:
        client._sleep = delays.append
    return delays


@pytest.fixture
def record_sleeps() -> SleepRecorder:
    """`record_sleeps(client)`: the list that will receive every delay the client's retry loop
    waits (sync or async client); nothing is slept."""
    return _record_sleeps
