"""What the Django backend tests know about each vendor's backend (a module of its own, not
conftest.py: every suite has a ``conftest`` module, so tests cannot import from theirs by name)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import django_settings

from sandbox.testing import SandboxHandle

#: Environment variables a developer's shell may hold that the clients would read.
VENDOR_ENV_PREFIXES = ("PAUBOX_", "SMTPCOM_", "SENDCLEAN_", "POWEREMAIL_")


@dataclass(frozen=True)
class DjangoVendor:
    """One vendor's backend: its package, settings dict and the credentials it reads."""

    name: str
    setting: str  # the settings dict, also the environment variable prefix
    #: A settings change that makes the vendor refuse the credentials.
    wrong_credentials: dict[str, str]

    @property
    def package(self) -> str:
        return f"{self.name}_client"

    @property
    def backend(self) -> str:
        return f"{self.package}.django.EmailBackend"

    @property
    def credentials(self) -> dict[str, Any]:
        """The credential keys of the vendor's settings dict in ``django_settings`` (all but ``CHANNEL``)."""
        configured: dict[str, Any] = getattr(django_settings, self.setting)
        return {key: value for key, value in configured.items() if key != "CHANNEL"}


DJANGO_VENDORS = {
    "paubox": DjangoVendor("paubox", "PAUBOX", {"API_KEY": "wrong-paubox-key"}),
    "smtpcom": DjangoVendor("smtpcom", "SMTPCOM", {"API_KEY": "wrong-smtpcom-key"}),
    "sendclean": DjangoVendor("sendclean", "SENDCLEAN", {"TOKEN": "wrong-sendclean-token"}),
    "poweremail": DjangoVendor("poweremail", "POWEREMAIL", {"TOKEN": "wrong-poweremail-token"}),
}


def vendor_settings(vendor: DjangoVendor, sandbox: SandboxHandle, **changes: Any) -> dict[str, Any]:
    """``settings.<VENDOR>`` of ``django_settings`` pointed at the sandbox, with ``changes`` applied
    (a ``None`` value removes the key)."""
    configured: dict[str, Any] = {**getattr(django_settings, vendor.setting), "BASE_URL": sandbox.base_url(vendor.name)}
    if vendor.name == "paubox":  # the key-only gateway: the key alone names the account
        configured["BASE_URL"] = f"{sandbox.url}/paubox/v1/email"
    configured.update(changes)
    return {key: value for key, value in configured.items() if value is not None}
