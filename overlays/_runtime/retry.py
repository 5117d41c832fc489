"""Safe retries: the policy, as pure decisions. The loop that applies it is in ``_async/base.py``.

The rule that matters: a send is never repeated once it may have reached the server.

==========================================  =====================  ==========================
what happened                               GET (idempotent)       a send (POST, or a GET
                                                                   that delivers a message)
==========================================  =====================  ==========================
connect error / connect or pool timeout     retried                retried (never left us)
429, 502, 503, 504                          retried                retried (not processed)
500                                         retried                only with ``retry_sends``
read timeout, dropped connection, write     retried                only with ``retry_sends``
error, incomplete response
anything else (2xx, 4xx, 501, ...)          returned               returned
==========================================  =====================  ==========================

Delays grow exponentially with jitter (``backoff_base * 2**attempt``, capped at ``backoff_max``,
each a random value in its upper half). A ``Retry-After`` header (seconds or an HTTP date) is obeyed
instead when present; if it asks for longer than ``max_retry_after`` the response is returned as is
(the caller gets a ``RateLimitError`` carrying ``retry_after``) rather than blocking.
"""

from __future__ import annotations

import email.utils
import random
import time
from typing import Any

import httpx
from attrs import define, field

RETRY_ANY_METHOD = frozenset({429, 502, 503, 504})
RETRY_IDEMPOTENT_ONLY = frozenset({500})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: The request never left this process: resending cannot duplicate it.
NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.ProxyError, httpx.UnsupportedProtocol)


def _non_negative(_: object, attribute: Any, value: float) -> None:
    if value < 0:
        raise ValueError(f"{attribute.name} must be >= 0, got {value!r}")


@define(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry. ``RetryPolicy(max_retries=0)`` disables retries.

    ``retry_sends=True`` also retries a send after it may have reached the server (500, read
    timeout, dropped connection). That can deliver the same email twice: only turn it on for
    calls the vendor de-duplicates, or when a duplicate is cheaper than a lost message.
    """

    max_retries: int = field(default=2, validator=_non_negative)
    backoff_base: float = field(default=0.5, validator=_non_negative)
    backoff_max: float = field(default=8.0, validator=_non_negative)
    max_retry_after: float = field(default=60.0, validator=_non_negative)
    retry_sends: bool = False

    def may_repeat(self, method: str, delivers: bool) -> bool:
        """Whether resending a request after it may have reached the server is harmless."""
        return self.retry_sends or (method in IDEMPOTENT_METHODS and not delivers)

    def backoff(self, attempt: int) -> float:
        ceiling = min(self.backoff_max, self.backoff_base * 2.0**attempt)
        return ceiling / 2 + random.uniform(0, ceiling / 2)

    def delay_after_response(self, response: httpx.Response, attempt: int, repeatable: bool) -> float | None:
        """Seconds to wait before retrying, or None to hand the response to the caller."""
        if attempt >= self.max_retries:
            return None
        status = response.status_code
        if status not in RETRY_ANY_METHOD and not (status in RETRY_IDEMPOTENT_ONLY and repeatable):
            return None
        hinted = parse_retry_after(response.headers.get("retry-after"))
        if hinted is None:
            return self.backoff(attempt)
        return hinted if hinted <= self.max_retry_after else None

    def delay_after_error(self, error: httpx.TransportError, attempt: int, repeatable: bool) -> float | None:
        """Seconds to wait before retrying after a transport failure, or None to give up."""
        if attempt >= self.max_retries:
            return None
        if isinstance(error, NEVER_SENT) or repeatable:
            return self.backoff(attempt)
        return None


def parse_retry_after(value: str | None) -> float | None:
    """``Retry-After`` as seconds from now: delta-seconds or an HTTP date (RFC 9110 §10.2.3)."""
    if value is None:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
