"""The retry policy as the client's request loop applies it, against the sandbox on 127.0.0.1.

The sandbox counts what really reached it; the client's ``_sleep`` is replaced by a recorder, so
every delay the loop chose is checked without waiting for it. The rule under test: a send (a POST,
or the platform's legacy GET, which delivers mail) is never repeated once it may have reached the
server; 429/502/503/504 and failures that never left the process are retried; a read-only GET is
also retried after 500, a dropped connection or a read timeout.

The retry loop is one piece of code for every vendor, so the matrix runs on Paubox; vendors are
parametrised only where they really differ (which operations deliver mail, the per-call options
each vendor's methods pass on). Sync and async are both run where the transport errors differ.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import httpx
import pytest
from support.clients import VENDORS, make_client
from support.servers import DeadPort

from sandbox import config as sb
from sandbox.testing import SandboxHandle

Action = Callable[[Any], Any]  # client -> the call's result, or an awaitable of it
FLAVOURS = pytest.mark.parametrize("async_", [False, True], ids=["sync", "async"])

#: What the default RetryPolicy (backoff_base=0.5) may wait before the first and second retry.
FIRST_BACKOFF = (0.25, 0.5)
SECOND_BACKOFF = (0.5, 1.0)


@dataclass
class Outcome:
    """One call's result or the package's error it raised, and the delays the retry loop chose."""

    result: Any
    error: Exception | None
    delays: list[float]


class Caller(Protocol):
    def __call__(self, vendor: str, action: Action, *, async_: bool = False, **options: Any) -> Outcome: ...


@pytest.fixture
def call(sandbox: SandboxHandle, record_sleeps: Callable[[Any], list[float]]) -> Caller:
    """Build a client of ``vendor`` on the sandbox (``options`` go to its constructor), make one
    call, close the client; the package's errors are returned, anything else propagates."""

    def run(vendor: str, action: Action, *, async_: bool = False, **options: Any) -> Outcome:
        options.setdefault("base_url", sandbox.base_url(vendor))
        client_error: type[Exception] = VENDORS[vendor].module.ClientError

        if not async_:
            with make_client(vendor, **options) as client:
                delays = record_sleeps(client)
                try:
                    return Outcome(action(client), None, delays)
                except client_error as error:
                    return Outcome(None, error, delays)

        async def main() -> Outcome:
            async with make_client(vendor, async_=True, **options) as client:
                delays = record_sleeps(client)
                try:
                    return Outcome(await action(client), None, delays)
                except client_error as error:
                    return Outcome(None, error, delays)

        return asyncio.run(main())

    return run


def send(vendor: str, **options: Any) -> Action:
    """The vendor's main send call of its standard test message, with per-call ``options``."""
    spec = VENDORS[vendor]
    return lambda client: getattr(client, spec.send)(spec.message(), **options)


def received(sandbox: SandboxHandle, vendor: str, method: str = "POST", path: str = "") -> int:
    return sum(1 for r in sandbox.requests(vendor) if r.method == method and r.path.endswith(path))


def policy(vendor: str, **fields: Any) -> Any:
    return VENDORS[vendor].module.RetryPolicy(**fields)


def errors(vendor: str) -> Any:
    return VENDORS[vendor].module


def within(delay: float, bounds: tuple[float, float]) -> bool:
    return bounds[0] <= delay <= bounds[1]


# ------------------------------------------------------------ sends: retried when not processed


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_a_send_is_retried_after_a_status_that_says_it_was_not_processed(
    sandbox: SandboxHandle, call: Caller, status: int
) -> None:
    sandbox.set_fault("status", vendor="paubox", path="/messages", status=status)
    outcome = call("paubox", send("paubox"))
    assert outcome.error is None, outcome.error
    assert received(sandbox, "paubox") == 2
    assert len(sandbox.messages("paubox")) == 1
    assert len(outcome.delays) == 1 and within(outcome.delays[0], FIRST_BACKOFF), outcome.delays


@FLAVOURS
def test_a_send_gives_up_after_max_retries_with_growing_backoff(
    sandbox: SandboxHandle, call: Caller, async_: bool
) -> None:
    sandbox.set_fault("status", vendor="paubox", path="/messages", status=503, times=None)
    outcome = call("paubox", send("paubox"), async_=async_)
    assert isinstance(outcome.error, errors("paubox").ServerError) and outcome.error.status_code == 503
    assert received(sandbox, "paubox") == 3
    assert len(sandbox.messages("paubox")) == 0
    assert len(outcome.delays) == 2, outcome.delays
    assert within(outcome.delays[0], FIRST_BACKOFF) and within(outcome.delays[1], SECOND_BACKOFF), outcome.delays


@FLAVOURS
def test_a_send_is_retried_when_the_connection_was_never_established(call: Caller, async_: bool) -> None:
    """Nothing listens on the port: the request never left the process, so resending is safe."""
    with DeadPort() as dead:
        outcome = call("paubox", send("paubox"), async_=async_, base_url=f"{dead.url}/paubox/v1/email")
    error = outcome.error
    assert isinstance(error, errors("paubox").APIConnectionError), error
    assert not isinstance(error, errors("paubox").APITimeoutError)
    assert error.may_have_been_sent is False
    assert (error.method, error.url) == ("POST", f"{dead.url}/paubox/v1/email/messages")
    assert len(outcome.delays) == 2, "three attempts: the first and two retries"


# ------------------------------------------------------------ sends: never repeated once maybe delivered


def _smtpcom_mime(client: Any) -> Any:
    from smtpcom_client import EmailAddress, Originator, Recipients, SendMimeMessageRequest

    mime = "From: Shop <noreply@shop.example.com>\r\nTo: jane@example.com\r\nSubject: Order\r\n\r\nThanks.\r\n"
    return client.send_mime(
        SendMimeMessageRequest(
            mime=mime,
            channel=sb.SMTPCOM_CHANNEL,
            recipients=Recipients(to=[EmailAddress(address="jane@example.com")]),
            originator=Originator(from_=EmailAddress(address="noreply@shop.example.com")),
        )
    )


def _smtpcom_email_message(client: Any) -> Any:
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"] = "Shop <noreply@shop.example.com>"
    message["To"] = "jane@example.com"
    message["Subject"] = "Your order"
    message.set_content("Thanks for your order.")
    return client.send_email_message(message, channel=sb.SMTPCOM_CHANNEL)


def _sendclean_template(client: Any) -> Any:
    from sendclean_client.models import Recipient, TemplateMessage, TemplateMessageDynamicValue

    values = TemplateMessageDynamicValue()
    values.additional_properties = {"NAME": "Jane", "Email": "jane@example.com"}
    message = TemplateMessage(
        template_id=sb.WELCOME_TEMPLATE_ID,
        subject="Welcome",
        from_email="news@brand.example",
        to=[Recipient(email="jane@example.com")],
        dynamic_value=values,
    )
    return client.send_template(message)


#: Every operation that delivers mail (the platform's legacy GET has its own test below).
SEND_OPERATIONS: dict[str, tuple[str, Action]] = {
    "paubox.send_message": ("paubox", send("paubox")),
    "paubox.send_bulk_messages": ("paubox", lambda c: c.send_bulk_messages([VENDORS["paubox"].message()])),
    "smtpcom.send_message": ("smtpcom", send("smtpcom")),
    "smtpcom.send_mime": ("smtpcom", _smtpcom_mime),
    "smtpcom.send_email_message": ("smtpcom", _smtpcom_email_message),
    "sendclean.send_mail": ("sendclean", send("sendclean")),
    "sendclean.send_template": ("sendclean", _sendclean_template),
    "poweremail.send_mail": ("poweremail", send("poweremail")),
}


@pytest.mark.parametrize("operation", list(SEND_OPERATIONS))
def test_no_send_operation_is_retried_after_500_but_each_is_after_503(
    sandbox: SandboxHandle, call: Caller, operation: str
) -> None:
    vendor, action = SEND_OPERATIONS[operation]
    sandbox.set_fault("status", vendor=vendor, status=500)
    outcome = call(vendor, action)
    assert isinstance(outcome.error, errors(vendor).ServerError) and outcome.error.status_code == 500, outcome.error
    assert (received(sandbox, vendor), outcome.delays) == (1, [])

    sandbox.reset()
    sandbox.set_fault("status", vendor=vendor, status=503)
    outcome = call(vendor, action)
    assert outcome.error is None, f"{operation} must work and be retried after 503: {outcome.error!r}"
    assert (received(sandbox, vendor), len(outcome.delays)) == (2, 1)


#: Faults after which a send may have reached the server: (sandbox fault, stored by the sandbox).
#: The read timeout is a connection the sandbox holds, then resets: nothing is stored later on.
MAYBE_DELIVERED: dict[str, tuple[dict[str, Any], int | None]] = {
    "dropped-after-processing": ({"kind": "drop_after_read"}, 1),
    "reset-before-response": ({"kind": "drop_before_read"}, 0),
    "read-timeout": ({"kind": "drop_before_read", "latency_ms": 500}, None),
}


@FLAVOURS
@pytest.mark.parametrize("fault", list(MAYBE_DELIVERED))
def test_a_send_is_not_retried_after_it_may_have_reached_the_server(
    sandbox: SandboxHandle, call: Caller, async_: bool, fault: str
) -> None:
    rule, stored = MAYBE_DELIVERED[fault]
    options = dict(rule)
    sandbox.set_fault(options.pop("kind"), vendor="paubox", path="/messages", **options)
    outcome = call("paubox", send("paubox"), async_=async_, timeout=0.2)
    error = outcome.error
    assert isinstance(error, errors("paubox").APIConnectionError), error
    assert isinstance(error, errors("paubox").APITimeoutError) == (fault == "read-timeout"), error
    assert error.may_have_been_sent is True
    assert received(sandbox, "paubox") == 1, "exactly one request: a retry could deliver the message twice"
    assert outcome.delays == []
    if stored is not None:
        assert len(sandbox.messages("paubox")) == stored


@pytest.mark.parametrize(
    ("fault", "stored"),
    [({"kind": "drop_after_read"}, 2), ({"kind": "status", "status": 500}, 1)],
    ids=["dropped", "500"],
)
def test_retry_sends_repeats_a_send_that_may_have_arrived(
    sandbox: SandboxHandle, call: Caller, fault: dict[str, Any], stored: int
) -> None:
    options = dict(fault)
    sandbox.set_fault(options.pop("kind"), vendor="paubox", path="/messages", **options)
    outcome = call("paubox", send("paubox"), retry=policy("paubox", retry_sends=True))
    assert outcome.error is None, outcome.error
    assert received(sandbox, "paubox") == 2
    assert len(outcome.delays) == 1
    # The documented risk of the opt-in: after a drop the message was delivered twice.
    assert len(sandbox.messages("paubox")) == stored


# ------------------------------------------------------------ read-only GETs are retried more


@pytest.mark.parametrize(
    "fault",
    [
        {"kind": "status", "status": 500},
        {"kind": "drop_after_read"},
        {"kind": "drop_before_read", "latency_ms": 500},
    ],
    ids=["500", "dropped", "read-timeout"],
)
def test_a_read_only_get_is_retried_after_what_stops_a_send(
    sandbox: SandboxHandle, call: Caller, fault: dict[str, Any]
) -> None:
    sent = call("paubox", send("paubox"))
    assert sent.error is None, sent.error
    options = dict(fault)
    sandbox.set_fault(options.pop("kind"), vendor="paubox", path="/message_receipt", method="GET", **options)
    outcome = call("paubox", lambda c: c.get_message_receipt(sent.result.id), timeout=0.2)
    assert outcome.error is None, outcome.error
    assert received(sandbox, "paubox", "GET", "/message_receipt") == 2
    assert len(outcome.delays) == 1


def _legacy_get(client: Any) -> Any:
    return client.send_template_http_get(
        template_id=sb.WELCOME_TEMPLATE_ID,
        to="ann@example.com",
        subject="Hello",
        from_email="team@example.com",
        dynamic_value={"NAME": "Ann"},
    )


def test_the_platform_legacy_get_delivers_mail_so_it_is_retried_like_a_send(
    sandbox: SandboxHandle, call: Caller
) -> None:
    path = "/messages/sendTemplateHTTPGet"
    sandbox.set_fault("status", vendor="sendclean", path=f"*{path}", status=500)
    outcome = call("sendclean", _legacy_get)
    assert isinstance(outcome.error, errors("sendclean").ServerError), outcome.error
    assert (received(sandbox, "sendclean", "GET", path), outcome.delays) == (1, [])

    sandbox.set_fault("status", vendor="sendclean", path=f"*{path}", status=503)
    outcome = call("sendclean", _legacy_get)
    assert outcome.error is None, outcome.error
    assert received(sandbox, "sendclean", "GET", path) == 3
    assert len(sandbox.messages("sendclean")) == 1


# ------------------------------------------------------------ Retry-After, limits, overrides


def test_retry_after_is_obeyed(sandbox: SandboxHandle, call: Caller) -> None:
    sandbox.set_fault("status", vendor="paubox", path="/messages", status=429, retry_after=3)
    outcome = call("paubox", send("paubox"))
    assert outcome.error is None, outcome.error
    assert outcome.delays == [3.0]
    assert received(sandbox, "paubox") == 2


def test_a_retry_after_beyond_the_cap_is_not_waited_for(sandbox: SandboxHandle, call: Caller) -> None:
    sandbox.set_fault("status", vendor="paubox", path="/messages", status=429, retry_after=3600)
    outcome = call("paubox", send("paubox"))
    assert isinstance(outcome.error, errors("paubox").RateLimitError), outcome.error
    assert outcome.error.retry_after == 3600
    assert (received(sandbox, "paubox"), outcome.delays) == (1, [])


def test_zero_retries_disables_retrying(sandbox: SandboxHandle, call: Caller) -> None:
    sandbox.set_fault("status", vendor="paubox", path="/messages", status=429)
    outcome = call("paubox", send("paubox"), retry=policy("paubox", max_retries=0))
    assert isinstance(outcome.error, errors("paubox").RateLimitError), outcome.error
    assert (received(sandbox, "paubox"), outcome.delays) == (1, [])


@pytest.mark.parametrize("vendor", ["paubox", "smtpcom", "sendclean"])
def test_a_per_call_retry_policy_overrides_the_clients(sandbox: SandboxHandle, call: Caller, vendor: str) -> None:
    sandbox.set_fault("status", vendor=vendor, status=503, times=None)
    more = call(vendor, send(vendor, retry=policy(vendor, max_retries=3)), retry=policy(vendor, max_retries=0))
    assert isinstance(more.error, errors(vendor).ServerError), more.error
    assert (received(sandbox, vendor), len(more.delays)) == (4, 3)

    sandbox.reset()
    sandbox.set_fault("status", vendor=vendor, status=503, times=None)
    fewer = call(vendor, send(vendor, retry=policy(vendor, max_retries=0)), retry=policy(vendor, max_retries=3))
    assert isinstance(fewer.error, errors(vendor).ServerError), fewer.error
    assert (received(sandbox, vendor), fewer.delays) == (1, [])


# ------------------------------------------------------------ timeouts


@FLAVOURS
def test_the_client_timeout_applies_and_a_per_call_timeout_overrides_it(
    sandbox: SandboxHandle, call: Caller, async_: bool
) -> None:
    # Held 500 ms, then reset: a timed-out request is never processed later, behind a later test's back.
    timeout_error = errors("paubox").APITimeoutError

    sandbox.set_fault("drop_before_read", vendor="paubox", path="/messages", latency_ms=500)
    assert isinstance(call("paubox", send("paubox"), async_=async_, timeout=0.2).error, timeout_error)

    sandbox.set_fault("drop_before_read", vendor="paubox", path="/messages", latency_ms=500)
    assert isinstance(call("paubox", send("paubox", timeout=0.2), async_=async_).error, timeout_error)

    sandbox.set_fault("latency", vendor="paubox", path="/messages", latency_ms=300)
    patient = call("paubox", send("paubox", timeout=httpx.Timeout(5.0)), async_=async_, timeout=0.2)
    assert patient.error is None, patient.error
    assert received(sandbox, "paubox") == 3, "no timed-out send was retried"
    assert len(sandbox.messages("paubox")) == 1
