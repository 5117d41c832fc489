"""The paging tests run against the real sandbox (one server for the session, reset before each test)."""

from __future__ import annotations

import sys
from pathlib import Path

# The repo root must come first: `tests/` holds a `sandbox` directory too.
ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sandbox.pytest_plugin import sandbox, sandbox_session  # noqa: E402

__all__ = ["sandbox", "sandbox_session"]
