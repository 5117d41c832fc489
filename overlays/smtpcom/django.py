"""Django email backend: ``EMAIL_BACKEND = "smtpcom_client.django.EmailBackend"`` (extra ``django``).

Settings: ``SMTPCOM = {"CHANNEL": ..., "API_KEY": ..., "AUTH": ..., "BASE_URL": ...}``. ``CHANNEL``
(the sender every message goes out through) is required; the others are optional (the client then
reads ``SMTPCOM_API_KEY`` and ``SMTPCOM_BASE_URL``), plus ``TIMEOUT``, ``RETRY`` and ``USER_AGENT``.
See ``_runtime/django_backend.py``.
"""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

from ._runtime.django_backend import ClientEmailBackend
from ._sync.client import SMTPcom


class EmailBackend(ClientEmailBackend[SMTPcom]):
    """Sends Django's email through one ``SMTPcom`` client per backend connection, as MIME
    (``send_email_message``) on the channel ``SMTPCOM["CHANNEL"]``."""

    setting = "SMTPCOM"
    client_keys = ("API_KEY", "AUTH", "BASE_URL")
    send_keys = ("CHANNEL",)

    def build_client(self, options: dict[str, Any]) -> SMTPcom:
        return SMTPcom(**options)

    def send(self, client: SMTPcom, msg: EmailMessage, options: dict[str, Any]) -> None:
        client.send_email_message(msg, channel=options["channel"])
