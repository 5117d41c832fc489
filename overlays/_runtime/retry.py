"""Safe retries as an httpx transport, so generated functions and overlay calls share them.

The rule that matters: a send is never repeated once it may have reached the server.

==========================================  =====================  ==========================
what happened                               GET (idempotent)       POST (a send)
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
import logging
import random
import time
from collections.abc import Callable
from typing import Any

import httpx
from attrs import define, field

from .redact import redact_url

logger = logging.getLogger(__name__)

#: Request extension key an overlay call uses to override the client's policy for one call.
POLICY_EXTENSION = "retry_policy"
#: Request extension marking a request that delivers a message whatever its method (SendClean's
#: legacy ``sendTemplateHTTPGet`` is a GET that sends an email): it gets the rules of a POST.
SENDS_MESSAGE_EXTENSION = "sends_message"

RETRY_ANY_METHOD = frozenset({429, 502, 503, 504})
RETRY_IDEMPOTENT_ONLY = frozenset({500})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# The request never left this process: resending cannot duplicate it.
NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def _non_negative(_: object, attribute: Any, value: float) -> None:
    if value < 0:
        raise ValueError(f"{attribute.name} must be >= 0, got {value!r}")


@define(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry. ``RetryPolicy(max_retries=0)`` disables retries.

    ``retry_sends=True`` also retries a POST after it may have reached the server (500, read
    timeout, dropped connection). That can deliver the same email twice: only turn it on for
    calls the vendor de-duplicates, or when a duplicate is cheaper than a lost message.
    """

    max_retries: int = field(default=2, validator=_non_negative)
    backoff_base: float = field(default=0.5, validator=_non_negative)
    backoff_max: float = field(default=8.0, validator=_non_negative)
    max_retry_after: float = field(default=60.0, validator=_non_negative)
    retry_sends: bool = False

    def may_repeat(self, request: httpx.Request) -> bool:
        """Whether resending ``request`` after it may have reached the server is harmless."""
        if self.retry_sends:
            return True
        return request.method in IDEMPOTENT_METHODS and not request.extensions.get(SENDS_MESSAGE_EXTENSION)

    def backoff(self, attempt: int) -> float:
        ceiling = min(self.backoff_max, self.backoff_base * 2.0**attempt)
        return ceiling / 2 + random.uniform(0, ceiling / 2)

    def delay_after_response(self, request: httpx.Request, response: httpx.Response, attempt: int) -> float | None:
        """Seconds to wait before retrying, or None to hand the response to the caller."""
        if attempt >= self.max_retries:
            return None
        status = response.status_code
        if status not in RETRY_ANY_METHOD and not (status in RETRY_IDEMPOTENT_ONLY and self.may_repeat(request)):
            return None
        hinted = parse_retry_after(response.headers.get("retry-after"))
        if hinted is None:
            return self.backoff(attempt)
        return hinted if hinted <= self.max_retry_after else None

    def delay_after_error(self, request: httpx.Request, error: httpx.TransportError, attempt: int) -> float | None:
        """Seconds to wait before retrying after a transport failure, or None to re-raise it."""
        if attempt >= self.max_retries:
            return None
        if isinstance(error, NEVER_SENT) or self.may_repeat(request):
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


def _policy_for(request: httpx.Request, default: RetryPolicy) -> RetryPolicy:
    policy = request.extensions.get(POLICY_EXTENSION)
    return policy if isinstance(policy, RetryPolicy) else default


def _log_retry(request: httpx.Request, reason: str, attempt: int, policy: RetryPolicy, delay: float) -> None:
    if logger.isEnabledFor(logging.INFO):
        logger.info(
            "retrying %s %s after %s (retry %d of %d) in %.2fs",
            request.method,
            redact_url(str(request.url)),
            reason,
            attempt + 1,
            policy.max_retries,
            delay,
        )


class RetryTransport(httpx.BaseTransport):
    """Wraps a transport (by default a plain ``httpx.HTTPTransport``) with ``RetryPolicy``."""

    def __init__(
        self,
        policy: RetryPolicy | None = None,
        wrapped: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.policy = policy or RetryPolicy()
        self._wrapped = wrapped if wrapped is not None else httpx.HTTPTransport()
        self._sleep = sleep

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        policy = _policy_for(request, self.policy)
        attempt = 0
        while True:
            try:
                response = self._wrapped.handle_request(request)
            except httpx.TransportError as error:
                delay = policy.delay_after_error(request, error, attempt)
                if delay is None:
                    raise
                reason = type(error).__name__
            else:
                delay = policy.delay_after_response(request, response, attempt)
                if delay is None:
                    return response
                response.close()
                reason = f"HTTP {response.status_code}"
            _log_retry(request, reason, attempt, policy, delay)
            self._sleep(delay)
            attempt += 1

    def close(self) -> None:
        self._wrapped.close()


async def _async_sleep(seconds: float) -> None:
    import anyio

    await anyio.sleep(seconds)


class AsyncRetryTransport(httpx.AsyncBaseTransport):
    """The async twin of ``RetryTransport``."""

    def __init__(
        self,
        policy: RetryPolicy | None = None,
        wrapped: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Any] = _async_sleep,
    ) -> None:
        self.policy = policy or RetryPolicy()
        self._wrapped = wrapped if wrapped is not None else httpx.AsyncHTTPTransport()
        self._sleep = sleep

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        policy = _policy_for(request, self.policy)
        attempt = 0
        while True:
            try:
                response = await self._wrapped.handle_async_request(request)
            except httpx.TransportError as error:
                delay = policy.delay_after_error(request, error, attempt)
                if delay is None:
                    raise
                reason = type(error).__name__
            else:
                delay = policy.delay_after_response(request, response, attempt)
                if delay is None:
                    return response
                await response.aclose()
                reason = f"HTTP {response.status_code}"
            _log_retry(request, reason, attempt, policy, delay)
            await self._sleep(delay)
            attempt += 1

    async def aclose(self) -> None:
        await self._wrapped.aclose()
