"""Paubox end to end: `Paubox` / `AsyncPaubox` against the sandbox, every operation, sync and async.

send_message -> the MIME the sandbox stored (recipients, cc, bcc, headers, attachment bytes) ->
get_message_receipt (`processing`, then `delivered`, per recipient); send_bulk_messages and
send_bulk (chunked, concurrent chunks, ids in input order), each id resolved through its receipt;
with_raw_response (status and headers of a real answer).
"""

from __future__ import annotations

import asyncio
import base64
import email.utils
import json
from typing import Any

import pytest
from e2e_support import Clients, attachments, body_text, envelope, only_message, vendor_requests
from paubox_client import (
    Attachment,
    AuthenticationError,
    BulkSendResponse,
    BulkSendResult,
    Message,
    MessageContent,
    MessageHeaders,
    MessageReceiptErrorResponse,
    MessageReceiptResponse,
    NotFoundError,
    RawResponse,
    SentMessage,
    SingleSendResponse,
)
from paubox_client.models import EchoedCustomHeaders
from support.clients import resolve

from sandbox import config as sb
from sandbox.testing import SandboxHandle

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n\x00\xff trailer"
SENDER = "Clinic <clinic@sandbox.example.com>"


def clinic_message(
    recipients: list[str], *, subject: str = "Appointment reminder", text: str = "See you at 10:00."
) -> Message:
    return Message(
        recipients=recipients,
        headers=MessageHeaders(subject=subject, from_=SENDER),
        content=MessageContent(textplain=text),
    )


def lab_results_message() -> Message:
    headers = MessageHeaders(
        subject="Your lab results",
        from_=SENDER,
        reply_to="Front Desk <front-desk@sandbox.example.com>",
    )
    headers["X-Campaign-Id"] = "results-2026"
    return Message(
        recipients=["Jane Doe <jane@example.com>", "bob@example.com"],
        cc=["records@example.org"],
        bcc=["audit@example.net"],
        headers=headers,
        content=MessageContent(textplain="Your results are ready.", texthtml="<p>Your results are ready.</p>"),
        attachments=[
            Attachment(file_name="results.pdf", content_type="application/pdf", content=base64.b64encode(PDF).decode())
        ],
    )


async def read_receipt(client: Any, tracking_id: str) -> MessageReceiptResponse:
    receipt = await resolve(client.get_message_receipt(tracking_id))
    assert isinstance(receipt, MessageReceiptResponse)
    assert receipt.source_tracking_id == tracking_id
    return receipt


def statuses(receipt: MessageReceiptResponse) -> dict[str, str]:
    return {d.recipient: d.status.delivery_status for d in receipt.data.message.message_deliveries}


async def test_send_message_stores_the_exact_mime(sandbox: SandboxHandle, clients: Clients) -> None:
    client = clients.paubox()
    sent = await resolve(client.send_message(lab_results_message(), override_open_tracking=True))

    assert isinstance(sent, SentMessage)
    stored = only_message(sandbox, "paubox")
    assert sent.id == stored.id
    assert isinstance(sent.response, SingleSendResponse)
    assert sent.response.source_tracking_id == sent.id
    assert sent.response.data == "Service OK"
    assert isinstance(sent.response.custom_headers, EchoedCustomHeaders)
    assert sent.response.custom_headers["X-Campaign-Id"] == "results-2026"  # echoed back

    # What went over the wire: the path, the auth header, the wire keys.
    (request,) = vendor_requests(sandbox, "paubox", "POST", "/messages")
    assert request.path == f"/paubox/v1/{sb.PAUBOX_USERNAME}/messages"
    assert request.headers["authorization"] == f"Token token={sb.PAUBOX_API_KEY}"
    data = request.json()["data"]
    assert data["override_open_tracking"] is True
    assert data["message"]["headers"]["reply-to"] == "Front Desk <front-desk@sandbox.example.com>"
    assert data["message"]["content"] == {
        "text/plain": "Your results are ready.",
        "text/html": "<p>Your results are ready.</p>",
    }

    # What the sandbox made of it: the message that would have been delivered.
    mime = stored.mime
    assert email.utils.getaddresses([mime["To"]]) == [("Jane Doe", "jane@example.com"), ("", "bob@example.com")]
    assert mime["Cc"] == "records@example.org"
    assert "Bcc" not in mime  # bcc is envelope-only
    assert envelope(stored) == {
        "to": ["jane@example.com", "bob@example.com"],
        "cc": ["records@example.org"],
        "bcc": ["audit@example.net"],
    }
    assert mime["Subject"] == "Your lab results"
    assert email.utils.parseaddr(mime["From"]) == ("Clinic", "clinic@sandbox.example.com")
    assert email.utils.parseaddr(mime["Reply-To"]) == ("Front Desk", "front-desk@sandbox.example.com")
    assert mime["X-Campaign-Id"] == "results-2026"
    assert body_text(mime, "plain") == "Your results are ready."
    assert body_text(mime, "html") == "<p>Your results are ready.</p>"
    assert attachments(mime) == {"results.pdf": ("application/pdf", PDF)}
    assert stored.meta["custom_headers"] == {"X-Campaign-Id": "results-2026"}


async def test_send_then_receipt_goes_processing_then_delivered(sandbox: SandboxHandle, clients: Clients) -> None:
    assert sandbox.config.paubox_processing_reads == 1  # the default: one `processing` read
    client = clients.paubox()
    sent = await resolve(client.send_message(lab_results_message()))
    tracking_id = sent.id
    everyone = ["jane@example.com", "bob@example.com", "records@example.org", "audit@example.net"]

    first = await read_receipt(client, tracking_id)
    assert statuses(first) == dict.fromkeys(everyone, "processing")
    assert all(d.status.delivery_time is None for d in first.data.message.message_deliveries)
    assert first.data.message.id == only_message(sandbox, "paubox").mime["Message-ID"]

    second = await read_receipt(client, tracking_id)
    assert statuses(second) == dict.fromkeys(everyone, "delivered")
    for delivery in second.data.message.message_deliveries:
        assert isinstance(delivery.status.delivery_time, str)
        assert email.utils.parsedate_to_datetime(delivery.status.delivery_time) is not None
    assert [r.query for r in vendor_requests(sandbox, "paubox", "GET", "/message_receipt")] == [
        f"sourceTrackingId={tracking_id}"
    ] * 2


async def test_receipt_follows_the_configured_processing_reads_and_bounces(
    sandbox: SandboxHandle, clients: Clients
) -> None:
    sandbox.configure(paubox_processing_reads=2)
    client = clients.paubox()
    sent = await resolve(client.send_message(clinic_message(["bounce-me@example.com"])))

    seen = [statuses(await read_receipt(client, sent.id)) for _ in range(3)]
    assert seen == [
        {"bounce-me@example.com": "processing"},
        {"bounce-me@example.com": "processing"},
        {"bounce-me@example.com": "hard bounced"},
    ]
    last = await read_receipt(client, sent.id)
    # A single-recipient receipt carries the open/click counters too.
    assert last.data.message.total_opens == 0
    assert last.data.message.message_deliveries[0].status.opened_status is None


async def test_receipt_of_an_unknown_id_is_not_found_with_the_id_echoed(
    sandbox: SandboxHandle, clients: Clients
) -> None:
    client = clients.paubox()
    unknown = "6e1cf9a4-7bde-4834-8200-ed424b50c8a7"
    with pytest.raises(NotFoundError) as caught:
        await resolve(client.get_message_receipt(unknown))

    error = caught.value
    assert error.status_code == 404
    assert isinstance(error.error, MessageReceiptErrorResponse)
    assert error.error.source_tracking_id == unknown
    assert error.error.errors[0].title == "Message was not found"
    assert len(vendor_requests(sandbox, "paubox", "GET", "/message_receipt")) == 1  # a 404 is not retried


async def test_wrong_key_is_an_authentication_error(sandbox: SandboxHandle, clients: Clients) -> None:
    client = clients.paubox(api_key=sb.PAUBOX_OTHER_API_KEY)  # a real key, of another username
    with pytest.raises(AuthenticationError) as caught:
        await resolve(client.send_message(clinic_message(["jane@example.com"])))
    assert caught.value.status_code == 401
    assert sb.PAUBOX_OTHER_API_KEY not in str(caught.value)
    assert sandbox.messages("paubox") == []


async def test_send_bulk_messages_returns_ids_in_request_order(sandbox: SandboxHandle, clients: Clients) -> None:
    client = clients.paubox()
    addresses = ["ann@example.com", "ben@example.com", "cat@example.com"]
    batch = [clinic_message([a], subject=f"Reminder {i}") for i, a in enumerate(addresses)]

    sent = await resolve(client.send_bulk_messages(batch))

    assert isinstance(sent, BulkSendResponse)
    assert isinstance(sent.messages, list)
    tracking_ids = [item.source_tracking_id for item in sent.messages]
    assert all(isinstance(t, str) for t in tracking_ids) and len(set(tracking_ids)) == 3
    (request,) = vendor_requests(sandbox, "paubox", "POST", "/bulk_messages")
    assert [m["recipients"] for m in request.json()["data"]["messages"]] == [[a] for a in addresses]
    stored = {m.id: m for m in sandbox.messages("paubox")}
    for index, (address, tracking_id) in enumerate(zip(addresses, tracking_ids, strict=True)):
        assert isinstance(tracking_id, str)
        assert stored[tracking_id].mime["Subject"] == f"Reminder {index}"
        receipt = await read_receipt(client, tracking_id)
        assert statuses(receipt) == {address: "processing"}


async def test_send_bulk_chunks_keep_input_order_and_every_id_resolves(
    sandbox: SandboxHandle, clients: Clients
) -> None:
    client = clients.paubox()
    addresses = [f"patient{i:03d}@example.com" for i in range(120)]
    batch = [clinic_message([a], text=f"Message number {i}") for i, a in enumerate(addresses)]
    # Each chunk request takes at least 100 ms on the server, so concurrent chunks visibly overlap.
    sandbox.set_fault("latency", vendor="paubox", path="/bulk_messages", times=None, latency_ms=100)

    result = await resolve(client.send_bulk(batch, chunk_size=50, concurrency=3))

    assert isinstance(result, BulkSendResult)
    assert result.ok and result.failures == []
    assert result.accepted == list(range(120))
    chunks = vendor_requests(sandbox, "paubox", "POST", "/bulk_messages")
    assert sorted(len(r.json()["data"]["messages"]) for r in chunks) == [20, 50, 50]
    # concurrency=3: all three chunks were in flight at once (the sync client runs them in threads).
    windows = [(r.received_at, r.received_at + (r.duration_ms or 0) / 1000) for r in chunks]
    assert max(start for start, _ in windows) < min(end for _, end in windows), windows
    # tracking_ids[i] is the id of input message i, whatever order the chunks completed in.
    stored = {m.id: m for m in sandbox.messages("paubox")}
    assert len(stored) == 120
    for index, tracking_id in enumerate(result.tracking_ids):
        assert tracking_id is not None
        assert envelope(stored[tracking_id])["to"] == [addresses[index]]
        assert body_text(stored[tracking_id].mime, "plain") == f"Message number {index}"

    ids = [t for t in result.tracking_ids if t is not None]
    if clients.is_async:
        receipts = await asyncio.gather(*(read_receipt(client, t) for t in ids))
    else:
        receipts = [await read_receipt(client, t) for t in ids]
    assert [statuses(r) for r in receipts] == [{a: "processing"} for a in addresses]
    assert all(m.receipt_reads == 1 for m in sandbox.messages("paubox"))


async def test_send_bulk_request_body_is_the_paubox_wire_format(sandbox: SandboxHandle, clients: Clients) -> None:
    client = clients.paubox()
    message = lab_results_message()
    await resolve(client.send_bulk([message, clinic_message(["zed@example.com"])], chunk_size=1))

    bodies = [r.json() for r in vendor_requests(sandbox, "paubox", "POST", "/bulk_messages")]
    wire = {json.dumps(b, sort_keys=True) for b in bodies}
    expected = {
        json.dumps({"data": {"messages": [message.to_dict()]}}, sort_keys=True),
        json.dumps({"data": {"messages": [clinic_message(["zed@example.com"]).to_dict()]}}, sort_keys=True),
    }
    assert wire == expected
    (with_file,) = [b["data"]["messages"][0] for b in bodies if "attachments" in b["data"]["messages"][0]]
    assert with_file["attachments"] == [
        {"fileName": "results.pdf", "contentType": "application/pdf", "content": base64.b64encode(PDF).decode()}
    ]


async def test_with_raw_response_gives_the_status_headers_and_the_parsed_receipt(
    sandbox: SandboxHandle, clients: Clients
) -> None:
    client = clients.paubox()
    sent = await resolve(client.send_message(clinic_message(["jane@example.com"])))

    raw = await resolve(client.with_raw_response.get_message_receipt(sent.id))

    assert isinstance(raw, RawResponse)
    assert raw.status_code == 200
    assert raw.headers["content-type"].startswith("application/json")
    assert raw.http_response.request.url.params["sourceTrackingId"] == sent.id
    receipt = raw.parse()
    assert isinstance(receipt, MessageReceiptResponse)
    assert receipt.source_tracking_id == sent.id
    assert statuses(receipt) == {"jane@example.com": "processing"}
    assert len(vendor_requests(sandbox, "paubox", "GET", "/message_receipt")) == 1  # one call, one request
