"""Django email backend: ``EMAIL_BACKEND = "sendclean_client.django.EmailBackend"`` (extra ``django``).

Settings: ``SENDCLEAN = {"OWNER_ID": ..., "TOKEN": ..., "SMTP_USER_NAME": ..., "APP_DOMAIN": ...,
"BASE_URL": ...}`` (each key optional: the client then reads ``SENDCLEAN_OWNER_ID`` and the other
``SENDCLEAN_*`` variables), plus ``TIMEOUT``, ``RETRY`` and ``USER_AGENT``. See
``_runtime/django_backend.py``.
"""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

from ._runtime.django_backend import ClientEmailBackend
from ._sync.client import SendClean


class EmailBackend(ClientEmailBackend[SendClean]):
    """Sends Django's email through one ``SendClean`` client per backend connection."""

    setting = "SENDCLEAN"
    client_keys = ("OWNER_ID", "TOKEN", "SMTP_USER_NAME", "APP_DOMAIN", "BASE_URL")

    def build_client(self, options: dict[str, Any]) -> SendClean:
        return SendClean(**options)

    def send(self, client: SendClean, msg: EmailMessage, options: dict[str, Any]) -> None:
        client.send_email_message(msg)
