"""The Django settings module of the Django backend tests (applied by conftest.py with ``settings.configure``).

Each vendor's credentials are the sandbox's, in the settings dict the backends read: ``PAUBOX``,
``SMTPCOM``, ``SENDCLEAN``, ``POWEREMAIL`` (keys are the vendor's environment variable names
without the prefix). The sandbox listens on a free port, so each test adds ``BASE_URL`` and picks
``EMAIL_BACKEND`` with ``override_settings``.
"""

from __future__ import annotations

from typing import Any

from sandbox import config as sb

SECRET_KEY = "tests-django-not-a-secret"
INSTALLED_APPS: list[str] = []
USE_TZ = True
DEFAULT_FROM_EMAIL = "Clinic <clinic@sandbox.example.com>"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

PAUBOX: dict[str, Any] = {"API_KEY": sb.PAUBOX_API_KEY}
SMTPCOM: dict[str, Any] = {"API_KEY": sb.SMTPCOM_API_KEY, "CHANNEL": "transactional"}
SENDCLEAN: dict[str, Any] = {
    "OWNER_ID": sb.SENDCLEAN_OWNER_ID,
    "TOKEN": sb.SENDCLEAN_TOKEN,
    "SMTP_USER_NAME": sb.SENDCLEAN_SMTP_USER,
}
POWEREMAIL: dict[str, Any] = {
    "OWNER_ID": sb.POWEREMAIL_OWNER_ID,
    "TOKEN": sb.POWEREMAIL_TOKEN,
    "SMTP_USER_NAME": sb.POWEREMAIL_SMTP_USER,
}
