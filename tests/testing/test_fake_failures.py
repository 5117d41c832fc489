"""FakeAPI.fail_next: each failure mode, seen through the real client's retry policy and errors.

The machinery is shared by every package, so most modes are shown once, with Paubox; the HTTP
status failure is shown for each vendor, since each answers in its own error envelope.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import httpx
import paubox_client
import paubox_client.testing
import poweremail_client
import poweremail_client.testing
import pytest
import sendclean_client
import sendclean_client.testing
import smtpcom_client
import smtpcom_client.testing
from paubox_client import (
    APIConnectionError,
    APITimeoutError,
    AsyncPaubox,
    Message,
    MessageContent,
    MessageHeaders,
    NotFoundError,
    Paubox,
    RateLimitError,
    RetryPolicy,
    ServerError,
)
from paubox_client.testing import FakeAPI


def reminder() -> Message:
    return Message(
        recipients=["jane@example.com"],
        headers=MessageHeaders(subject="Appointment tomorrow", from_="clinic@example.com"),
        content=MessageContent(textplain="See you at 9:00."),
    )


@pytest.fixture
def fake() -> FakeAPI:
    return FakeAPI()


@pytest.fixture
def paubox(fake: FakeAPI) -> Iterator[Paubox]:
    with Paubox("any-key", transport=fake.transport) as client:
        yield client


def test_a_503_is_retried_by_the_client_and_then_succeeds(paubox: Paubox, fake: FakeAPI) -> None:
    fake.fail_next(status=503, retry_after=0)

    sent = paubox.send_message(reminder())

    assert len(fake.requests) == 2
    assert len(fake.sent) == 1
    assert paubox.get_message_receipt(sent.id).source_tracking_id == sent.id


def test_a_timeout_raises_api_timeout_error_and_the_message_may_have_been_sent(paubox: Paubox, fake: FakeAPI) -> None:
    fake.fail_next(timeout=True)

    with pytest.raises(APITimeoutError) as raised:
        paubox.send_message(reminder())

    assert raised.value.may_have_been_sent is True
    assert len(fake.requests) == 1  # a send is not repeated once it may have arrived
    assert fake.sent == []


def test_a_dropped_connection_raises_api_connection_error(paubox: Paubox, fake: FakeAPI) -> None:
    fake.fail_next(disconnect=True)

    with pytest.raises(APIConnectionError) as raised:
        paubox.send_message(reminder())

    assert not isinstance(raised.value, APITimeoutError)
    assert raised.value.may_have_been_sent is True
    assert "Server disconnected" in str(raised.value)
    assert len(fake.requests) == 1


def test_a_rate_limit_carries_the_retry_after_it_was_given(paubox: Paubox, fake: FakeAPI) -> None:
    fake.fail_next(status=429, retry_after=30)

    with pytest.raises(RateLimitError) as raised:
        paubox.send_message(reminder(), retry=RetryPolicy(max_retries=0))

    assert raised.value.retry_after == 30
    assert raised.value.headers["retry-after"] == "30"


def test_failures_count_requests_and_queue_up(paubox: Paubox, fake: FakeAPI) -> None:
    fake.fail_next(3, status=503, retry_after=0)  # the first try and both retries of the next call
    fake.fail_next(status=404)

    with pytest.raises(ServerError):
        paubox.send_message(reminder())
    with pytest.raises(NotFoundError):
        paubox.send_message(reminder())
    paubox.send_message(reminder())

    assert [len(fake.requests), len(fake.sent)] == [5, 1]


async def test_an_async_client_shares_the_fake_and_its_failures(fake: FakeAPI) -> None:
    fake.fail_next(status=503, retry_after=0)

    async with AsyncPaubox("any-key", transport=fake.async_transport) as paubox:
        sent = await paubox.send_message(reminder())
        receipt = await paubox.get_message_receipt(sent.id)

    assert receipt.data.message.message_deliveries[0].recipient == "jane@example.com"
    assert len(fake.requests) == 3 and len(fake.sent) == 1


def test_an_http_client_of_your_own_can_carry_the_fake(fake: FakeAPI) -> None:
    with httpx.Client(transport=fake.transport) as http, Paubox("any-key", http_client=http) as paubox:
        paubox.send_message(reminder())

    assert fake.requests[0].headers["authorization"] == "Token token=any-key"
    assert len(fake.sent) == 1


def test_reset_forgets_requests_messages_receipts_and_failures(paubox: Paubox, fake: FakeAPI) -> None:
    sent = paubox.send_message(reminder())
    fake.fail_next(timeout=True)

    fake.reset()

    assert (fake.requests, fake.sent) == ([], [])
    with pytest.raises(NotFoundError):
        paubox.get_message_receipt(sent.id)  # no timeout: the scripted failure went too


@pytest.mark.parametrize(
    "arguments",
    [
        {},
        {"status": 503, "timeout": True},
        {"timeout": True, "disconnect": True},
        {"status": 200},
        {"timeout": True, "retry_after": 1},
        {"status": 429, "retry_after": -1},
        {"status": 503, "count": 0},
    ],
    ids=["nothing", "status-and-timeout", "timeout-and-disconnect", "success", "retry-after-alone", "negative", "zero"],
)
def test_fail_next_refuses_a_failure_it_cannot_script(fake: FakeAPI, arguments: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        fake.fail_next(**arguments)


# ------------------------------------------------------------------ a 500 in each vendor's envelope


class Fake(Protocol):
    @property
    def requests(self) -> list[httpx.Request]: ...
    @property
    def sent(self) -> Sequence[object]: ...
    def fail_next(self, count: int = 1, *, status: int | None = None) -> None: ...


@dataclass
class Vendor:
    fake: Fake
    send: Callable[[], object]
    server_error: type[Exception]
    #: The vendor's error envelope model, which the error's ``.error`` is parsed into.
    envelope: type[object]


def _paubox() -> Vendor:
    fake = paubox_client.testing.FakeAPI()
    client = Paubox("k", transport=fake.transport)
    return Vendor(fake, lambda: client.send_message(reminder()), ServerError, paubox_client.ErrorResponse)


def _smtpcom() -> Vendor:
    from smtpcom_client import EmailAddress, MessageBody, MessagePart, Originator, Recipients, SendMessageRequest
    from smtpcom_client.models import ErrorEnvelope

    fake = smtpcom_client.testing.FakeAPI()
    client = smtpcom_client.SMTPcom("k", transport=fake.transport)
    request = SendMessageRequest(
        channel="transactional",
        recipients=Recipients(to=[EmailAddress(address="jane@example.com")]),
        originator=Originator(from_=EmailAddress(address="shop@example.com")),
        body=MessageBody(parts=[MessagePart(content="Hi", type_="text/plain")]),
    )
    return Vendor(fake, lambda: client.send_message(request), smtpcom_client.ServerError, ErrorEnvelope)


def _sendclean() -> Vendor:
    from sendclean_client import Message as SendCleanMessage
    from sendclean_client import Recipient

    fake = sendclean_client.testing.FakeAPI()
    client = sendclean_client.SendClean("o", "t", smtp_user_name="u", transport=fake.transport)
    message = SendCleanMessage(to=[Recipient(email="jane@example.com")], text="Hi")
    return Vendor(fake, lambda: client.send_mail(message), sendclean_client.ServerError, sendclean_client.ErrorEnvelope)


def _poweremail() -> Vendor:
    from poweremail_client import Message as PowerEmailMessage
    from poweremail_client import Recipient

    fake = poweremail_client.testing.FakeAPI()
    client = poweremail_client.PowerEmail("o", "t", smtp_user_name="u", transport=fake.transport)
    message = PowerEmailMessage(to=[Recipient(email="jane@example.com")], text="Hi")
    return Vendor(
        fake, lambda: client.send_mail(message), poweremail_client.ServerError, poweremail_client.ErrorEnvelope
    )


@pytest.mark.parametrize("vendor", [_paubox, _smtpcom, _sendclean, _poweremail], ids=lambda f: f.__name__[1:])
def test_a_500_to_a_send_raises_server_error_in_the_vendor_s_envelope_without_retry(
    vendor: Callable[[], Vendor],
) -> None:
    case = vendor()
    case.fake.fail_next(status=500)

    with pytest.raises(case.server_error) as raised:
        case.send()

    assert isinstance(getattr(raised.value, "error", None), case.envelope)
    assert getattr(raised.value, "status_code", None) == 500
    assert len(case.fake.requests) == 1
    assert case.fake.sent == []
