"""paubox_client.testing.FakeAPI: what it records and how it answers, through the real client."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import httpx
import pytest
from paubox_client import Message, MessageContent, MessageHeaders, MessageReceiptErrorResponse, NotFoundError, Paubox
from paubox_client.testing import FakeAPI


def lab_results(recipient: str = "Jane Doe <jane@example.com>", subject: str = "Lab results") -> Message:
    return Message(
        recipients=[recipient],
        headers=MessageHeaders(subject=subject, from_="Clinic <clinic@example.com>"),
        content=MessageContent(textplain="Your results are ready.", texthtml="<p>Your results are ready.</p>"),
    )


@pytest.fixture
def fake() -> FakeAPI:
    return FakeAPI()


@pytest.fixture
def paubox(fake: FakeAPI) -> Iterator[Paubox]:
    with Paubox("any-key", transport=fake.transport) as client:
        yield client


def test_a_send_is_recorded_as_the_parsed_message_and_answered_like_paubox(paubox: Paubox, fake: FakeAPI) -> None:
    message = lab_results()
    message.headers["X-Campaign-Id"] = "spring"

    sent = paubox.send_message(message)

    assert fake.sent == [message]
    assert fake.sent[0] is not message  # parsed from the request, as Paubox read it
    assert uuid.UUID(sent.id)
    assert sent.response.data == "Service OK"
    assert sent.response.to_dict()["customHeaders"] == {"X-Campaign-Id": "spring"}
    assert [r.url.path for r in fake.requests] == ["/v1/email/messages"]


def test_a_receipt_reports_every_recipient_of_a_message_it_accepted(paubox: Paubox, fake: FakeAPI) -> None:
    message = lab_results()
    message.cc = ["Dr Who <doctor@example.com>"]
    sent = paubox.send_message(message)

    receipt = paubox.get_message_receipt(sent.id)
    statuses = paubox.delivery_status(sent.id)

    assert receipt.source_tracking_id == sent.id
    deliveries = receipt.data.message.message_deliveries
    assert [(d.recipient, d.status.delivery_status) for d in deliveries] == [
        ("jane@example.com", "delivered"),
        ("doctor@example.com", "delivered"),
    ]
    assert [(s.recipient, s.state) for s in statuses] == [
        ("jane@example.com", "delivered"),
        ("doctor@example.com", "delivered"),
    ]


def test_a_receipt_for_an_id_it_never_issued_is_paubox_404(paubox: Paubox) -> None:
    with pytest.raises(NotFoundError) as raised:
        paubox.get_message_receipt("6e1cf9a4-7bde-4834-8200-ed424b50c8a7")

    assert isinstance(raised.value.error, MessageReceiptErrorResponse)
    assert raised.value.error.source_tracking_id == "6e1cf9a4-7bde-4834-8200-ed424b50c8a7"
    assert "Message was not found" in str(raised.value)


def test_bulk_results_come_back_in_request_order(paubox: Paubox, fake: FakeAPI) -> None:
    messages = [lab_results(f"patient{n}@example.com", f"Results {n}") for n in range(3)]

    results = paubox.send_bulk_messages(messages)

    assert [m.headers.subject for m in fake.sent] == ["Results 0", "Results 1", "Results 2"]
    assert isinstance(results.messages, list)
    ids = [item.source_tracking_id for item in results.messages]
    receipts = [paubox.get_message_receipt(str(i)).data.message.message_deliveries[0].recipient for i in ids]
    assert receipts == ["patient0@example.com", "patient1@example.com", "patient2@example.com"]


def test_send_bulk_from_threads_records_every_message_once(paubox: Paubox, fake: FakeAPI) -> None:
    messages = [lab_results(f"patient{n}@example.com") for n in range(120)]

    result = paubox.send_bulk(messages, chunk_size=10, concurrency=4)

    assert sorted(m.recipients[0] for m in fake.sent) == sorted(f"patient{n}@example.com" for n in range(120))
    assert len(fake.requests) == 12
    receipts = [paubox.get_message_receipt(str(i)).data.message.message_deliveries for i in result.tracking_ids]
    assert [d[0].recipient for d in receipts] == [f"patient{n}@example.com" for n in range(120)]


@pytest.mark.parametrize(
    ("body", "details"),
    [
        (b'{"data": {"message": ', "body is not valid JSON"),
        (b'{"data": {}}', "message is required"),
        (
            json.dumps(
                {"data": {"message": {"recipients": [], "headers": {"subject": "s", "from": "a@b.c"}, "content": {}}}}
            ).encode(),
            "data.message.recipients at least one recipient is required",
        ),
        (
            json.dumps(
                {"data": {"message": {"recipients": 5, "headers": {"subject": "s", "from": "a@b.c"}, "content": {}}}}
            ).encode(),
            "body does not match the operation's schema",
        ),
    ],
    ids=["not-json", "no-message", "no-recipient", "wrong-type"],
)
def test_a_request_paubox_would_refuse_gets_its_400(fake: FakeAPI, body: bytes, details: str) -> None:
    with httpx.Client(transport=fake.transport, base_url="https://api.paubox.com/v1/email") as http:
        response = http.post("/messages", content=body)

    assert response.status_code == 400
    assert response.json() == {"errors": [{"code": 400, "title": "Invalid Request", "details": details}]}
    assert fake.sent == []


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("GET", "/messages", 405), ("POST", "/templates", 404)],
)
def test_an_operation_paubox_does_not_have_gets_its_error(fake: FakeAPI, method: str, path: str, status: int) -> None:
    with httpx.Client(transport=fake.transport, base_url="https://api.paubox.com/v1/email") as http:
        response = http.request(method, path)

    assert response.status_code == status
    assert response.json()["errors"][0]["code"] == status
