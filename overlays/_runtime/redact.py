"""Keep secrets out of reprs, exception messages, URLs and log lines.

* ``Redactor`` belongs to one client and knows only that client's secrets (its key, token, Basic
  credentials, in raw and URL-encoded forms). Every message the client puts into an exception
  goes through it, so a vendor that echoes the key back cannot leak it. Its cost depends on the
  client's own few secrets, never on how many clients the process has built.
* ``redact_url`` masks credential-looking query parameters (``token``, ``api_key``, ...) by
  pattern, with no state at all.
* ``mask_query_credentials_in_httpx_logs`` attaches a stateless filter to the ``httpx`` logger,
  whose ``HTTP Request: ...`` lines show full URLs. Only clients that put a secret into URLs
  (SMTP.com's ``auth="query"``, the platform's legacy GET) call it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

MASK = "***"
SECRET_QUERY_KEYS = ("token", "api_key", "apikey", "password")
_QUERY_SECRET = re.compile(r"(?i)([?&](?:" + "|".join(SECRET_QUERY_KEYS) + r")=)[^&#\s'\"]*")
# Shorter values would mask ordinary words ("token"); short secrets are still kept out of URLs and
# headers by redact_url and by never logging headers.
_MIN_SECRET_LENGTH = 8


def redact_url(url: str) -> str:
    """The URL with credential query parameters masked."""
    return _QUERY_SECRET.sub(lambda m: m.group(1) + MASK, url)


class Redactor:
    """Masks one client's secrets in text."""

    __slots__ = ("_secrets",)

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        forms: set[str] = set()
        for value in secrets:
            if value and len(value) >= _MIN_SECRET_LENGTH:
                forms.update({value, quote(value, safe=""), quote_plus(value)})
        # Longest first, so that a secret containing another is masked whole.
        self._secrets = tuple(sorted(forms, key=len, reverse=True))

    def __call__(self, text: str) -> str:
        """``text`` with this client's secrets and every credential query parameter masked."""
        text = redact_url(text)
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, MASK)
        return text

    def __repr__(self) -> str:
        return f"Redactor({len(self._secrets)} forms)"


class QueryCredentialFilter(logging.Filter):
    """Rewrites a log record whose message contains a credential query parameter."""

    #: Marks the filter across the four packages' copies of this module, so that it is attached once.
    marker = "email-clients-query-credential-filter"

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact_url(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def mask_query_credentials_in_httpx_logs() -> None:
    """Attach ``QueryCredentialFilter`` to the ``httpx`` logger once per process."""
    httpx_logger = logging.getLogger("httpx")
    if not any(getattr(f, "marker", None) == QueryCredentialFilter.marker for f in httpx_logger.filters):
        httpx_logger.addFilter(QueryCredentialFilter())
