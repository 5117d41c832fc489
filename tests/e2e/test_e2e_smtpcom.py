"""SMTP.com end to end: `SMTPcom` / `AsyncSMTPcom` against the sandbox, every operation, sync and async.

send_message in each auth mode, send_mime and send_email_message (Bcc kept out of the stored MIME
but delivered), each returning the msg_id as `.id`, then list_messages: what was sent, filtered by
channel, time window, event and msg_id, paged by limit/offset; with_raw_response (status, headers).
"""

from __future__ import annotations

import base64
import email.utils
import json
import time
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any
from urllib.parse import parse_qs

import pytest
from e2e_support import Clients, attachments, body_text, envelope, only_message, vendor_requests
from smtpcom_client import (
    AuthenticationError,
    CustomHeaders,
    EmailAddress,
    ErrorData,
    ErrorEnvelope,
    MessageAttachment,
    MessageBody,
    MessagePart,
    MessagesListResponse,
    NotFoundError,
    Originator,
    RawResponse,
    Recipients,
    SendMessageRequest,
    SendMessageResponse,
    SendMimeMessageRequest,
    SentMessage,
    message_id,
)
from support.clients import resolve

from sandbox import config as sb
from sandbox.testing import SandboxHandle

INVOICE = b"%PDF-1.4 invoice\n\x00\x01\x02\xfe\xff"


def order_request(
    channel: str = sb.SMTPCOM_CHANNEL, *, to: str = "jane@example.com", subject: str = "Your order"
) -> SendMessageRequest:
    headers = CustomHeaders()
    headers["X-Order-Id"] = "1234"
    headers["X-SMTPAPI"] = json.dumps({"unique_args": {"order": "1234"}})
    return SendMessageRequest(
        channel=channel,
        recipients=Recipients(
            to=[EmailAddress(address=to, name="Jane Doe")],
            cc=[EmailAddress(address="sales@example.org")],
            bcc=[EmailAddress(address="audit@example.net")],
        ),
        originator=Originator(
            from_=EmailAddress(address="noreply@shop.example.com", name="Shop"),
            reply_to=EmailAddress(address="help@shop.example.com"),
        ),
        subject=subject,
        custom_headers=headers,
        body=MessageBody(
            parts=[
                MessagePart(type_="text/plain", charset="UTF-8", content="Thanks for your order."),
                MessagePart(type_="text/html", charset="UTF-8", content="<p>Thanks for your order.</p>"),
            ],
            attachments=[
                MessageAttachment(
                    filename="invoice.pdf",
                    type_="application/pdf",
                    disposition="attachment",
                    encoding="base64",
                    content=base64.b64encode(INVOICE).decode(),
                )
            ],
        ),
    )


def simple_request(channel: str, to: str, subject: str) -> SendMessageRequest:
    return SendMessageRequest(
        channel=channel,
        recipients=Recipients(to=[EmailAddress(address=to)]),
        originator=Originator(from_=EmailAddress(address="noreply@shop.example.com")),
        subject=subject,
        body=MessageBody(parts=[MessagePart(type_="text/plain", content=f"Body of {subject}")]),
    )


def receipt_email() -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "Shop <noreply@shop.example.com>"
    msg["To"] = "Jane Doe <jane@example.com>, bob@example.com"
    msg["Cc"] = "sales@example.org"
    msg["Bcc"] = "audit@example.net"
    msg["Reply-To"] = "help@shop.example.com"
    msg["Subject"] = "Your receipt"
    msg["X-SMTPAPI"] = json.dumps({"unique_args": {"receipt": "r-77"}})
    msg.set_content("Thanks, here is your receipt.")
    msg.add_alternative("<p>Thanks, here is your receipt.</p>", subtype="html")
    msg.add_attachment(INVOICE, maintype="application", subtype="pdf", filename="receipt.pdf")
    return msg


async def list_items(client: Any, channel: str = sb.SMTPCOM_CHANNEL, **kwargs: Any) -> list[Any]:
    kwargs.setdefault("start", int(time.time()) - 3600)
    kwargs.setdefault("limit", 1000)
    page = await resolve(client.list_messages(channel, **kwargs))
    assert isinstance(page, MessagesListResponse)
    assert page.status == "success"
    return list(page.data.items or [])


def rows(items: list[Any]) -> list[tuple[str, str]]:
    """(msg_id, rcpt_to) of each listed item."""
    return [(item.msg_id, item.msg_data.rcpt_to) for item in items]


# ---------------------------------------------------------------------------------- sending


@pytest.mark.parametrize("auth", ["bearer", "header", "query", "basic"])
async def test_send_message_in_each_auth_mode(sandbox: SandboxHandle, clients: Clients, auth: str) -> None:
    client = clients.smtpcom(auth=auth)
    sent = await resolve(client.send_message(order_request()))

    assert isinstance(sent, SentMessage)
    assert isinstance(sent.response, SendMessageResponse)
    assert sent.response.status == "success"
    stored = only_message(sandbox, "smtpcom")
    assert sent.id == stored.id == message_id(sent.response)

    (request,) = vendor_requests(sandbox, "smtpcom", "POST", "/v4/messages")
    key = sb.SMTPCOM_API_KEY
    if auth == "header":
        assert request.headers["x-smtpcom-api"] == key
        assert "api_key" not in request.query and "authorization" not in request.headers
    elif auth == "query":
        assert request.query == f"api_key={key}"
        assert "x-smtpcom-api" not in request.headers and "authorization" not in request.headers
    elif auth == "bearer":
        assert request.headers["authorization"] == f"Bearer {key}"
        assert "x-smtpcom-api" not in request.headers and "api_key" not in request.query
    else:
        assert request.headers["authorization"] == "Basic " + base64.b64encode(f"api:{key}".encode()).decode()
        assert "x-smtpcom-api" not in request.headers and "api_key" not in request.query
    assert request.json()["custom_headers"] == {
        "X-Order-Id": "1234",
        "X-SMTPAPI": '{"unique_args": {"order": "1234"}}',
    }

    mime = stored.mime
    assert email.utils.parseaddr(mime["To"]) == ("Jane Doe", "jane@example.com")
    assert mime["Cc"] == "sales@example.org"
    assert "Bcc" not in mime
    assert envelope(stored) == {"to": ["jane@example.com"], "cc": ["sales@example.org"], "bcc": ["audit@example.net"]}
    assert email.utils.parseaddr(mime["From"]) == ("Shop", "noreply@shop.example.com")
    assert mime["Reply-To"] == "help@shop.example.com"
    assert mime["Subject"] == "Your order"
    assert mime["X-Order-Id"] == "1234"
    assert body_text(mime, "plain") == "Thanks for your order."
    assert body_text(mime, "html") == "<p>Thanks for your order.</p>"
    assert attachments(mime) == {"invoice.pdf": ("application/pdf", INVOICE)}
    assert stored.meta == {"channel": "sandbox", "smtp_vars": {"order": "1234"}, "operation": "send"}

    # Round trip: the list shows one row per recipient of the message, with its smtp_vars.
    items = await list_items(client, msg_id=stored.id)
    assert sorted(rows(items)) == sorted(
        (stored.id, a) for a in ("jane@example.com", "sales@example.org", "audit@example.net")
    )
    assert {item.details.delivery.event for item in items} == {"delivered"}
    assert items[0].smtp_vars.to_dict() == {"order": "1234"}
    assert items[0].msg_data.subject == "Your order"


async def test_send_mime_stores_the_document_as_submitted(sandbox: SandboxHandle, clients: Clients) -> None:
    client = clients.smtpcom()
    mime_text = (
        "From: Shop <noreply@shop.example.com>\r\n"
        "To: jane@example.com\r\n"
        "Subject: Prepared MIME\r\n"
        "X-Campaign: spring\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=UTF-8\r\n"
        "\r\n"
        "Hi Jane\r\n"
    )
    sent = await resolve(
        client.send_mime(
            SendMimeMessageRequest(
                mime=mime_text,
                channel="transactional",
                recipients=Recipients(to=[EmailAddress(address="jane@example.com")]),
                originator=Originator(from_=EmailAddress(address="noreply@shop.example.com")),
            )
        )
    )

    stored = only_message(sandbox, "smtpcom")
    assert sent.id == stored.id
    assert stored.raw == mime_text.encode()  # byte for byte
    assert stored.meta["channel"] == "transactional" and stored.meta["operation"] == "mime"
    assert (await list_items(client, "transactional"))[0].msg_data.subject == "Prepared MIME"
    assert await list_items(client) == []  # nothing on the default channel


async def test_send_email_message_keeps_bcc_out_of_the_mime_but_delivers_it(
    sandbox: SandboxHandle, clients: Clients
) -> None:
    client = clients.smtpcom()
    msg = receipt_email()
    sent = await resolve(client.send_email_message(msg, channel=sb.SMTPCOM_CHANNEL))

    assert msg["Bcc"] == "audit@example.net"  # the caller's message is left alone
    (request,) = vendor_requests(sandbox, "smtpcom", "POST", "/v4/messages/mime")
    body = request.json()
    assert body["recipients"] == {
        "to": [{"address": "jane@example.com", "name": "Jane Doe"}, {"address": "bob@example.com"}],
        "cc": [{"address": "sales@example.org"}],
        "bcc": [{"address": "audit@example.net"}],
    }
    assert body["originator"] == {
        "from": {"address": "noreply@shop.example.com", "name": "Shop"},
        "reply_to": {"address": "help@shop.example.com"},
    }

    stored = only_message(sandbox, "smtpcom")
    assert sent.id == stored.id
    assert b"\r\n" in stored.raw and b"audit@example.net" not in stored.raw
    mime = stored.mime
    assert "Bcc" not in mime
    assert mime["Subject"] == "Your receipt"
    assert body_text(mime, "html") == "<p>Thanks, here is your receipt.</p>\n"
    assert attachments(mime) == {"receipt.pdf": ("application/pdf", INVOICE)}
    assert envelope(stored)["bcc"] == ["audit@example.net"]

    items = await list_items(client, msg_id=stored.id)
    delivered = {item.msg_data.rcpt_to: item.details.delivery.event for item in items}
    assert delivered == dict.fromkeys(
        ["jane@example.com", "bob@example.com", "sales@example.org", "audit@example.net"], "delivered"
    )
    assert {item.smtp_vars.to_dict()["receipt"] for item in items} == {"r-77"}


# ---------------------------------------------------------------------------------- listing


async def test_list_messages_filters_by_channel_window_event_and_msg_id(
    sandbox: SandboxHandle, clients: Clients
) -> None:
    client = clients.smtpcom()
    old = await resolve(client.send_message(simple_request("sandbox", "old@example.com", "Old")))
    # Backdate the first message by two hours (the sandbox's store is in-process), so that a time
    # window can split the messages without the test having to sleep.
    (old_stored,) = sandbox.messages("smtpcom")
    old_stored.created_at -= 7200
    ok = await resolve(client.send_message(simple_request("sandbox", "ok@example.com", "Fine")))
    bounced = await resolve(client.send_message(simple_request("sandbox", "bounce-x@example.com", "Bounce")))
    other = await resolve(client.send_message(simple_request("marketing", "promo@example.com", "Promo")))
    ids = {name: r.id for name, r in [("old", old), ("ok", ok), ("bounced", bounced), ("other", other)]}

    now = datetime.now(UTC)
    since_3h = now - timedelta(hours=3)
    everything = await list_items(client, start=since_3h)
    assert rows(everything) == [
        (ids["old"], "old@example.com"),
        (ids["ok"], "ok@example.com"),
        (ids["bounced"], "bounce-x@example.com"),
    ]
    assert {item.channel for item in everything} == {"sandbox"}
    assert rows(await list_items(client, "marketing", start=since_3h)) == [(ids["other"], "promo@example.com")]

    # Time window: `start`/`end` as a datetime, epoch seconds or RFC 2822 text.
    hour_ago = now - timedelta(hours=1)
    assert [i.msg_id for i in await list_items(client, start=hour_ago)] == [ids["ok"], ids["bounced"]]
    assert [i.msg_id for i in await list_items(client, start=since_3h, end=int(hour_ago.timestamp()))] == [ids["old"]]
    rfc2822 = email.utils.format_datetime(hour_ago)
    assert [i.msg_id for i in await list_items(client, start=rfc2822)] == [ids["ok"], ids["bounced"]]
    assert await list_items(client, start=now + timedelta(minutes=5)) == []

    # Events: `failed` for the bounce, `delivered` for the rest, `accepted` for every message.
    failed = await list_items(client, start=since_3h, event="failed")
    assert rows(failed) == [(ids["bounced"], "bounce-x@example.com")]
    assert failed[0].details.delivery.code == "550"
    delivered = await list_items(client, start=since_3h, event="delivered")
    assert [i.msg_id for i in delivered] == [ids["old"], ids["ok"]]
    assert len(await list_items(client, start=since_3h, event="accepted")) == 3

    assert rows(await list_items(client, start=since_3h, msg_id=ids["ok"])) == [(ids["ok"], "ok@example.com")]
    assert await list_items(client, "marketing", start=since_3h, msg_id=ids["ok"]) == []

    # The query the overlay sent: epoch seconds for a datetime, the channel, the filters.
    last = vendor_requests(sandbox, "smtpcom", "GET", "/v4/messages")[-1]
    assert parse_qs(last.query) == {
        "channel": ["marketing"],
        "start": [str(int(since_3h.timestamp()))],
        "limit": ["1000"],
        "offset": ["0"],
        "msg_id": [ids["ok"]],
    }


async def test_list_messages_pages_by_limit_and_offset(sandbox: SandboxHandle, clients: Clients) -> None:
    client = clients.smtpcom()
    sent = [
        (await resolve(client.send_message(simple_request("sandbox", f"r{i}@example.com", f"S{i}")))).id
        for i in range(5)
    ]

    pages = [[i.msg_id for i in await list_items(client, limit=2, offset=offset)] for offset in (0, 2, 4, 6)]
    assert pages == [sent[0:2], sent[2:4], sent[4:5], []]
    assert [i.msg_id for i in await list_items(client, limit=3, offset=1)] == sent[1:4]


async def test_unknown_channel_is_not_found(sandbox: SandboxHandle, clients: Clients) -> None:
    client = clients.smtpcom()
    with pytest.raises(NotFoundError) as caught:
        await resolve(client.list_messages("no-such-channel", start=int(time.time()), limit=10))
    assert caught.value.status_code == 404
    assert isinstance(caught.value.error, ErrorEnvelope)
    assert isinstance(caught.value.error.data, ErrorData)
    assert caught.value.error.data.error == "sender not found"

    with pytest.raises(NotFoundError):
        await resolve(client.send_message(order_request("no-such-channel")))
    with pytest.raises(NotFoundError):
        await resolve(client.send_email_message(receipt_email(), channel="no-such-channel"))
    assert sandbox.messages("smtpcom") == []


async def test_wrong_key_is_an_authentication_error(sandbox: SandboxHandle, clients: Clients) -> None:
    client = clients.smtpcom(api_key="not-the-sandbox-key", auth="query")
    with pytest.raises(AuthenticationError) as caught:
        await resolve(client.send_message(order_request()))
    assert caught.value.status_code == 401
    assert caught.value.error.data.api_key == "invalid"
    assert "not-the-sandbox-key" not in str(caught.value)
    assert sandbox.messages("smtpcom") == []


async def test_with_raw_response_gives_the_status_headers_and_the_sent_message(
    sandbox: SandboxHandle, clients: Clients
) -> None:
    client = clients.smtpcom()
    raw = await resolve(client.with_raw_response.send_message(order_request()))

    assert isinstance(raw, RawResponse)
    assert raw.status_code == 200
    assert raw.headers["content-type"].startswith("application/json")
    assert raw.http_response.request.headers["authorization"] == f"Bearer {sb.SMTPCOM_API_KEY}"
    sent = raw.parse()
    assert isinstance(sent, SentMessage)
    assert sent.id == only_message(sandbox, "smtpcom").id
    assert raw.http_response.json()["data"] == sent.response.data.to_dict()
