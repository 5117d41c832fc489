"""Offline sandbox for the Paubox, SMTP.com, PowerEmail and SendClean email APIs.

One ASGI app (Starlette, served by uvicorn) answers all four APIs at their real paths under a
vendor prefix, keeps every accepted message as real MIME, logs every request, and injects
faults on demand. Entry points:

* `python -m sandbox [--host 127.0.0.1] [--port 8025]`: run in the foreground.
* `sandbox.testing.running_sandbox(**config)`: run in a background thread (tests, demo, bench).
* `sandbox.pytest_plugin`: the `sandbox` pytest fixture.
* `sandbox.config`: default credentials, channels, templates (importable constants).
"""

from .app import SandboxApp, create_app
from .config import DEFAULT_CONFIG, VENDORS, SandboxConfig, Template, base_url

__all__ = ["DEFAULT_CONFIG", "VENDORS", "SandboxApp", "SandboxConfig", "Template", "base_url", "create_app"]
