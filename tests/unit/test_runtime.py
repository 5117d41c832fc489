"""The shared runtime's pure parts: retry decisions, redaction, settings, and the unasync rewrite rules.

The runtime is copied into every vendor package unchanged, so it is tested once, through
``paubox_client._runtime``.
"""

from __future__ import annotations

import email.utils
import logging
import platform
import re
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote, quote_plus

import httpx
import pytest
from paubox_client._runtime import retry as retry_module
from paubox_client._runtime.errors import ConfigurationError, RateLimitError
from paubox_client._runtime.redact import MASK, QueryCredentialFilter, Redactor, redact_url
from paubox_client._runtime.retry import RetryPolicy, parse_retry_after
from paubox_client._runtime.settings import USER_AGENT, credential, http_url, user_agent
from paubox_client._version import VERSION

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT / "scripts") not in sys.path:
    sys.path.insert(0, str(ROOT / "scripts"))
from unasync import unasync_text  # noqa: E402

NOW = 1_700_000_000.0


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """``time.time()`` as the retry module sees it is ``NOW``: HTTP dates become exact delays."""
    monkeypatch.setattr(retry_module, "time", SimpleNamespace(time=lambda: NOW))


def answer(status: int, retry_after: str | None = None) -> httpx.Response:
    return httpx.Response(status, headers={} if retry_after is None else {"retry-after": retry_after})


def in_backoff_window(delay: float | None, policy: RetryPolicy, attempt: int) -> bool:
    """Backoff is ``backoff_base * 2**attempt`` capped at ``backoff_max``, jittered in its upper half."""
    ceiling = min(policy.backoff_max, policy.backoff_base * 2.0**attempt)
    return delay is not None and ceiling / 2 <= delay <= ceiling


# --------------------------------------------------------------------------- RetryPolicy


def test_policy_defaults() -> None:
    policy = RetryPolicy()
    assert (policy.max_retries, policy.backoff_base, policy.backoff_max) == (2, 0.5, 8.0)
    assert (policy.max_retry_after, policy.retry_sends) == (60.0, False)


@pytest.mark.parametrize(
    ("method", "delivers", "retry_sends", "expected"),
    [
        ("GET", False, False, True),
        ("HEAD", False, False, True),
        ("OPTIONS", False, False, True),
        ("GET", True, False, False),  # the platform's legacy GET sends an email
        ("POST", False, False, False),
        ("POST", True, False, False),
        ("PUT", False, False, False),
        ("POST", True, True, True),
        ("GET", True, True, True),
    ],
)
def test_may_repeat(method: str, delivers: bool, retry_sends: bool, expected: bool) -> None:
    assert RetryPolicy(retry_sends=retry_sends).may_repeat(method, delivers) is expected


# status -> (retried when the request is not repeatable, retried when it is)
STATUS_TABLE: dict[int, tuple[bool, bool]] = {
    200: (False, False),
    201: (False, False),
    400: (False, False),
    401: (False, False),
    404: (False, False),
    429: (True, True),
    500: (False, True),
    501: (False, False),
    502: (True, True),
    503: (True, True),
    504: (True, True),
    520: (False, False),
}


@pytest.mark.parametrize("attempt", [0, 1, 2])
@pytest.mark.parametrize("repeatable", [False, True], ids=["send", "repeatable"])
@pytest.mark.parametrize("status", list(STATUS_TABLE))
def test_delay_after_response(status: int, repeatable: bool, attempt: int) -> None:
    policy = RetryPolicy()  # max_retries=2: attempts 0 and 1 may be retried, attempt 2 is the last
    delay = policy.delay_after_response(answer(status), attempt, repeatable)
    if STATUS_TABLE[status][repeatable] and attempt < policy.max_retries:
        assert in_backoff_window(delay, policy, attempt), delay
    else:
        assert delay is None


def test_backoff_grows_and_is_capped() -> None:
    policy = RetryPolicy(max_retries=10, backoff_base=1.0, backoff_max=5.0)
    for attempt, ceiling in [(0, 1.0), (1, 2.0), (2, 4.0), (3, 5.0), (9, 5.0)]:
        delay = policy.delay_after_response(answer(503), attempt, False)
        assert delay is not None and ceiling / 2 <= delay <= ceiling


def test_no_retries_at_all() -> None:
    policy = RetryPolicy(max_retries=0)
    assert policy.delay_after_response(answer(503), 0, True) is None
    assert policy.delay_after_error(httpx.ConnectError("refused"), 0, True) is None


NEVER_SENT: list[httpx.TransportError] = [
    httpx.ConnectError("refused"),
    httpx.ConnectTimeout("connect timed out"),
    httpx.PoolTimeout("no connection free"),
    httpx.ProxyError("proxy said no"),
    httpx.UnsupportedProtocol("gopher://"),
]
MAY_HAVE_BEEN_SENT: list[httpx.TransportError] = [
    httpx.ReadTimeout("read timed out"),
    httpx.WriteTimeout("write timed out"),
    httpx.ReadError("connection reset"),
    httpx.WriteError("broken pipe"),
    httpx.RemoteProtocolError("Server disconnected without sending a response."),
]


@pytest.mark.parametrize("repeatable", [False, True], ids=["send", "repeatable"])
@pytest.mark.parametrize("error", NEVER_SENT, ids=lambda e: type(e).__name__)
def test_never_sent_failures_are_always_retried(error: httpx.TransportError, repeatable: bool) -> None:
    policy = RetryPolicy()
    assert in_backoff_window(policy.delay_after_error(error, 0, repeatable), policy, 0)
    assert in_backoff_window(policy.delay_after_error(error, 1, repeatable), policy, 1)
    assert policy.delay_after_error(error, 2, repeatable) is None  # retries used up


@pytest.mark.parametrize("error", MAY_HAVE_BEEN_SENT, ids=lambda e: type(e).__name__)
def test_failures_after_sending_are_retried_only_when_repeatable(error: httpx.TransportError) -> None:
    policy = RetryPolicy()
    assert policy.delay_after_error(error, 0, False) is None
    assert in_backoff_window(policy.delay_after_error(error, 0, True), policy, 0)
    assert policy.delay_after_error(error, 2, True) is None


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("7", 7.0),
        (" 2.5 ", 2.5),
        ("0", 0.0),
        ("-5", 0.0),
        (email.utils.formatdate(NOW + 30, usegmt=True), 30.0),
        (email.utils.formatdate(NOW - 30, usegmt=True), 0.0),
        ("soon", None),
        ("", None),
        (None, None),
    ],
    ids=["seconds", "fraction", "zero", "negative", "http-date", "past-date", "garbage", "empty", "absent"],
)
def test_parse_retry_after(frozen_clock: None, header: str | None, expected: float | None) -> None:
    assert parse_retry_after(header) == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("3", 3.0),
        ("60", 60.0),  # exactly the cap is still obeyed
        ("61", None),  # over the cap: handed to the caller as a RateLimitError, not slept on
        ("120", None),
        (email.utils.formatdate(NOW + 45, usegmt=True), 45.0),
        (email.utils.formatdate(NOW + 3600, usegmt=True), None),
    ],
    ids=["seconds", "at-cap", "over-cap", "far-over-cap", "date", "date-over-cap"],
)
@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_is_obeyed_up_to_the_cap(
    frozen_clock: None, status: int, header: str, expected: float | None
) -> None:
    assert RetryPolicy().delay_after_response(answer(status, header), 0, False) == expected


def test_unreadable_retry_after_falls_back_to_backoff() -> None:
    policy = RetryPolicy()
    assert in_backoff_window(policy.delay_after_response(answer(503, "soon"), 0, False), policy, 0)


def test_retry_after_does_not_make_other_statuses_retryable() -> None:
    assert RetryPolicy().delay_after_response(answer(400, "1"), 0, True) is None
    assert RetryPolicy().delay_after_response(answer(500, "1"), 0, False) is None


def test_rate_limit_error_reads_retry_after() -> None:
    headers = httpx.Response(429, headers={"Retry-After": "120"}).headers  # as the decoder passes them
    error = RateLimitError("slow down", status_code=429, error=None, body=b"", headers=headers)
    assert error.retry_after == 120.0
    assert RateLimitError("x", status_code=429, error=None, body=b"", headers={}).retry_after is None


@pytest.mark.parametrize("name", ["max_retries", "backoff_base", "backoff_max", "max_retry_after"])
def test_policy_rejects_negative_values(name: str) -> None:
    negative: dict[str, Any] = {name: -1}
    with pytest.raises(ValueError, match=f"{name} must be >= 0"):
        RetryPolicy(**negative)
    zero: dict[str, Any] = {name: 0}
    assert getattr(RetryPolicy(**zero), name) == 0


# --------------------------------------------------------------------------- redaction

SECRET = "Sup3r Secret/Key+=0123"  # a space, a slash, a plus and an equals sign: three distinct forms


@pytest.mark.parametrize(
    "form", [SECRET, quote(SECRET, safe=""), quote_plus(SECRET)], ids=["raw", "percent-encoded", "plus-encoded"]
)
def test_redactor_masks_every_form_of_a_secret(form: str) -> None:
    assert len({SECRET, quote(SECRET, safe=""), quote_plus(SECRET)}) == 3
    assert Redactor([SECRET])(f"before {form} after") == f"before {MASK} after"


def test_redactor_masks_the_longest_secret_first() -> None:
    redact = Redactor(["abcdefgh12", "abcdefgh12345"])
    assert redact("key abcdefgh12345 and abcdefgh12") == f"key {MASK} and {MASK}"
    assert "345" not in redact("abcdefgh12345")


def test_redactor_ignores_short_and_missing_secrets() -> None:
    redact = Redactor(["token", "1234567", None, ""])
    assert redact("token 1234567 stays") == "token 1234567 stays"  # would mask ordinary words
    assert Redactor(["12345678"])("x 12345678 y") == f"x {MASK} y"  # eight characters are enough


def test_redactor_masks_credential_query_parameters_it_does_not_know() -> None:
    assert Redactor()("GET https://h/p?api_key=unknown&x=1") == f"GET https://h/p?api_key={MASK}&x=1"


def test_redactor_repr_shows_no_secret() -> None:
    redact = Redactor([SECRET])
    for text in (repr(redact), str(redact)):
        for form in (SECRET, quote(SECRET, safe=""), quote_plus(SECRET)):
            assert form not in text
    assert repr(redact) == "Redactor(3 forms)"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://h/p?token=abc&x=1", "https://h/p?token=***&x=1"),
        ("https://h/p?x=1&api_key=abc", "https://h/p?x=1&api_key=***"),
        ("https://h/p?APIKEY=abc#frag", "https://h/p?APIKEY=***#frag"),
        ("https://h/p?password=p%40ss&token=t", "https://h/p?password=***&token=***"),
        ("see https://h/p?token=abc for details", "see https://h/p?token=*** for details"),
        ("'https://h/p?token=abc'", "'https://h/p?token=***'"),
        ("https://h/p?mytoken=abc&token_type=x", "https://h/p?mytoken=abc&token_type=x"),
        ("https://h/p?owner_id=1&to=a@example.com", "https://h/p?owner_id=1&to=a@example.com"),
    ],
    ids=["token", "api_key", "case-and-fragment", "two", "in-prose", "quoted", "look-alikes", "no-credentials"],
)
def test_redact_url(url: str, expected: str) -> None:
    assert redact_url(url) == expected


def test_query_credential_filter_rewrites_the_log_line() -> None:
    record = logging.LogRecord(
        "httpx", logging.INFO, __file__, 1, "HTTP Request: %s %s", ("GET", "https://h/?token=t0k3n"), None
    )
    assert QueryCredentialFilter().filter(record) is True
    assert record.getMessage() == "HTTP Request: GET https://h/?token=***"
    plain = logging.LogRecord("httpx", logging.INFO, __file__, 1, "HTTP Request: %s", ("https://h/",), None)
    QueryCredentialFilter().filter(plain)
    assert (plain.msg, plain.args) == ("HTTP Request: %s", ("https://h/",))  # untouched when nothing to mask


# --------------------------------------------------------------------------- settings


def test_credential_prefers_the_argument(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAUBOX_API_KEY", "from-env-0000")
    assert credential("from-argument", argument="api_key", env="PAUBOX_API_KEY") == "from-argument"
    assert credential(None, argument="api_key", env="PAUBOX_API_KEY") == "from-env-0000"


@pytest.mark.parametrize(
    ("value", "env_value"),
    [(None, None), (None, ""), (None, "   "), ("", None), ("  ", "from-env-0000")],
    ids=["nothing", "empty-env", "blank-env", "empty-argument", "blank-argument"],
)
def test_credential_missing_or_blank_names_argument_and_env_var(
    monkeypatch: pytest.MonkeyPatch, value: str | None, env_value: str | None
) -> None:
    if env_value is None:
        monkeypatch.delenv("PAUBOX_API_KEY", raising=False)
    else:
        monkeypatch.setenv("PAUBOX_API_KEY", env_value)
    with pytest.raises(ConfigurationError) as caught:
        credential(value, argument="api_key", env="PAUBOX_API_KEY")
    assert str(caught.value) == "missing api_key: pass api_key=... or set the PAUBOX_API_KEY environment variable"
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://api.paubox.com/v1/email", "https://api.paubox.com/v1/email"),
        ("http://127.0.0.1:8025/paubox/v1/clinic/", "http://127.0.0.1:8025/paubox/v1/clinic"),
        ("https://api.smtp.com///", "https://api.smtp.com"),
    ],
)
def test_http_url_accepts_and_strips_the_trailing_slash(value: str, expected: str) -> None:
    assert http_url(value, env="PAUBOX_BASE_URL") == expected


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("ftp://api.smtp.com", "must be an http:// or https:// URL with a host"),
        ("localhost:8025/v1.0", "must be an http:// or https:// URL with a host"),
        ("/v1/email", "must be an http:// or https:// URL with a host"),
        ("https://", "must be an http:// or https:// URL with a host"),
        ("https://api:a-secret-key-123@api.smtp.com", "must not contain credentials"),
        ("https://user@api.smtp.com", "must not contain credentials"),
        ("http://[::1", "is not a valid URL"),
    ],
    ids=["ftp", "no-scheme", "relative", "no-host", "password", "user", "invalid"],
)
def test_http_url_rejects(value: str, problem: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        http_url(value, argument="base_url", env="SMTPCOM_BASE_URL")
    assert str(caught.value).startswith("base_url (or SMTPCOM_BASE_URL) ")
    assert problem in str(caught.value)
    assert "a-secret-key-123" not in str(caught.value)


def test_user_agent_format() -> None:
    assert f"paubox-client/{VERSION} httpx/{httpx.__version__} python/{platform.python_version()}" == USER_AGENT
    assert re.fullmatch(r"paubox-client/\d+\.\d+\.\d+\S* httpx/\d+\.\d+\.\d+\S* python/\d+\.\d+\.\d+\S*", USER_AGENT)


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (None, USER_AGENT),
        ("", USER_AGENT),
        ("   ", USER_AGENT),
        ("myapp/1", f"myapp/1 {USER_AGENT}"),
        (" myapp/1 ", f"myapp/1 {USER_AGENT}"),
    ],
    ids=["none", "empty", "blank", "product", "padded"],
)
def test_user_agent_puts_the_callers_product_first(extra: str | None, expected: str) -> None:
    assert user_agent(extra) == expected


@pytest.mark.parametrize(
    "extra",
    ["myapp/1\r\nX-Evil: 1", "myapp/1\nX-Evil: 1", "myapp/1\rX", "myapp/1\x00", "myäpp/1"],
    ids=["crlf", "lf", "cr", "control", "non-ascii"],
)
def test_user_agent_rejects_what_cannot_travel_in_a_header(extra: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        user_agent(extra)
    assert str(caught.value).startswith("user_agent ")


@pytest.mark.parametrize("extra", ["myapp/1\r\n", "\nmyapp/1"])
def test_user_agent_never_carries_a_line_break(extra: str) -> None:
    # surrounding whitespace (a line end too) is trimmed like a blank; what is left is checked
    assert user_agent(extra) == f"myapp/1 {USER_AGENT}"


# --------------------------------------------------------------------------- unasync


@pytest.mark.parametrize(
    ("source", "derived"),
    [
        ("async def send(self) -> None:", "def send(self) -> None:"),
        ("    response = await self._send(request)", "    response = self._send(request)"),
        ("async with lock:\n    async for x in it:", "with lock:\n    for x in it:"),
        ("class AsyncPaubox(AsyncBaseClient):", "class Paubox(BaseClient):"),
        (
            "self._http = httpx.AsyncClient(transport=httpx.AsyncHTTPTransport())",
            "self._http = httpx.Client(transport=httpx.HTTPTransport())",
        ),
        ("await async_sleep(delay); async_run_limited(jobs)", "sleep(delay); run_limited(jobs)"),
        ("await self._http.aclose()", "self._http.close()"),
        (
            "async def __aenter__(self): ...\nasync def __aexit__(self, *a): ...",
            "def __enter__(self): ...\ndef __exit__(self, *a): ...",
        ),
        ("from .._runtime._async.base import AsyncBaseClient", "from .._runtime._sync.base import BaseClient"),
        ("generated.set_async_httpx_client(self._http)", "generated.set_httpx_client(self._http)"),
        ("generated.get_async_httpx_client()", "generated.get_httpx_client()"),
        ("await response.aread()", "response.read()"),
        ("raise StopAsyncIteration", "raise StopIteration"),
        ("transport.handle_async_request(request)", "transport.handle_request(request)"),
    ],
    ids=[
        "async-def",
        "await",
        "async-with-for",
        "AsyncX",
        "httpx-classes",
        "async_-names",
        "aclose",
        "dunders",
        "_async-import-path",
        "set_async_httpx_client",
        "get_async_httpx_client",
        "aread",
        "StopAsyncIteration",
        "handle_async_request",
    ],
)
def test_unasync_text(source: str, derived: str) -> None:
    assert unasync_text(source) == derived


def test_unasync_leaves_words_that_only_contain_async_alone() -> None:
    text = "asyncio.run(main())  # the asynchronous path; async_ alone; is_async_ok = Asyncio"
    assert unasync_text(text) == text
