"""Fixtures for the sandbox tests: a real sandbox server on 127.0.0.1 and plain httpx clients.

Every vendor response an `http` client receives is validated against the vendor's OpenAPI spec
(specs/<vendor>.yaml) by an httpx response hook, so each test also checks spec conformance.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

# The repo root must come first: `tests/` is on pythonpath and holds a `sandbox` directory too.
ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sandbox_spec import check_response  # noqa: E402

from sandbox.pytest_plugin import sandbox, sandbox_session  # noqa: E402
from sandbox.testing import SandboxHandle  # noqa: E402

__all__ = ["http", "http_unchecked", "sandbox", "sandbox_session"]


@pytest.fixture
def http(sandbox: SandboxHandle) -> Iterator[httpx.Client]:
    """An httpx client whose every vendor response must conform to the vendor's spec."""
    with httpx.Client(timeout=10.0, event_hooks={"response": [check_response]}) as client:
        yield client


@pytest.fixture
def http_unchecked(sandbox: SandboxHandle) -> Iterator[httpx.Client]:
    """An httpx client without spec checks (for faulted responses: HTML, truncated JSON)."""
    with httpx.Client(timeout=10.0) as client:
        yield client
