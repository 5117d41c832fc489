"""Django, configured from the settings module ``django_settings.py``, and each vendor's backend
pointed at the sandbox.

``vendor`` runs a test once per package (the four backends differ in settings, client and the JSON
or MIME they send); ``configured`` makes that vendor's backend ``EMAIL_BACKEND`` and adds the
sandbox's ``BASE_URL`` to its settings dict for the test.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# The repo root must come first: `tests/` is on pythonpath and holds a `sandbox` directory too.
ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import django  # noqa: E402
import django_settings  # noqa: E402
from django.conf import settings  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django_support import DJANGO_VENDORS, VENDOR_ENV_PREFIXES, DjangoVendor, vendor_settings  # noqa: E402

from sandbox.pytest_plugin import sandbox, sandbox_session  # noqa: E402
from sandbox.testing import SandboxHandle  # noqa: E402

__all__ = ["configured", "sandbox", "sandbox_session", "vendor"]

if not settings.configured:
    settings.configure(**{name: getattr(django_settings, name) for name in dir(django_settings) if name.isupper()})
    django.setup()


@pytest.fixture(params=list(DJANGO_VENDORS))
def vendor(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> DjangoVendor:
    """Each vendor in turn, with no vendor variable left in the environment."""
    for name in list(os.environ):
        if name.startswith(VENDOR_ENV_PREFIXES):
            monkeypatch.delenv(name)
    return DJANGO_VENDORS[str(request.param)]


@pytest.fixture
def configured(vendor: DjangoVendor, sandbox: SandboxHandle) -> Iterator[DjangoVendor]:
    """``vendor``'s backend as ``EMAIL_BACKEND``, its settings dict pointed at the sandbox."""
    with override_settings(EMAIL_BACKEND=vendor.backend, **{vendor.setting: vendor_settings(vendor, sandbox)}):
        yield vendor
