"""smtpcom_client.testing.FakeAPI: what it records and how it answers, through the real client."""

from __future__ import annotations

from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import httpx
import pytest
from smtpcom_client import (
    EmailAddress,
    MessageBody,
    MessagePart,
    Originator,
    Recipients,
    SendMessageRequest,
    SendMimeMessageRequest,
    SMTPcom,
)
from smtpcom_client.testing import FakeAPI

CHANNEL = "transactional"


def receipt(*to: str, channel: str = CHANNEL, subject: str = "Your receipt") -> SendMessageRequest:
    return SendMessageRequest(
        channel=channel,
        recipients=Recipients(to=[EmailAddress(address=address) for address in to]),
        originator=Originator(from_=EmailAddress(address="shop@example.com", name="Shop")),
        subject=subject,
        body=MessageBody(parts=[MessagePart(content="Thank you for your order.", type_="text/plain")]),
    )


@pytest.fixture
def fake() -> FakeAPI:
    return FakeAPI()


@pytest.fixture
def smtp(fake: FakeAPI) -> Iterator[SMTPcom]:
    with SMTPcom("any-key", transport=fake.transport) as client:
        yield client


def test_a_send_is_recorded_as_the_parsed_request_and_answered_like_smtpcom(smtp: SMTPcom, fake: FakeAPI) -> None:
    request = receipt("jane@example.com")

    sent = smtp.send_message(request)

    assert fake.sent == [request]
    assert sent.response.status == "success"
    assert sent.response.data.message == f"accepted, msg_id: {sent.id}"


def test_an_email_message_is_recorded_as_the_mime_request_without_its_bcc(smtp: SMTPcom, fake: FakeAPI) -> None:
    msg = EmailMessage()
    msg["From"] = "Shop <shop@example.com>"
    msg["To"] = "jane@example.com"
    msg["Bcc"] = "audit@example.com"
    msg["Subject"] = "Your receipt"
    msg.set_content("Thank you for your order.")

    smtp.send_email_message(msg, channel=CHANNEL)

    request = fake.sent[0]
    assert isinstance(request, SendMimeMessageRequest)
    assert "Bcc" not in request.mime and "Subject: Your receipt" in request.mime
    assert isinstance(request.recipients.bcc, list)
    assert [a.address for a in request.recipients.bcc] == ["audit@example.com"]


def test_list_messages_pages_through_the_messages_it_accepted_on_the_channel(smtp: SMTPcom) -> None:
    ids = [smtp.send_message(receipt(f"customer{n}@example.com", subject=f"Receipt {n}")).id for n in range(3)]
    smtp.send_message(receipt("news@example.com", channel="marketing"))

    first = smtp.list_messages(CHANNEL, start=0, limit=2)
    second = smtp.list_messages(CHANNEL, start=0, limit=2, offset=2)
    walked = list(smtp.iter_messages(CHANNEL, start=0, page_size=2))

    assert [item.msg_id for item in walked] == ids
    assert isinstance(first.data.items, list) and isinstance(second.data.items, list)
    assert [item.msg_id for item in first.data.items + second.data.items] == ids
    assert [item.to_dict()["msg_data"]["subject"] for item in walked] == ["Receipt 0", "Receipt 1", "Receipt 2"]


def test_delivery_status_finds_the_one_message_asked_for(smtp: SMTPcom) -> None:
    smtp.send_message(receipt("other@example.com"))
    sent = smtp.send_message(receipt("jane@example.com", "john@example.com"))

    statuses = smtp.delivery_status(sent.id, channel=CHANNEL)

    assert [(s.recipient, s.state, s.vendor_state) for s in statuses] == [
        ("jane@example.com", "delivered", "delivered"),
        ("john@example.com", "delivered", "delivered"),
    ]


@pytest.mark.parametrize(
    ("method", "path", "options", "data"),
    [
        ("POST", "/v4/messages", {"content": b"{"}, {"body": "is not valid JSON"}),
        ("POST", "/v4/messages", {"json": {"recipients": {}}}, {"channel": "is required"}),
        ("POST", "/v4/messages/mime", {"json": {"mime": "", "channel": CHANNEL}}, {"recipients": "is required"}),
        (
            "GET",
            "/v4/messages",
            {"params": {"channel": CHANNEL, "limit": 10, "offset": 0}},
            {"start": "could not be blank"},
        ),
        (
            "GET",
            "/v4/messages",
            {"params": {"channel": CHANNEL, "start": 0, "limit": 5000, "offset": 0}},
            {"limit": "must be an integer between 1 and 1000"},
        ),
    ],
    ids=["not-json", "no-channel", "mime-without-envelope", "list-without-start", "list-limit-too-high"],
)
def test_a_request_smtpcom_would_refuse_gets_its_jsend_fail(
    fake: FakeAPI, method: str, path: str, options: dict[str, Any], data: dict[str, str]
) -> None:
    with httpx.Client(transport=fake.transport, base_url="https://api.smtp.com") as http:
        response = http.request(method, path, **options)

    assert response.status_code == 400
    assert response.json() == {"status": "fail", "data": data}
    assert fake.sent == []
