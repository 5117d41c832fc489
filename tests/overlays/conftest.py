"""The overlay tests that cross HTTP run against the real sandbox on 127.0.0.1."""

from sandbox.pytest_plugin import sandbox, sandbox_session

__all__ = ["sandbox", "sandbox_session"]
