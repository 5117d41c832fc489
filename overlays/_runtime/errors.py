"""The exception hierarchy every vendor package exposes.

    ClientError                      base of everything this package raises
    ├── ConfigurationError           a credential or setting is missing (names the argument and env var)
    ├── InvalidRequestError          bad input, caught before any network I/O (names the field)
    ├── APIConnectionError           no usable response: connect failure, dropped connection
    │   └── APITimeoutError          a connect, read, write or pool timeout
    ├── EventLoopError               an ``http_client=``'s connections belong to a closed event loop
    ├── ResponseParseError           a response arrived but could not be understood (keeps the raw body)
    └── APIStatusError               the vendor said no: HTTP status, parsed vendor error, headers
        ├── BadRequestError          validation / 400 / 422
        ├── AuthenticationError      401 / 403 / bad credentials
        ├── NotFoundError            404
        ├── RateLimitError           429
        └── ServerError              5xx

The runtime is copied into every vendor package, so ``paubox_client.ClientError`` and
``sendclean_client.ClientError`` are distinct classes: catching one vendor's errors never
swallows another's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class ClientError(Exception):
    """Base class of every exception raised by this package."""


class ConfigurationError(ClientError, ValueError):
    """A required setting is missing or malformed."""


class InvalidRequestError(ClientError, ValueError):
    """The request was rejected before anything was sent.

    ``field`` is the dotted path of the offending input (``"message.recipients"``).
    """

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


class APIConnectionError(ClientError):
    """The request did not get a usable HTTP response (connect failure, dropped connection).

    ``may_have_been_sent`` is False only when the request provably never left this process
    (the connection was never established), so resending cannot duplicate it. ``url`` has no
    query string: query values can be recipients, subjects or tokens.
    """

    def __init__(self, message: str, *, method: str, url: str, may_have_been_sent: bool) -> None:
        super().__init__(f"{message} ({method} {url})")
        self.method = method
        self.url = url
        self.may_have_been_sent = may_have_been_sent


class APITimeoutError(APIConnectionError):
    """A connect, read, write or pool timeout expired."""


class EventLoopError(ClientError, RuntimeError):
    """An async client's connections belong to an event loop that has closed.

    A client that built its own connection pool opens new connections on each new event loop by
    itself; this is raised only for an ``http_client=`` passed in, which the client cannot rebuild.
    Usually it is raised before anything is sent (``may_have_been_sent`` False); when httpx fails
    in the middle of the exchange instead, the request may have gone out on the old connection.
    """

    def __init__(self, message: str, *, may_have_been_sent: bool) -> None:
        super().__init__(message)
        self.may_have_been_sent = may_have_been_sent


class ResponseParseError(ClientError):
    """A success-range answer that could not be understood.

    Covers HTML pages, truncated JSON and bodies the spec does not allow on a 2xx, and statuses a
    client cannot act on (1xx, 3xx, 204 where a body is due). An *error* status outside the IANA
    list is still an error: 499 raises ``BadRequestError``, 520 ``ServerError``, each keeping the
    raw body.

    ``may_have_been_sent`` is True when the request delivers a message and the vendor answered
    2xx: the message was most likely accepted, so do not resend it without checking. The message
    never shows bytes of the body, which may hold patient data; they stay on ``.body``.
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        body: bytes,
        headers: Mapping[str, str],
        may_have_been_sent: bool = False,
    ) -> None:
        if may_have_been_sent:
            message += f"; HTTP {status_code} means the message was probably accepted: check before resending"
        super().__init__(f"{message} (HTTP {status_code})")
        self.status_code = status_code
        self.body = body
        self.headers = dict(headers)
        self.may_have_been_sent = may_have_been_sent


class APIStatusError(ClientError):
    """The vendor answered with an error.

    ``status_code`` is the HTTP status (SendClean and PowerEmail report errors with 200),
    ``error`` the vendor's error body parsed into its spec model (``None`` when the body is not
    the vendor's error envelope, e.g. a proxy's HTML page), ``body`` the raw bytes and
    ``headers`` the response headers.
    """

    def __init__(self, message: str, *, status_code: int, error: Any, body: bytes, headers: Mapping[str, str]) -> None:
        super().__init__(f"{message} (HTTP {status_code})")
        self.status_code = status_code
        self.error = error
        self.body = body
        self.headers = dict(headers)


class BadRequestError(APIStatusError):
    """The vendor rejected the request as invalid."""


class AuthenticationError(APIStatusError):
    """The credentials were missing, wrong, or not allowed to do this."""


class NotFoundError(APIStatusError):
    """The addressed resource (a tracking id, a channel) does not exist."""


class RateLimitError(APIStatusError):
    """Too many requests; ``retry_after`` is the server's hint in seconds, when it gave one."""

    @property
    def retry_after(self) -> float | None:
        from .retry import parse_retry_after

        value = next((v for k, v in self.headers.items() if k.lower() == "retry-after"), None)
        return parse_retry_after(value)


class ServerError(APIStatusError):
    """The vendor failed (5xx, or a platform ``GeneralError``)."""


def status_error_class(status_code: int) -> type[APIStatusError]:
    """The subclass for an HTTP error status."""
    if status_code in (401, 403):
        return AuthenticationError
    if status_code == 404:
        return NotFoundError
    if status_code == 429:
        return RateLimitError
    if status_code >= 500:
        return ServerError
    if 400 <= status_code < 500:
        return BadRequestError
    return APIStatusError
