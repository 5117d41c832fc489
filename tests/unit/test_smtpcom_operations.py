"""SMTP.com's validation and decoding rules, as pure functions: no client, no transport.

The builders of ``smtpcom_client._operations`` (and ``_mime.email_message_request``) raise
``InvalidRequestError`` naming the field before anything could be sent; ``decode_send`` and
``decode_list`` read SMTP.com's JSend answers. No error's str()/repr() may show body bytes (the
CANARY), only the vendor's own words, and never the secret.
"""

from __future__ import annotations

import email.message
import json
from collections.abc import Callable
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Any

import httpx
import pytest
from smtpcom_client import _operations as ops
from smtpcom_client._mime import email_message_request
from smtpcom_client._runtime.calls import Call, SentMessage
from smtpcom_client._runtime.decode import Reply
from smtpcom_client._runtime.errors import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ClientError,
    InvalidRequestError,
    NotFoundError,
    RateLimitError,
    ResponseParseError,
    ServerError,
)
from smtpcom_client._runtime.redact import Redactor
from smtpcom_client.helpers import MAX_MESSAGE_BYTES, message_id
from smtpcom_client.models import (
    CustomHeaders,
    EmailAddress,
    ErrorEnvelope,
    MessageAttachment,
    MessageBody,
    MessagePart,
    MessagesListResponse,
    Originator,
    Recipients,
    SendMessageRequest,
    SendMessageResponse,
    SendMimeMessageRequest,
)

SECRET = "a-secret-key-123"
CANARY = "CANARY-PHI-4711@example.com"
BASE = "https://api.smtp.com"
MSG_ID = "d8bc7242-7492-4371-a78c-484b21a9a3eb"
ACCEPTED = b'{"status":"success","data":{"message":"accepted, msg_id: d8bc7242-7492-4371-a78c-484b21a9a3eb"}}'
LISTED = json.dumps(
    {
        "status": "success",
        "data": {
            "items": [
                {
                    "msg_id": MSG_ID,
                    "msg_time": "Fri, 13 Aug 2021 10:22:49 -0000",
                    "channel": "my_channel",
                    "smtp_vars": {},
                    "msg_data": {"rcpt_to": CANARY, "from": "noreply@example.com", "subject": "Hello"},
                    "details": {"delivery": {"event": "delivered", "code": "250", "retries": 0}},
                }
            ]
        },
    }
).encode()


# --------------------------------------------------------------------------- helpers


def addr(address: str, name: str | None = None) -> EmailAddress:
    return EmailAddress(address=address) if name is None else EmailAddress(address=address, name=name)


def message(**changes: Any) -> SendMessageRequest:
    """A valid send whose recipient and subject are the CANARY: no error may quote them."""
    request = SendMessageRequest(
        channel="my_channel",
        recipients=Recipients(to=[addr(CANARY, "Jane")]),
        originator=Originator(from_=addr("noreply@example.com", "Shop")),
        subject=f"Hello {CANARY}",
        body=MessageBody(parts=[MessagePart(content=f"Hi {CANARY}", type_="text/plain", charset="UTF-8")]),
    )
    for name, value in changes.items():
        setattr(request, name, value)
    return request


MIME_TEXT = f"From: noreply@example.com\r\nTo: {CANARY}\r\nSubject: Hi\r\n\r\nHi\r\n"


def mime_request(**changes: Any) -> SendMimeMessageRequest:
    request = SendMimeMessageRequest(
        mime=MIME_TEXT,
        channel="my_channel",
        recipients=Recipients(to=[addr(CANARY)]),
        originator=Originator(from_=addr("noreply@example.com")),
    )
    for name, value in changes.items():
        setattr(request, name, value)
    return request


def list_request(
    channel: str = "c",
    *,
    start: Any = "1",
    limit: Any = 1,
    offset: Any = 0,
    end: Any = None,
    event: Any = None,
    msg_id: str | None = None,
) -> Call[MessagesListResponse]:
    return ops.list_request(channel, start, limit, offset, end, event, msg_id)


def reply(call: Call[Any], status: int, body: bytes, headers: dict[str, str] | None = None) -> Reply:
    """The answer ``status``/``body`` to the request ``call`` describes, as the client would decode it."""
    kwargs = call.request
    request = httpx.Request(kwargs["method"].upper(), BASE + kwargs["url"], params=kwargs.get("params"))
    response = httpx.Response(status, content=body, headers=headers or {}, request=request)
    return Reply(response, Redactor([SECRET]), delivers=call.delivers)


def assert_private(error: BaseException) -> None:
    """No body bytes (the CANARY) and no secret in what a user would print or log."""
    for text in (str(error), repr(error), str(error.args)):
        assert CANARY not in text, text
        assert SECRET not in text, text


def with_canary(body: bytes) -> bytes:
    """``body`` (a JSON object) with the CANARY in a top-level field that is not the vendor's words."""
    payload = json.loads(body)
    payload["echo"] = CANARY
    return json.dumps(payload, separators=(",", ":")).encode()


# The decoders: the send's (also the MIME send's) and the list's, each with the request it answers.
DECODERS: dict[str, tuple[Callable[[], Call[Any]], Callable[[Reply], Any], str]] = {
    "send": (lambda: ops.send_request(message()), ops.decode_send, "POST /v4/messages"),
    "list": (lambda: list_request(msg_id=CANARY), ops.decode_list, "GET /v4/messages"),
}


def decode(name: str, status: int, body: bytes, headers: dict[str, str] | None = None) -> Any:
    build, decoder, _ = DECODERS[name]
    return decoder(reply(build(), status, body, headers))


# --------------------------------------------------------------------------- the requests


def test_builders_describe_the_request_and_whether_it_delivers() -> None:
    send = ops.send_request(message())
    assert (send.request["method"], send.request["url"], send.delivers) == ("post", "/v4/messages", True)
    assert (
        send.request["content"] == json.dumps(message().to_dict(), ensure_ascii=False, separators=(",", ":")).encode()
    )
    assert "json" not in send.request  # encoded once: the bytes measured are the bytes sent
    assert send.decode is ops.decode_send

    mime = ops.send_mime_request(mime_request())
    assert (mime.request["method"], mime.request["url"], mime.delivers) == ("post", "/v4/messages/mime", True)
    assert json.loads(mime.request["content"]) == mime_request().to_dict()
    assert mime.decode is ops.decode_send

    listed = list_request(
        "my_channel",
        start="Fri, 13 Aug 2021 10:22:49 -0000",
        limit=10,
        offset=20,
        end=datetime(2021, 8, 14, tzinfo=UTC),
        event="delivered",
        msg_id=MSG_ID,
    )
    assert (listed.request["method"], listed.request["url"], listed.delivers) == ("get", "/v4/messages", False)
    assert listed.request["params"] == {
        "start": "Fri, 13 Aug 2021 10:22:49 -0000",
        "limit": 10,
        "offset": 20,
        "channel": "my_channel",
        "end": "1628899200",
        "event": "delivered",
        "msg_id": MSG_ID,
    }
    assert listed.decode is ops.decode_list
    assert list_request("ch", start=1628850169, limit=1000).request["params"] == {
        "start": "1628850169",
        "limit": 1000,
        "offset": 0,
        "channel": "ch",
    }


# --------------------------------------------------------------------------- validation before I/O


def _recipients(n: int) -> list[EmailAddress]:
    return [addr(f"user{i}@example.com") for i in range(n)]


def _custom_headers(**values: Any) -> CustomHeaders:
    headers = CustomHeaders()
    for name, value in values.items():
        headers[name.replace("_", "-")] = value
    return headers


def _bad_header_name() -> CustomHeaders:
    headers = CustomHeaders()
    headers["X-Bad: Name"] = "v"
    return headers


RFC822_MIME = (
    'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n'
    "--b\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\n\r\nx\r\n--b--\r\n"
)


def _send(**changes: Any) -> Callable[[], object]:
    return lambda: ops.send_request(message(**changes))


def _mime(**changes: Any) -> Callable[[], object]:
    return lambda: ops.send_mime_request(mime_request(**changes))


def _list(channel: str = "c", **kwargs: Any) -> Callable[[], object]:
    return lambda: list_request(channel, **kwargs)


def _body(*attachments: MessageAttachment, parts: list[MessagePart] | None = None) -> MessageBody:
    return MessageBody(parts=parts if parts is not None else [MessagePart(content="a")], attachments=list(attachments))


# (id, the builder call, field named by the error)
VALIDATION: list[tuple[str, Callable[[], object], str]] = [
    ("channel-required", _send(channel=" "), "message.channel"),
    ("mime-channel-required", _mime(channel=""), "message.channel"),
    ("list-channel-required", _list(""), "channel"),
    ("no-recipients", _send(recipients=Recipients()), "message.recipients"),
    ("empty-recipient-lists", _send(recipients=Recipients(to=[], cc=[])), "message.recipients"),
    (
        "1001-recipients",
        _send(recipients=Recipients(to=_recipients(500), cc=_recipients(500), bcc=_recipients(1))),
        "message.recipients",
    ),
    ("mime-1001-recipients", _mime(recipients=Recipients(bcc=_recipients(1001))), "message.recipients"),
    (
        "bulk-list-with-to",
        _send(recipients=Recipients(to=[addr(CANARY)], bulk_list=[addr("b@example.com")])),
        "message.recipients.bulk_list",
    ),
    (
        "bulk-list-with-bcc-mime",
        _mime(recipients=Recipients(bcc=[addr("a@example.com")], bulk_list=[addr(CANARY)])),
        "message.recipients.bulk_list",
    ),
    ("no-originator", _send(originator=Originator()), "message.originator"),
    ("mime-no-originator", _mime(originator=Originator()), "message.originator"),
    (
        "rfc822-part",
        _send(
            body=MessageBody(
                parts=[MessagePart(content="a", type_="text/plain"), MessagePart(content="b", type_="message/rfc822")]
            )
        ),
        "message.body.parts[1].type",
    ),
    (
        "rfc822-attachment",
        _send(body=_body(MessageAttachment(filename="f.eml", content="x", type_="Message/RFC822; name=f.eml"))),
        "message.body.attachments[0].type",
    ),
    ("rfc822-in-mime", _mime(mime=RFC822_MIME), "message.mime"),
    ("mime-required", _mime(mime=""), "message.mime"),
    ("json-10mb", _send(body=MessageBody(parts=[MessagePart(content="x" * MAX_MESSAGE_BYTES)])), "message"),
    ("mime-10mb", _mime(mime=MIME_TEXT + "x" * MAX_MESSAGE_BYTES), "message.mime"),
    ("crlf-subject", _send(subject=f"Hi {CANARY}\r\nBcc: evil@example.com"), "message.subject"),
    ("lf-subject", _send(subject=f"Hi\n{CANARY}"), "message.subject"),
    (
        "crlf-custom-header",
        _send(custom_headers=_custom_headers(X_Tag=f"{CANARY}\r\nBcc: evil@example.com")),
        "message.custom_headers['X-Tag']",
    ),
    (
        "lf-custom-header-list",
        _send(custom_headers=_custom_headers(X_Tag=["fine", f"bad\n{CANARY}"])),
        "message.custom_headers['X-Tag'][1]",
    ),
    ("bad-header-name", _send(custom_headers=_bad_header_name()), "message.custom_headers['X-Bad: Name']"),
    (
        "crlf-to-address",
        _send(recipients=Recipients(to=[addr(f"{CANARY}\r\nBcc: x@y.z")])),
        "message.recipients.to[0].address",
    ),
    (
        "crlf-cc-name",
        _send(recipients=Recipients(cc=[addr("a@example.com", f"A\n{CANARY}")])),
        "message.recipients.cc[0].name",
    ),
    ("crlf-from-address", _send(originator=Originator(from_=addr(f"{CANARY}\r"))), "message.originator.from.address"),
    (
        "crlf-reply-to-name",
        _send(originator=Originator(reply_to=addr("me@example.com", f"Me {CANARY}\r\nX: y"))),
        "message.originator.reply_to.name",
    ),
    (
        "crlf-mime-bcc-address",
        _mime(recipients=Recipients(bcc=[addr(f"{CANARY}\n")])),
        "message.recipients.bcc[0].address",
    ),
    ("blank-address", _send(recipients=Recipients(to=[addr(" ")])), "message.recipients.to[0].address"),
    ("subject-999", _send(subject="s" * 999), "message.subject"),
    ("no-parts", _send(body=MessageBody(parts=[])), "message.body.parts"),
    (
        "bad-base64-attachment",
        _send(body=_body(MessageAttachment(filename="a.pdf", content="not base64!", encoding="base64"))),
        "message.body.attachments[0].content",
    ),
    (
        "crlf-attachment-filename",
        _send(body=_body(MessageAttachment(filename="a\r\n.pdf", content="x"))),
        "message.body.attachments[0].filename",
    ),
    ("not-a-model", lambda: ops.send_request("hello"), "message"),  # type: ignore[arg-type]
    ("mime-not-a-model", lambda: ops.send_mime_request(message()), "message"),  # type: ignore[arg-type]
    ("limit-0", _list(limit=0), "limit"),
    ("limit-1001", _list(limit=1001), "limit"),
    ("offset-negative", _list(offset=-1), "offset"),
    ("start-blank", _list(start=" "), "start"),
    ("start-naive-datetime", _list(start=datetime(2021, 8, 13)), "start"),
    ("end-wrong-type", _list(end=1.5), "end"),
    ("event-unknown", _list(event="opened"), "event"),
]


@pytest.mark.parametrize(("build", "field"), [c[1:] for c in VALIDATION], ids=[c[0] for c in VALIDATION])
def test_validation_names_the_field(build: Callable[[], object], field: str) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        build()
    assert caught.value.field == field, str(caught.value)
    assert str(caught.value).startswith(f"{field}: ")
    assert_private(caught.value)


def _padded_message(total: int) -> SendMessageRequest:
    """A message whose JSON body is exactly ``total`` bytes."""
    part = MessagePart(content="")
    request = message(body=MessageBody(parts=[part]))
    base = len(json.dumps(request.to_dict(), ensure_ascii=False, separators=(",", ":")).encode())
    part.content = "x" * (total - base)
    return request


def test_size_limit_boundary_on_the_json_body() -> None:
    assert len(ops.send_request(_padded_message(MAX_MESSAGE_BYTES - 1)).request["content"]) == MAX_MESSAGE_BYTES - 1
    with pytest.raises(InvalidRequestError) as caught:
        ops.send_request(_padded_message(MAX_MESSAGE_BYTES))
    assert caught.value.field == "message"


@pytest.mark.parametrize(
    "build",
    [
        _send(recipients=Recipients(to=_recipients(1000))),
        _send(recipients=Recipients(bulk_list=_recipients(3))),
        _send(originator=Originator(reply_to=addr("help@example.com")), subject="s" * 998),
        # "message/rfc822" mentioned in a text body is not an rfc822 part
        _mime(mime=MIME_TEXT + "see message/rfc822\r\n"),
    ],
    ids=["1000-recipients", "bulk-list-alone", "reply-to-only-998-subject", "rfc822-in-text"],
)
def test_limits_that_still_pass(build: Callable[[], Call[Any]]) -> None:
    assert build().delivers is True


# --------------------------------------------------------------------------- send_email_message


def email_message() -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "Shop <shop@example.com>"
    msg["Reply-To"] = "Help Desk <help@example.com>"
    msg["To"] = "Jane Doe <jane@example.com>, bob@example.com"
    msg["Cc"] = "Zoë <zoe@example.com>"
    msg["Bcc"] = "Secret <secret@example.com>"
    msg["Subject"] = "Hello"
    msg.set_content("Hi there\n")
    return msg


def _body_of(call: Call[Any]) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(call.request["content"])
    return body


def test_email_message_envelope_from_headers_and_bcc_stripped() -> None:
    msg = email_message()
    call = email_message_request(msg, "my_channel", None, None)
    assert (call.request["url"], call.delivers, call.decode) == ("/v4/messages/mime", True, ops.decode_send)
    body = _body_of(call)
    assert set(body) == {"mime", "channel", "recipients", "originator"}
    assert body["channel"] == "my_channel"
    assert body["recipients"] == {
        "to": [{"address": "jane@example.com", "name": "Jane Doe"}, {"address": "bob@example.com"}],
        "cc": [{"address": "zoe@example.com", "name": "Zoë"}],
        "bcc": [{"address": "secret@example.com", "name": "Secret"}],
    }
    assert body["originator"] == {
        "from": {"address": "shop@example.com", "name": "Shop"},
        "reply_to": {"address": "help@example.com", "name": "Help Desk"},
    }
    mime: str = body["mime"]
    assert "secret@example.com" not in mime and "Bcc" not in mime
    assert mime.startswith("From: Shop <shop@example.com>\r\n")
    assert "\r\nTo: Jane Doe <jane@example.com>, bob@example.com\r\n" in mime
    assert "\n" not in mime.replace("\r\n", "")  # CRLF line ends only
    assert msg["Bcc"] == "Secret <secret@example.com>"  # the caller's message is unchanged


def test_email_message_explicit_envelope_wins() -> None:
    recipients = Recipients(bulk_list=[addr("list1@example.com"), addr("list2@example.com")])
    originator = Originator(from_=addr("bounce@example.com"))
    body = _body_of(email_message_request(email_message(), "c", recipients, originator))
    assert body["recipients"] == {"bulk_list": [{"address": "list1@example.com"}, {"address": "list2@example.com"}]}
    assert body["originator"] == {"from": {"address": "bounce@example.com"}}
    assert "secret@example.com" not in body["mime"]  # Bcc is stripped even when the envelope is explicit


def test_email_message_accepts_compat32_messages() -> None:
    msg = email.message_from_string(
        'From: =?utf-8?q?Zo=C3=AB?= <zoe@example.com>\nTo: "Doe, Jane" <jane@example.com>\n'
        "Bcc: hidden@example.com\nSubject: Hi\n\nbody\n"
    )
    body = _body_of(email_message_request(msg, "c", None, None))
    assert body["recipients"] == {
        "to": [{"address": "jane@example.com", "name": "Doe, Jane"}],
        "bcc": [{"address": "hidden@example.com"}],
    }
    assert body["originator"] == {"from": {"address": "zoe@example.com", "name": "Zoë"}}
    assert body["mime"] == (
        'From: =?utf-8?q?Zo=C3=AB?= <zoe@example.com>\r\nTo: "Doe, Jane" <jane@example.com>\r\nSubject: Hi\r\n\r\nbody\r\n'
    )


def _no_recipients() -> EmailMessage:
    msg = email_message()
    for header in ("To", "Cc", "Bcc"):
        del msg[header]
    msg["To"] = "undisclosed-recipients:;"
    return msg


def _no_originator() -> EmailMessage:
    msg = email_message()
    del msg["From"]
    del msg["Reply-To"]
    return msg


def _with_rfc822() -> EmailMessage:
    msg = email_message()
    inner = EmailMessage()
    inner["Subject"] = "forwarded"
    inner.set_content("x")
    msg.add_attachment(inner)
    return msg


def _bad_to() -> EmailMessage:
    msg = email_message()
    del msg["To"]
    msg["To"] = "jane"
    return msg


def _too_big() -> EmailMessage:
    msg = email_message()
    msg.set_content(("x" * 99 + "\n") * (MAX_MESSAGE_BYTES // 100 + 1), cte="7bit")
    return msg


HELPER_CASES: list[tuple[str, Callable[[], object], str, str]] = [
    ("not-a-message", lambda: "From: a@b.c\r\n\r\nx", "c", "msg"),
    ("channel-required", email_message, " ", "channel"),
    ("no-recipients", _no_recipients, "c", "recipients"),
    ("no-originator", _no_originator, "c", "originator"),
    ("rfc822-part", _with_rfc822, "c", "msg.parts[2]"),
    ("unparseable-to", _bad_to, "c", "msg['To']"),
    ("10mb", _too_big, "c", "msg"),
]


@pytest.mark.parametrize(("build", "channel", "field"), [c[1:] for c in HELPER_CASES], ids=[c[0] for c in HELPER_CASES])
def test_email_message_validation(build: Callable[[], object], channel: str, field: str) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        email_message_request(build(), channel, None, None)
    assert caught.value.field == field, str(caught.value)


def test_email_message_that_cannot_be_serialised_is_not_quoted() -> None:
    msg = email.message.Message()  # compat32: an injected header is only caught when serialised
    msg["From"] = "shop@example.com"
    msg["To"] = "jane@example.com"
    msg["Subject"] = f"Results for {CANARY}\r\nBcc: evil@example.com"
    msg.set_payload("body")
    with pytest.raises(InvalidRequestError) as caught:
        email_message_request(msg, "c", None, None)
    assert caught.value.field == "msg"
    assert_private(caught.value)


# --------------------------------------------------------------------------- success


@pytest.mark.parametrize(
    ("data", "found"),
    [
        ({"msg_id": "x1"}, "x1"),
        ({"message": "accepted, msg_id: foobar"}, "foobar"),
        ({"message": "accepted, msg_id: foobar."}, "foobar"),
        ({"msg_id": "", "message": "accepted, msg_id: from-text"}, "from-text"),
        ({"message": "SOME TEST DATA"}, None),
        ({}, None),
    ],
    ids=["data.msg_id", "in-message", "trailing-dot", "empty-msg_id", "no-id", "empty-data"],
)
def test_message_id_reads_both_success_shapes(data: dict[str, str], found: str | None) -> None:
    assert message_id(SendMessageResponse.from_dict({"status": "success", "data": data})) == found


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (200, ACCEPTED, MSG_ID),
        (201, b'{"status":"success","data":{"message":"accepted, msg_id: foobar"}}', "foobar"),
        (200, b'{"status":"success","data":{"msg_id":"abc-123"}}', "abc-123"),
    ],
    ids=["accepted-message", "201", "documented-msg_id"],
)
def test_send_decodes_the_msg_id(status: int, body: bytes, expected: str) -> None:
    sent = decode("send", status, body)
    assert isinstance(sent, SentMessage)
    assert sent.id == expected
    assert isinstance(sent.response, SendMessageResponse) and sent.response.status == "success"


def test_send_without_msg_id_is_probably_accepted_but_unreadable() -> None:
    body = with_canary(b'{"status":"success","data":{"message":"SOME TEST DATA"}}')
    with pytest.raises(ResponseParseError) as caught:
        decode("send", 200, body)
    assert str(caught.value).startswith("SMTP.com accepted the request but its answer names no msg_id")
    assert caught.value.may_have_been_sent is True
    assert_private(caught.value)


def test_list_decodes_the_items() -> None:
    result = decode("list", 200, LISTED)
    assert isinstance(result, MessagesListResponse)
    items = result.data.items
    assert isinstance(items, list) and items[0].msg_id == MSG_ID
    assert items[0].details.delivery.event == "delivered"  # type: ignore[union-attr]
    assert decode("list", 200, b'{"status":"success","data":{"items":[]}}').data.items == []


# --------------------------------------------------------------------------- vendor errors

ERROR_CASES: list[tuple[str, int, bytes, type[APIStatusError], str]] = [
    # (id, status, body, class, text the message must quote)
    ("401", 401, b'{"status":"fail","data":{"api_key":"invalid"}}', AuthenticationError, "api_key: invalid"),
    (
        "400-errors",
        400,
        b'{"status":"fail","data":{"errors":{"start":"could not be blank","limit":"must be provided"}}}',
        BadRequestError,
        "start: could not be blank; limit: must be provided",
    ),
    (
        "400-flat",
        400,
        b'{"status":"fail","data":{"error_key":"short error message"}}',
        BadRequestError,
        "error_key: short error message",
    ),
    ("404", 404, b'{"status":"fail","data":{"error":"sender not found"}}', NotFoundError, "error: sender not found"),
    ("429", 429, b'{"status":"fail","data":{"error":"too many requests"}}', RateLimitError, "too many requests"),
    ("500", 500, b'{"status":"error","message":"internal failure"}', ServerError, "internal failure"),
    ("520", 520, b'{"status":"error","message":"origin error"}', ServerError, "origin error"),
    (
        "200-fail",
        200,
        b'{"status":"fail","data":{"channel":"is not allowed"}}',
        BadRequestError,
        "channel: is not allowed",
    ),
    ("200-fail-key", 200, b'{"status":"fail","data":{"api_key":"invalid"}}', AuthenticationError, "api_key: invalid"),
    (
        "200-fail-not-found",
        200,
        b'{"status":"fail","data":{"error":"Channel Not Found"}}',
        NotFoundError,
        "error: Channel Not Found",
    ),
    ("200-error", 200, b'{"status":"error","message":"queue down"}', ServerError, "queue down"),
]


@pytest.mark.parametrize(
    ("status", "body", "cls", "quoted"), [c[1:] for c in ERROR_CASES], ids=[c[0] for c in ERROR_CASES]
)
@pytest.mark.parametrize("decoder", list(DECODERS))
def test_vendor_errors_are_typed(
    decoder: str, status: int, body: bytes, cls: type[APIStatusError], quoted: str
) -> None:
    raw = with_canary(body)
    with pytest.raises(APIStatusError) as caught:
        decode(decoder, status, raw, {"retry-after": "7"})
    error = caught.value
    assert type(error) is cls
    assert error.status_code == status
    assert error.body == raw
    assert isinstance(error.error, ErrorEnvelope)
    assert error.error.to_dict() == json.loads(raw)
    assert str(error).startswith(f"SMTP.com refused {DECODERS[decoder][2]}: ")
    assert quoted in str(error) and str(error).endswith(f" (HTTP {status})")
    if isinstance(error, RateLimitError):
        assert error.retry_after == 7.0
    assert_private(error)


def test_error_envelope_fields_are_typed() -> None:
    with pytest.raises(NotFoundError) as caught:
        decode("send", 404, b'{"status":"fail","data":{"error":"sender not found"}}')
    envelope = caught.value.error
    assert envelope.status == "fail" and envelope.data.error == "sender not found"


def test_envelope_without_details() -> None:
    with pytest.raises(ServerError) as caught:
        decode("send", 503, with_canary(b'{"status":"error"}'))
    assert str(caught.value) == "SMTP.com refused POST /v4/messages (status 'error', no details) (HTTP 503)"
    assert_private(caught.value)


def test_vendor_text_echoing_the_key_is_masked() -> None:
    body = b'{"status":"fail","data":{"api_key":"invalid: ' + SECRET.encode() + b'"}}'
    with pytest.raises(AuthenticationError) as caught:
        decode("send", 401, body)
    assert str(caught.value) == "SMTP.com refused POST /v4/messages: api_key: invalid: *** (HTTP 401)"
    assert caught.value.body == body
    assert_private(caught.value)


# --------------------------------------------------------------------------- answers that cannot be read

C = CANARY.encode()
UNPARSEABLE: list[tuple[str, int, bytes, type[ClientError]]] = [
    ("html-502", 502, b"<html><body><h1>502 Bad Gateway</h1>" + C + b"</body></html>", ServerError),
    ("html-200", 200, b"<html><body>maintenance " + C + b"</body></html>", ResponseParseError),
    ("truncated-200", 200, b'{"status":"success","data":{"message":"' + C, ResponseParseError),
    ("truncated-400", 400, b'{"status":"fail","data":{"start":"' + C, BadRequestError),
    ("text-520", 520, b"error code: 520 " + C, ServerError),
    ("not-an-envelope-401", 401, b'["denied","' + C + b'"]', AuthenticationError),
    ("wrong-shape-200", 200, b'{"status":"success","data":"' + C + b'"}', ResponseParseError),
    ("array-200", 200, b'["' + C + b'"]', ResponseParseError),
    ("fail-bad-data-200", 200, b'{"status":"fail","data":["' + C + b'"]}', BadRequestError),
    ("error-bad-data-200", 200, b'{"status":"error","data":7,"echo":"' + C + b'"}', ServerError),
    ("continue-100", 100, b"", ResponseParseError),
    ("redirect-302", 302, b"", ResponseParseError),
    ("status-600", 600, b'{"echo":"' + C + b'"}', ResponseParseError),
]


@pytest.mark.parametrize(("status", "body", "cls"), [c[1:] for c in UNPARSEABLE], ids=[c[0] for c in UNPARSEABLE])
@pytest.mark.parametrize("decoder", list(DECODERS))
def test_unparseable_answers_are_typed_and_keep_the_body(
    decoder: str, status: int, body: bytes, cls: type[ClientError]
) -> None:
    build, decode_fn, where = DECODERS[decoder]
    call = build()
    with pytest.raises(ClientError) as caught:
        decode_fn(reply(call, status, body))
    error = caught.value
    assert type(error) is cls
    assert isinstance(error, APIStatusError | ResponseParseError)
    assert error.body == body and error.status_code == status
    assert str(error).endswith(f"(HTTP {status})")
    if isinstance(error, APIStatusError):
        assert error.error is None
        assert str(error) == f"{where} failed; the body is not SMTP.com's JSON error envelope (HTTP {status})"
    else:
        assert error.may_have_been_sent is (call.delivers and 200 <= status < 300)
        assert ("probably accepted" in str(error)) is error.may_have_been_sent
    for builtin in (KeyError, TypeError, json.JSONDecodeError):
        assert not isinstance(error, builtin)
    assert_private(error)
