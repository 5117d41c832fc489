"""pytest fixtures for tests that run against the sandbox.

Enable with `pytest_plugins = ["sandbox.pytest_plugin"]` in a top-level conftest.py (or import
the two fixtures into a conftest). One server runs for the whole session; the function-scoped
`sandbox` fixture resets it before each test, so every test starts with no messages, no request
log, no faults and the default config.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .testing import SandboxHandle, running_sandbox


@pytest.fixture(scope="session")
def sandbox_session() -> Iterator[SandboxHandle]:
    """The session's sandbox server (state is NOT reset between tests; prefer `sandbox`)."""
    with running_sandbox() as handle:
        yield handle


@pytest.fixture
def sandbox(sandbox_session: SandboxHandle) -> Iterator[SandboxHandle]:
    """The session's sandbox, reset to a clean state for this test."""
    sandbox_session.reset()
    yield sandbox_session
    sandbox_session.reset()
