"""Keep secrets out of reprs, exception messages, URLs and log lines.

Two mechanisms, both cheap:

* ``redact_url`` masks the value of credential-looking query parameters (``token``,
  ``api_key``, ...), so a legacy GET URL can be printed.
* ``register_secret`` remembers each credential a client was built with; ``redact`` replaces
  every registered value (raw and URL-encoded) in a string, and ``SecretFilter`` applies it to the
  log records of httpx, httpcore and this package, including httpx's own ``HTTP Request: ...`` lines.
"""

from __future__ import annotations

import logging
import re
import threading
from urllib.parse import quote, quote_plus

MASK = "***"
SECRET_QUERY_KEYS = ("token", "api_key", "apikey", "password")
_QUERY_SECRET = re.compile(r"(?i)([?&](?:" + "|".join(SECRET_QUERY_KEYS) + r")=)[^&#\s'\"]*")
# Shorter values would mask ordinary words ("token"); short secrets are still kept out of URLs and
# headers by redact_url and by never logging headers.
_MIN_SECRET_LENGTH = 8

_secrets: set[str] = set()
_lock = threading.Lock()
_installed: set[str] = set()


def register_secret(value: str | None) -> None:
    """Remember a credential so that ``redact`` and the log filter mask it everywhere."""
    if not value or len(value) < _MIN_SECRET_LENGTH:
        return
    with _lock:
        _secrets.update({value, quote(value, safe=""), quote_plus(value)})


def redact_url(url: str) -> str:
    """The URL with credential query parameters masked."""
    return _QUERY_SECRET.sub(lambda m: m.group(1) + MASK, url)


def redact(text: str) -> str:
    """``text`` with every registered secret and every credential query parameter masked."""
    text = redact_url(text)
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


class SecretFilter(logging.Filter):
    """A logging filter that rewrites a record's message with ``redact``."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def install_log_filter(*logger_names: str) -> None:
    """Attach one ``SecretFilter`` to each named logger (idempotent)."""
    with _lock:
        # A logger's filters see only its own records, not its children's: name each one.
        for name in ("httpx", "httpcore.connection", "httpcore.http11", "httpcore.proxy", *logger_names):
            if name not in _installed:
                logging.getLogger(name).addFilter(SecretFilter())
                _installed.add(name)
