"""Raw responses: ``client.with_raw_response.<call>(...)`` gives the status, headers and result.

The wrapped call runs as usual (same validation, retries and typed errors); a context variable,
set only for the duration of that call, receives the final ``httpx.Response`` it decoded.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Generic, TypeVar

import httpx
from attrs import define

T = TypeVar("T")

#: While a ``with_raw_response`` call runs: the list that receives the response it decoded.
CAPTURED: ContextVar[list[httpx.Response] | None] = ContextVar("email_client_captured_response", default=None)


def capture(response: httpx.Response) -> None:
    """Hand ``response`` to the ``with_raw_response`` call in progress, if any."""
    captured = CAPTURED.get()
    if captured is not None:
        captured.append(response)


@define(frozen=True)
class RawResponse(Generic[T]):
    """The HTTP answer of one call and its parsed result.

    ``status_code`` and ``headers`` (rate-limit headers, request ids) come from the answer the
    result was decoded from, after any retries; ``http_response`` is the ``httpx.Response``
    itself, body already read.
    """

    http_response: httpx.Response
    _parsed: T

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def request_id(self) -> str | None:
        """The ``X-Request-Id`` header, when the vendor sent one."""
        value = self.http_response.headers.get("x-request-id")
        return value if isinstance(value, str) else None

    def parse(self) -> T:
        """The call's result, as the plain call returns it."""
        return self._parsed
