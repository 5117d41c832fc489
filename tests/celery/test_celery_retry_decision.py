"""The example task retries a failed send only when the error says the message cannot have gone out
(README "Retry a failed send only when it cannot have gone out"): one case per row of that table."""

from __future__ import annotations

import importlib
from collections.abc import Callable

import pytest
from paubox_client import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ClientError,
    RateLimitError,
    ResponseParseError,
    ServerError,
)

URL = "http://127.0.0.1:1/paubox/v1/email/messages"


def status(kind: type[APIStatusError], code: int) -> APIStatusError:
    return kind("refused", status_code=code, error=None, body=b"", headers={})


@pytest.fixture
def safe_to_retry(monkeypatch: pytest.MonkeyPatch) -> Callable[[ClientError], bool]:
    # tasks.py builds its client at import, the way users write it: it needs a key by then.
    monkeypatch.setenv("PAUBOX_API_KEY", "retry-decision-test-key")
    decide: Callable[[ClientError], bool] = importlib.import_module("examples.celery.tasks").safe_to_retry
    return decide


@pytest.mark.parametrize(
    ("error", "retried"),
    [
        (APIConnectionError("connect failed", method="POST", url=URL, may_have_been_sent=False), True),
        (APITimeoutError("connect timeout", method="POST", url=URL, may_have_been_sent=False), True),
        (APITimeoutError("read timeout", method="POST", url=URL, may_have_been_sent=True), False),
        (APIConnectionError("server disconnected", method="POST", url=URL, may_have_been_sent=True), False),
        (ResponseParseError("bad JSON", status_code=200, body=b"{", headers={}, may_have_been_sent=True), False),
        (status(RateLimitError, 429), True),
        (status(ServerError, 503), True),
        (status(ServerError, 500), False),
        (status(BadRequestError, 400), False),
        (status(AuthenticationError, 401), False),
    ],
    ids=[
        "connect-error",
        "connect-timeout",
        "read-timeout",
        "dropped",
        "2xx-unreadable",
        "429",
        "503",
        "500",
        "400",
        "401",
    ],
)
def test_a_send_is_retried_only_when_it_cannot_have_gone_out(
    safe_to_retry: Callable[[ClientError], bool], error: ClientError, retried: bool
) -> None:
    assert safe_to_retry(error) is retried
