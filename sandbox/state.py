"""The sandbox's mutable state: current config, the store and the fault rules."""

from __future__ import annotations

import time
from typing import Any

from .config import DEFAULT_CONFIG, SandboxConfig
from .faults import FaultBook
from .store import Store


class SandboxState:
    """Shared by the ASGI app (event-loop thread) and in-process accessors (test thread)."""

    def __init__(self, config: SandboxConfig = DEFAULT_CONFIG) -> None:
        self.initial_config = config
        self.config = config
        self.store = Store(
            max_requests=config.max_request_log,
            max_messages=config.max_messages,
            gc_freeze_every=config.gc_freeze_every,
        )
        self.faults = FaultBook()
        self.started_at = time.time()

    def configure(self, **changes: Any) -> SandboxConfig:
        """Change config options at runtime (e.g. `paubox_processing_reads=3`); `reset()` undoes it."""
        self.config = self.config.replace(**changes)
        return self.config

    def reset(self) -> None:
        """Forget all messages, requests and faults, and restore the initial config."""
        self.faults.clear()
        self.store.clear()
        self.config = self.initial_config
