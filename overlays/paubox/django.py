"""Django email backend: ``EMAIL_BACKEND = "paubox_client.django.EmailBackend"`` (extra ``django``).

Settings: ``PAUBOX = {"API_KEY": ..., "API_USERNAME": ..., "BASE_URL": ...}`` (each key optional:
the client then reads ``PAUBOX_API_KEY``, ``PAUBOX_API_USERNAME``, ``PAUBOX_BASE_URL``), plus
``TIMEOUT``, ``RETRY`` and ``USER_AGENT``. See ``_runtime/django_backend.py``.
"""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

from ._runtime.django_backend import ClientEmailBackend
from ._sync.client import Paubox


class EmailBackend(ClientEmailBackend[Paubox]):
    """Sends Django's email through one ``Paubox`` client per backend connection."""

    setting = "PAUBOX"
    client_keys = ("API_KEY", "API_USERNAME", "BASE_URL")

    def build_client(self, options: dict[str, Any]) -> Paubox:
        return Paubox(**options)

    def send(self, client: Paubox, msg: EmailMessage, options: dict[str, Any]) -> None:
        client.send_email_message(msg)
