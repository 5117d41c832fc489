"""Django email backend: ``EMAIL_BACKEND = "poweremail_client.django.EmailBackend"`` (extra ``django``).

Settings: ``POWEREMAIL = {"OWNER_ID": ..., "TOKEN": ..., "SMTP_USER_NAME": ..., "APP_DOMAIN": ...,
"BASE_URL": ...}`` (each key optional: the client then reads ``POWEREMAIL_OWNER_ID`` and the other
``POWEREMAIL_*`` variables), plus ``TIMEOUT``, ``RETRY`` and ``USER_AGENT``. See
``_runtime/django_backend.py``.
"""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

from ._runtime.django_backend import ClientEmailBackend
from ._sync.client import PowerEmail


class EmailBackend(ClientEmailBackend[PowerEmail]):
    """Sends Django's email through one ``PowerEmail`` client per backend connection."""

    setting = "POWEREMAIL"
    client_keys = ("OWNER_ID", "TOKEN", "SMTP_USER_NAME", "APP_DOMAIN", "BASE_URL")

    def build_client(self, options: dict[str, Any]) -> PowerEmail:
        return PowerEmail(**options)

    def send(self, client: PowerEmail, msg: EmailMessage, options: dict[str, Any]) -> None:
        client.send_email_message(msg)
