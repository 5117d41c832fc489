"""Fixtures for the end-to-end tests: the overlay clients, sync and async, against the real sandbox.

Every test that takes `flavour` runs twice: with the sync client (`Paubox`, `SMTPcom`, ...) and
with the async one (`AsyncPaubox`, ...). The tests are `async def` and await each call through
`support.clients.resolve`, so one test body drives both; a sync call simply blocks the test's event
loop while the sandbox answers from its own thread.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

# The repo root must come first: `tests/` holds a `sandbox` directory too.
ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from e2e_support import Clients  # noqa: E402

from sandbox.pytest_plugin import sandbox, sandbox_session  # noqa: E402
from sandbox.testing import SandboxHandle  # noqa: E402

__all__ = ["clients", "flavour", "sandbox", "sandbox_session"]


@pytest.fixture(params=["sync", "async"])
def flavour(request: pytest.FixtureRequest) -> str:
    """`sync` or `async`: which overlay client class the test drives."""
    param: str = request.param
    return param


@pytest.fixture
async def clients(sandbox: SandboxHandle, flavour: str) -> AsyncIterator[Clients]:
    """Builds overlay clients of the test's flavour pointed at the sandbox; closes them afterwards."""
    factory = Clients(sandbox, is_async=flavour == "async")
    try:
        yield factory
    finally:
        await factory.aclose()
