"""The SMTP.com overlay on the wire: exact requests, typed errors, validation, MIME helper, redaction.

Every test talks to an ``httpx.MockTransport``; nothing leaves the process. Calls run through both
``SMTPcom`` and ``AsyncSMTPcom`` (the ``flavour`` fixture) and, where auth matters, all three modes.
"""

from __future__ import annotations

import ast
import base64
import email
import inspect
import json
import logging
import re
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import pytest
import smtpcom_client
from smtpcom_client import (
    DEFAULT_TIMEOUT,
    MAX_MESSAGE_BYTES,
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AsyncSMTPcom,
    AuthenticatedClient,
    AuthenticationError,
    BadRequestError,
    ClientError,
    ConfigurationError,
    CustomHeaders,
    EmailAddress,
    ErrorEnvelope,
    InvalidRequestError,
    MessageAttachment,
    MessageBody,
    MessagePart,
    MessagesListResponse,
    NotFoundError,
    Originator,
    RateLimitError,
    Recipients,
    ResponseParseError,
    RetryPolicy,
    SendMessageRequest,
    SendMessageResponse,
    SendMimeMessageRequest,
    ServerError,
    SMTPcom,
    SMTPcomError,
    message_id,
)
from smtpcom_client.api.messages import v4_messages_get

KEY = "smtpk-7f3a9c2e41d84b06a5e1c9d2"
BASE = "https://api.smtp.com"
BASIC = "Basic " + base64.b64encode(f"api:{KEY}".encode()).decode()
NO_RETRY = RetryPolicy(max_retries=0)
ACCEPTED = b'{"status":"success","data":{"message":"accepted, msg_id: d8bc7242-7492-4371-a78c-484b21a9a3eb"}}'
MSG_ID = "d8bc7242-7492-4371-a78c-484b21a9a3eb"
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
                    "msg_data": {"rcpt_to": "jane@example.com", "from": "noreply@example.com", "subject": "Hello"},
                    "details": {"delivery": {"event": "delivered", "code": "250", "retries": 0}},
                }
            ]
        },
    }
).encode()
AUTH_MODES = ("bearer", "header", "query", "basic")


# --------------------------------------------------------------------------- helpers


class Wire:
    """A MockTransport handler: records every request and answers from a script (last one repeats)."""

    def __init__(self, *answers: tuple[int, bytes] | tuple[int, bytes, dict[str, str]] | Exception) -> None:
        self.answers = list(answers) or [(200, ACCEPTED)]
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers[min(len(self.requests), len(self.answers)) - 1]
        if isinstance(answer, Exception):
            raise answer
        status, body, *rest = answer
        headers = {"content-type": "application/json", **(rest[0] if rest else {})}
        return httpx.Response(status, content=body, headers=headers)

    @property
    def only(self) -> httpx.Request:
        assert len(self.requests) == 1, self.requests
        return self.requests[0]


def sync_client(wire: Wire, auth: str = "header", retry: RetryPolicy = NO_RETRY, **kwargs: Any) -> SMTPcom:
    return SMTPcom(KEY, auth=auth, retry=retry, transport=httpx.MockTransport(wire), **kwargs)  # type: ignore[arg-type]


def async_client(wire: Wire, auth: str = "header", retry: RetryPolicy = NO_RETRY, **kwargs: Any) -> AsyncSMTPcom:
    return AsyncSMTPcom(KEY, auth=auth, retry=retry, transport=httpx.MockTransport(wire), **kwargs)  # type: ignore[arg-type]


async def invoke(flavour: str, wire: Wire, method: str, *args: Any, auth: str = "header", **kwargs: Any) -> Any:
    """Call ``method`` on a fresh sync or async client over ``wire``."""
    if flavour == "sync":
        with sync_client(wire, auth) as client:
            return getattr(client, method)(*args, **kwargs)
    async with async_client(wire, auth) as aclient:
        return await getattr(aclient, method)(*args, **kwargs)


@pytest.fixture(params=["sync", "async"])
def flavour(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def addr(address: str, name: str | None = None) -> EmailAddress:
    return EmailAddress(address=address) if name is None else EmailAddress(address=address, name=name)


def message(**changes: Any) -> SendMessageRequest:
    request = SendMessageRequest(
        channel="my_channel",
        recipients=Recipients(to=[addr("jane@example.com", "Jane")]),
        originator=Originator(from_=addr("noreply@example.com", "Shop")),
        subject="Hello",
        body=MessageBody(parts=[MessagePart(content="Hi", type_="text/plain", charset="UTF-8")]),
    )
    for name, value in changes.items():
        setattr(request, name, value)
    return request


MESSAGE_BYTES = (
    b'{"channel":"my_channel","recipients":{"to":[{"address":"jane@example.com","name":"Jane"}]},'
    b'"originator":{"from":{"address":"noreply@example.com","name":"Shop"}},'
    b'"subject":"Hello","body":{"parts":[{"content":"Hi","type":"text/plain","charset":"UTF-8"}]}}'
)
MIME_TEXT = "From: noreply@example.com\r\nTo: jane@example.com\r\nSubject: Hi\r\n\r\nHi\r\n"


def mime_request(**changes: Any) -> SendMimeMessageRequest:
    request = SendMimeMessageRequest(
        mime=MIME_TEXT,
        channel="my_channel",
        recipients=Recipients(to=[addr("jane@example.com")]),
        originator=Originator(from_=addr("noreply@example.com")),
    )
    for name, value in changes.items():
        setattr(request, name, value)
    return request


MIME_BYTES = (
    b'{"mime":"From: noreply@example.com\\r\\nTo: jane@example.com\\r\\nSubject: Hi\\r\\n\\r\\nHi\\r\\n",'
    b'"channel":"my_channel","recipients":{"to":[{"address":"jane@example.com"}]},'
    b'"originator":{"from":{"address":"noreply@example.com"}}}'
)


def assert_auth(request: httpx.Request, auth: str) -> None:
    """The key travels exactly one way."""
    query = dict(request.url.params)
    if auth == "header":
        assert request.headers["x-smtpcom-api"] == KEY
        assert "authorization" not in request.headers and "api_key" not in query
    elif auth == "query":
        assert query["api_key"] == KEY
        assert "x-smtpcom-api" not in request.headers and "authorization" not in request.headers
    elif auth == "bearer":
        assert request.headers["authorization"] == f"Bearer {KEY}"
        assert "x-smtpcom-api" not in request.headers and "api_key" not in query
    else:
        assert request.headers["authorization"] == BASIC
        assert "x-smtpcom-api" not in request.headers and "api_key" not in query


def auth_query(auth: str) -> str:
    return f"api_key={KEY}" if auth == "query" else ""


# --------------------------------------------------------------------------- the calls on the wire


@pytest.mark.parametrize("auth", AUTH_MODES)
@pytest.mark.parametrize("method", ["v4_messages_post", "send_message"])
async def test_send_message_request_and_result(flavour: str, auth: str, method: str) -> None:
    wire = Wire((200, ACCEPTED))
    result = await invoke(flavour, wire, method, message(), auth=auth)
    request = wire.only
    assert request.method == "POST"
    assert request.url.path == "/v4/messages"
    assert str(request.url) == f"{BASE}/v4/messages" + (f"?{auth_query(auth)}" if auth == "query" else "")
    assert request.url.query.decode() == auth_query(auth)
    assert_auth(request, auth)
    assert request.headers["content-type"] == "application/json"
    assert request.content == MESSAGE_BYTES
    assert isinstance(result, SendMessageResponse)
    assert result.status == "success"
    assert message_id(result) == MSG_ID


@pytest.mark.parametrize("auth", AUTH_MODES)
@pytest.mark.parametrize("method", ["v4_messages_mime_post", "send_mime"])
async def test_send_mime_request_and_result(flavour: str, auth: str, method: str) -> None:
    wire = Wire((200, b'{"status":"success","data":{"msg_id":"abc-123"}}'))
    result = await invoke(flavour, wire, method, mime_request(), auth=auth)
    request = wire.only
    assert (request.method, request.url.path) == ("POST", "/v4/messages/mime")
    assert request.url.query.decode() == auth_query(auth)
    assert_auth(request, auth)
    assert request.headers["content-type"] == "application/json"
    assert request.content == MIME_BYTES
    assert isinstance(result, SendMessageResponse)
    assert message_id(result) == "abc-123"


@pytest.mark.parametrize("auth", AUTH_MODES)
@pytest.mark.parametrize("method", ["v4_messages_get", "list_messages"])
async def test_list_messages_request_and_result(flavour: str, auth: str, method: str) -> None:
    wire = Wire((200, LISTED))
    result = await invoke(
        flavour,
        wire,
        method,
        "my_channel",
        start="Fri, 13 Aug 2021 10:22:49 -0000",
        limit=10,
        offset=20,
        end=datetime(2021, 8, 14, tzinfo=UTC),
        event="delivered",
        msg_id=MSG_ID,
        auth=auth,
    )
    request = wire.only
    assert (request.method, request.url.path) == ("GET", "/v4/messages")
    expected = (
        "start=Fri%2C+13+Aug+2021+10%3A22%3A49+-0000&limit=10&offset=20&channel=my_channel"
        f"&end=1628899200&event=delivered&msg_id={MSG_ID}"
    )
    assert request.url.query.decode() == (f"api_key={KEY}&{expected}" if auth == "query" else expected)
    assert_auth(request, auth)
    assert request.content == b""
    assert isinstance(result, MessagesListResponse)
    items = result.data.items
    assert isinstance(items, list) and items[0].msg_id == MSG_ID
    assert items[0].details.delivery.event == "delivered"  # type: ignore[union-attr]


async def test_list_messages_minimal_query_epoch_start(flavour: str) -> None:
    wire = Wire((200, b'{"status":"success","data":{"items":[]}}'))
    result = await invoke(flavour, wire, "list_messages", "ch", start=1628850169, limit=1000)
    assert wire.only.url.query == b"start=1628850169&limit=1000&offset=0&channel=ch"
    assert result.data.items == []


def test_aliases_are_the_operation_methods() -> None:
    for cls in (SMTPcom, AsyncSMTPcom):
        assert cls.send_message is cls.v4_messages_post
        assert cls.send_mime is cls.v4_messages_mime_post
        assert cls.list_messages is cls.v4_messages_get
    assert inspect.iscoroutinefunction(AsyncSMTPcom.send_email_message)


def test_message_id_reads_both_success_shapes() -> None:
    documented = SendMessageResponse.from_dict({"status": "success", "data": {"msg_id": "x1"}})
    observed = SendMessageResponse.from_dict({"status": "success", "data": {"message": "accepted, msg_id: foobar"}})
    bare = SendMessageResponse.from_dict({"status": "success", "data": {"message": "SOME TEST DATA"}})
    assert (message_id(documented), message_id(observed), message_id(bare)) == ("x1", "foobar", None)


async def test_success_with_201_is_accepted(flavour: str) -> None:
    result = await invoke(
        flavour,
        Wire((201, b'{"status":"success","data":{"message":"accepted, msg_id: foobar"}}')),
        "send_message",
        message(),
    )
    assert message_id(result) == "foobar"


async def test_per_call_timeout_and_default_timeout(flavour: str) -> None:
    wire = Wire((200, ACCEPTED), (200, ACCEPTED))
    if flavour == "sync":
        with sync_client(wire) as client:
            client.send_message(message())
            client.send_message(message(), timeout=2.5)
    else:
        async with async_client(wire) as aclient:
            await aclient.send_message(message())
            await aclient.send_message(message(), timeout=2.5)
    default, per_call = (r.extensions["timeout"] for r in wire.requests)
    assert default == {"connect": 5.0, "read": 30.0, "write": 30.0, "pool": 30.0}
    assert DEFAULT_TIMEOUT.read == 30.0 and DEFAULT_TIMEOUT.connect == 5.0
    assert per_call == {"connect": 2.5, "read": 2.5, "write": 2.5, "pool": 2.5}


@pytest.mark.parametrize("auth", AUTH_MODES)
async def test_generated_functions_share_auth_through_client_dot_client(auth: str) -> None:
    wire = Wire((200, LISTED))
    with sync_client(wire, auth) as smtp:
        assert isinstance(smtp.client, AuthenticatedClient)
        response = v4_messages_get.sync_detailed(client=smtp.client, start="1", limit=5, offset=0, channel="c")
    assert isinstance(response.parsed, MessagesListResponse)
    assert_auth(wire.only, auth)
    wire = Wire((200, LISTED))
    async with async_client(wire, auth) as asmtp:
        parsed = await v4_messages_get.asyncio(client=asmtp.client, start="1", limit=5, offset=0, channel="c")
    assert isinstance(parsed, MessagesListResponse)
    assert_auth(wire.only, auth)


def test_base_url_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMTPCOM_API_KEY", KEY)
    monkeypatch.setenv("SMTPCOM_BASE_URL", "http://127.0.0.1:4010/")
    wire = Wire()
    with SMTPcom(retry=NO_RETRY, transport=httpx.MockTransport(wire)) as smtp:
        smtp.send_message(message())
    assert str(wire.only.url) == "http://127.0.0.1:4010/v4/messages"
    assert wire.only.headers["authorization"] == f"Bearer {KEY}"


# --------------------------------------------------------------------------- retries (MockTransport level)


async def test_per_call_retry_policy_is_honoured(flavour: str) -> None:
    client_policy = RetryPolicy(max_retries=2, backoff_base=0)
    wire = Wire((503, b'{"status":"error","message":"busy"}'))
    other = Wire((503, b'{"status":"error","message":"busy"}'))
    if flavour == "sync":
        with sync_client(wire, retry=client_policy) as client, pytest.raises(ServerError):
            client.send_message(message())
        with sync_client(other, retry=client_policy) as client, pytest.raises(ServerError):
            client.send_message(message(), retry=NO_RETRY)
    else:
        async with async_client(wire, retry=client_policy) as aclient:
            with pytest.raises(ServerError):
                await aclient.send_message(message())
        async with async_client(other, retry=client_policy) as aclient:
            with pytest.raises(ServerError):
                await aclient.send_message(message(), retry=NO_RETRY)
    assert len(wire.requests) == 3  # 503 was not processed: retried twice
    assert len(other.requests) == 1  # the per-call policy said no retries


async def test_post_500_is_not_resent_by_default(flavour: str) -> None:
    wire = Wire((500, b'{"status":"error","message":"oops"}'), (200, ACCEPTED))
    if flavour == "sync":
        with sync_client(wire, retry=RetryPolicy(backoff_base=0)) as client, pytest.raises(ServerError):
            client.send_message(message())
    else:
        async with async_client(wire, retry=RetryPolicy(backoff_base=0)) as aclient:
            with pytest.raises(ServerError):
                await aclient.send_message(message())
    assert len(wire.requests) == 1


# --------------------------------------------------------------------------- error mapping


ERROR_CASES: list[tuple[str, int, bytes, type[ClientError], str | None]] = [
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
    ("200-error", 200, b'{"status":"error","message":"queue down"}', ServerError, "queue down"),
]


@pytest.mark.parametrize(
    ("status", "body", "cls", "quoted"), [c[1:] for c in ERROR_CASES], ids=[c[0] for c in ERROR_CASES]
)
@pytest.mark.parametrize("call", ["send_message", "send_mime", "list_messages"])
async def test_vendor_errors_are_typed(
    flavour: str, call: str, status: int, body: bytes, cls: type[APIStatusError], quoted: str
) -> None:
    args: dict[str, tuple[Any, ...]] = {
        "send_message": (message(),),
        "send_mime": (mime_request(),),
        "list_messages": ("c",),
    }
    kwargs: dict[str, Any] = {"start": "1", "limit": 1} if call == "list_messages" else {}
    with pytest.raises(cls) as caught:
        await invoke(flavour, Wire((status, body, {"retry-after": "7"})), call, *args[call], **kwargs)
    error = caught.value
    assert type(error) is cls
    assert error.status_code == status
    assert error.body == body
    assert isinstance(error.error, ErrorEnvelope)
    assert error.error.to_dict() == json.loads(body)
    assert quoted in str(error)
    assert "SMTP.com refused" in str(error)
    if cls is RateLimitError:
        assert caught.value.retry_after == 7.0  # type: ignore[attr-defined]


async def test_error_envelope_fields_are_typed(flavour: str) -> None:
    body = b'{"status":"fail","data":{"error":"sender not found"}}'
    with pytest.raises(NotFoundError) as caught:
        await invoke(flavour, Wire((404, body)), "send_message", message())
    envelope = caught.value.error
    assert envelope.status == "fail" and envelope.data.error == "sender not found"
    assert isinstance(caught.value, SMTPcomError)


UNPARSEABLE: list[tuple[str, int, bytes, type[ClientError]]] = [
    ("html-502", 502, b"<html><body><h1>502 Bad Gateway</h1></body></html>", ServerError),
    ("html-200", 200, b"<html><body>maintenance</body></html>", ResponseParseError),
    ("truncated-200", 200, b'{"status":"success","data":{"message":"accep', ResponseParseError),
    ("truncated-400", 400, b'{"status":"fail","data":{"start":', BadRequestError),
    ("text-520", 520, b"error code: 520", ServerError),
    ("not-an-envelope-401", 401, b'["denied"]', AuthenticationError),
    ("wrong-shape-200", 200, b'{"status":"success","data":"accepted"}', ResponseParseError),
    ("array-200", 200, b"[]", ResponseParseError),
    ("fail-bad-data-200", 200, b'{"status":"fail","data":["nope"]}', BadRequestError),
    ("error-bad-data-200", 200, b'{"status":"error","data":7}', ServerError),
    ("redirect-302", 302, b"", ResponseParseError),
    ("status-600", 600, b"{}", ResponseParseError),
]


@pytest.mark.parametrize(("status", "body", "cls"), [c[1:] for c in UNPARSEABLE], ids=[c[0] for c in UNPARSEABLE])
async def test_unparseable_answers_are_typed_and_keep_the_body(
    flavour: str, status: int, body: bytes, cls: type[ClientError]
) -> None:
    with pytest.raises(ClientError) as caught:
        await invoke(flavour, Wire((status, body)), "send_message", message())
    error = caught.value
    assert type(error) is cls
    assert isinstance(error, APIStatusError | ResponseParseError)
    assert error.body == body and error.status_code == status
    if isinstance(error, APIStatusError):
        assert error.error is None
        assert "not SMTP.com's JSON error envelope" in str(error)
    for raw in (KeyError, TypeError, json.JSONDecodeError):
        assert not isinstance(error, raw)


async def test_list_decodes_errors_too(flavour: str) -> None:
    body = b'{"status":"fail","data":{"errors":{"start":"could not be blank"}}}'
    with pytest.raises(BadRequestError, match="start: could not be blank"):
        await invoke(flavour, Wire((400, body)), "list_messages", "c", start="1", limit=1)


# --------------------------------------------------------------------------- validation before I/O


def _recipients(n: int) -> list[EmailAddress]:
    return [addr(f"user{i}@example.com") for i in range(n)]


def _crlf_header() -> CustomHeaders:
    headers = CustomHeaders()
    headers["X-Tag"] = "ok\r\nBcc: evil@example.com"
    return headers


def _crlf_header_list() -> CustomHeaders:
    headers = CustomHeaders()
    headers["X-Tag"] = ["fine", "bad\nvalue"]
    return headers


def _bad_header_name() -> CustomHeaders:
    headers = CustomHeaders()
    headers["X-Bad: Name"] = "v"
    return headers


def _rfc822_mime() -> str:
    return (
        'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n'
        "--b\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\n\r\nx\r\n--b--\r\n"
    )


Case = tuple[str, str, Callable[[], tuple[tuple[Any, ...], dict[str, Any]]], str]

# (id, method, () -> (args, kwargs), field named by the error)
VALIDATION: list[Case] = [
    ("channel-required", "send_message", lambda: ((message(channel=" "),), {}), "message.channel"),
    ("mime-channel-required", "send_mime", lambda: ((mime_request(channel=""),), {}), "message.channel"),
    ("list-channel-required", "list_messages", lambda: (("",), {"start": "1", "limit": 1}), "channel"),
    ("no-recipients", "send_message", lambda: ((message(recipients=Recipients()),), {}), "message.recipients"),
    (
        "empty-recipient-lists",
        "send_message",
        lambda: ((message(recipients=Recipients(to=[], cc=[])),), {}),
        "message.recipients",
    ),
    (
        "1001-recipients",
        "send_message",
        lambda: ((message(recipients=Recipients(to=_recipients(500), cc=_recipients(500), bcc=_recipients(1))),), {}),
        "message.recipients",
    ),
    (
        "mime-1001-recipients",
        "send_mime",
        lambda: ((mime_request(recipients=Recipients(bcc=_recipients(1001))),), {}),
        "message.recipients",
    ),
    (
        "bulk-list-with-to",
        "send_message",
        lambda: ((message(recipients=Recipients(to=[addr("a@example.com")], bulk_list=[addr("b@example.com")])),), {}),
        "message.recipients.bulk_list",
    ),
    (
        "bulk-list-with-bcc-mime",
        "send_mime",
        lambda: (
            (mime_request(recipients=Recipients(bcc=[addr("a@example.com")], bulk_list=[addr("b@example.com")])),),
            {},
        ),
        "message.recipients.bulk_list",
    ),
    ("no-originator", "send_message", lambda: ((message(originator=Originator()),), {}), "message.originator"),
    ("mime-no-originator", "send_mime", lambda: ((mime_request(originator=Originator()),), {}), "message.originator"),
    (
        "rfc822-part",
        "send_message",
        lambda: (
            (
                message(
                    body=MessageBody(
                        parts=[
                            MessagePart(content="a", type_="text/plain"),
                            MessagePart(content="b", type_="message/rfc822"),
                        ]
                    )
                ),
            ),
            {},
        ),
        "message.body.parts[1].type",
    ),
    (
        "rfc822-attachment",
        "send_message",
        lambda: (
            (
                message(
                    body=MessageBody(
                        parts=[MessagePart(content="a")],
                        attachments=[
                            MessageAttachment(filename="f.eml", content="x", type_="Message/RFC822; name=f.eml")
                        ],
                    )
                ),
            ),
            {},
        ),
        "message.body.attachments[0].type",
    ),
    ("rfc822-in-mime", "send_mime", lambda: ((mime_request(mime=_rfc822_mime()),), {}), "message.mime"),
    ("mime-required", "send_mime", lambda: ((mime_request(mime=""),), {}), "message.mime"),
    (
        "json-10mb",
        "send_message",
        lambda: ((message(body=MessageBody(parts=[MessagePart(content="x" * MAX_MESSAGE_BYTES)])),), {}),
        "message",
    ),
    ("mime-10mb", "send_mime", lambda: ((mime_request(mime=MIME_TEXT + "x" * MAX_MESSAGE_BYTES),), {}), "message.mime"),
    (
        "crlf-subject",
        "send_message",
        lambda: ((message(subject="Hi\r\nBcc: evil@example.com"),), {}),
        "message.subject",
    ),
    ("lf-subject", "send_message", lambda: ((message(subject="Hi\nthere"),), {}), "message.subject"),
    (
        "crlf-custom-header",
        "send_message",
        lambda: ((message(custom_headers=_crlf_header()),), {}),
        "message.custom_headers['X-Tag']",
    ),
    (
        "lf-custom-header-list",
        "send_message",
        lambda: ((message(custom_headers=_crlf_header_list()),), {}),
        "message.custom_headers['X-Tag'][1]",
    ),
    (
        "bad-header-name",
        "send_message",
        lambda: ((message(custom_headers=_bad_header_name()),), {}),
        "message.custom_headers['X-Bad: Name']",
    ),
    (
        "crlf-to-address",
        "send_message",
        lambda: ((message(recipients=Recipients(to=[addr("jane@example.com\r\nBcc: x@y.z")])),), {}),
        "message.recipients.to[0].address",
    ),
    (
        "crlf-cc-name",
        "send_message",
        lambda: ((message(recipients=Recipients(cc=[addr("a@example.com", "A\nB")])),), {}),
        "message.recipients.cc[0].name",
    ),
    (
        "crlf-from-address",
        "send_message",
        lambda: ((message(originator=Originator(from_=addr("me@example.com\r"))),), {}),
        "message.originator.from.address",
    ),
    (
        "crlf-reply-to-name",
        "send_message",
        lambda: ((message(originator=Originator(reply_to=addr("me@example.com", "Me\r\nX: y"))),), {}),
        "message.originator.reply_to.name",
    ),
    (
        "crlf-mime-bcc-address",
        "send_mime",
        lambda: ((mime_request(recipients=Recipients(bcc=[addr("a@example.com\n")])),), {}),
        "message.recipients.bcc[0].address",
    ),
    (
        "blank-address",
        "send_message",
        lambda: ((message(recipients=Recipients(to=[addr(" ")])),), {}),
        "message.recipients.to[0].address",
    ),
    ("subject-999", "send_message", lambda: ((message(subject="s" * 999),), {}), "message.subject"),
    ("no-parts", "send_message", lambda: ((message(body=MessageBody(parts=[])),), {}), "message.body.parts"),
    (
        "bad-base64-attachment",
        "send_message",
        lambda: (
            (
                message(
                    body=MessageBody(
                        parts=[MessagePart(content="a")],
                        attachments=[MessageAttachment(filename="a.pdf", content="not base64!", encoding="base64")],
                    )
                ),
            ),
            {},
        ),
        "message.body.attachments[0].content",
    ),
    (
        "crlf-attachment-filename",
        "send_message",
        lambda: (
            (
                message(
                    body=MessageBody(
                        parts=[MessagePart(content="a")],
                        attachments=[MessageAttachment(filename="a\r\n.pdf", content="x")],
                    )
                ),
            ),
            {},
        ),
        "message.body.attachments[0].filename",
    ),
    ("not-a-model", "send_message", lambda: (("hello",), {}), "message"),
    ("mime-not-a-model", "send_mime", lambda: ((message(),), {}), "message"),
    ("limit-0", "list_messages", lambda: (("c",), {"start": "1", "limit": 0}), "limit"),
    ("limit-1001", "list_messages", lambda: (("c",), {"start": "1", "limit": 1001}), "limit"),
    ("offset-negative", "list_messages", lambda: (("c",), {"start": "1", "limit": 1, "offset": -1}), "offset"),
    ("start-blank", "list_messages", lambda: (("c",), {"start": " ", "limit": 1}), "start"),
    ("start-naive-datetime", "list_messages", lambda: (("c",), {"start": datetime(2021, 8, 13), "limit": 1}), "start"),
    ("end-wrong-type", "list_messages", lambda: (("c",), {"start": "1", "end": 1.5, "limit": 1}), "end"),
    ("event-unknown", "list_messages", lambda: (("c",), {"start": "1", "limit": 1, "event": "opened"}), "event"),
]


@pytest.mark.parametrize(("method", "build", "field"), [c[1:] for c in VALIDATION], ids=[c[0] for c in VALIDATION])
async def test_validation_names_the_field_and_sends_nothing(
    flavour: str, method: str, build: Callable[[], tuple[tuple[Any, ...], dict[str, Any]]], field: str
) -> None:
    wire = Wire()
    args, kwargs = build()
    with pytest.raises(InvalidRequestError) as caught:
        await invoke(flavour, wire, method, *args, **kwargs)
    assert caught.value.field == field, str(caught.value)
    assert str(caught.value).startswith(f"{field}: ")
    assert wire.requests == []


def _padded_message(total: int) -> SendMessageRequest:
    """A message whose JSON body is exactly ``total`` bytes."""
    request = message(body=MessageBody(parts=[MessagePart(content="")]))
    base = len(json.dumps(request.to_dict(), separators=(",", ":")).encode())
    request.body.parts[0].content = "x" * (total - base)
    return request


async def test_size_limit_boundary_on_the_json_body(flavour: str) -> None:
    wire = Wire()
    await invoke(flavour, wire, "send_message", _padded_message(MAX_MESSAGE_BYTES - 1))
    assert len(wire.only.content) == MAX_MESSAGE_BYTES - 1
    with pytest.raises(InvalidRequestError) as caught:
        await invoke(flavour, Wire(), "send_message", _padded_message(MAX_MESSAGE_BYTES))
    assert caught.value.field == "message"


async def test_limits_that_still_pass(flavour: str) -> None:
    wire = Wire(*[(200, ACCEPTED)] * 4)
    await invoke(flavour, wire, "send_message", message(recipients=Recipients(to=_recipients(1000))))
    await invoke(flavour, wire, "send_message", message(recipients=Recipients(bulk_list=_recipients(3))))
    await invoke(
        flavour,
        wire,
        "send_message",
        message(originator=Originator(reply_to=addr("help@example.com")), subject="s" * 998),
    )
    # "message/rfc822" mentioned in a text body is not an rfc822 part
    await invoke(flavour, wire, "send_mime", mime_request(mime=MIME_TEXT + "see message/rfc822\r\n"))
    assert len(wire.requests) == 4


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


async def test_send_email_message_envelope_from_headers_and_bcc_stripped(flavour: str) -> None:
    wire = Wire()
    msg = email_message()
    result = await invoke(flavour, wire, "send_email_message", msg, channel="my_channel")
    assert message_id(result) == MSG_ID
    request = wire.only
    assert (request.method, request.url.path) == ("POST", "/v4/messages/mime")
    body = json.loads(request.content)
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


async def test_send_email_message_explicit_envelope_wins(flavour: str) -> None:
    wire = Wire()
    recipients = Recipients(bulk_list=[addr("list1@example.com"), addr("list2@example.com")])
    originator = Originator(from_=addr("bounce@example.com"))
    await invoke(
        flavour, wire, "send_email_message", email_message(), channel="c", recipients=recipients, originator=originator
    )
    body = json.loads(wire.only.content)
    assert body["recipients"] == {"bulk_list": [{"address": "list1@example.com"}, {"address": "list2@example.com"}]}
    assert body["originator"] == {"from": {"address": "bounce@example.com"}}
    assert "secret@example.com" not in body["mime"]  # Bcc is stripped even when the envelope is explicit


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


HELPER_CASES: list[tuple[str, Callable[[], Any], str, str]] = [
    ("not-a-message", lambda: "From: a@b.c\r\n\r\nx", "c", "msg"),
    ("channel-required", email_message, " ", "channel"),
    ("no-recipients", _no_recipients, "c", "recipients"),
    ("no-originator", _no_originator, "c", "originator"),
    ("rfc822-part", _with_rfc822, "c", "msg.parts[2]"),
    ("unparseable-to", _bad_to, "c", "msg['To']"),
]


@pytest.mark.parametrize(("build", "channel", "field"), [c[1:] for c in HELPER_CASES], ids=[c[0] for c in HELPER_CASES])
async def test_send_email_message_validation(flavour: str, build: Callable[[], Any], channel: str, field: str) -> None:
    wire = Wire()
    with pytest.raises(InvalidRequestError) as caught:
        await invoke(flavour, wire, "send_email_message", build(), channel=channel)
    assert caught.value.field == field, str(caught.value)
    assert wire.requests == []


async def test_send_email_message_size_limit(flavour: str) -> None:
    msg = email_message()
    msg.set_content(("x" * 99 + "\n") * (MAX_MESSAGE_BYTES // 100 + 1), cte="7bit")
    wire = Wire()
    with pytest.raises(InvalidRequestError) as caught:
        await invoke(flavour, wire, "send_email_message", msg, channel="c")
    assert caught.value.field == "msg"
    assert wire.requests == []


# --------------------------------------------------------------------------- configuration


@pytest.mark.parametrize("cls", [SMTPcom, AsyncSMTPcom])
def test_missing_key_names_argument_and_env_var(monkeypatch: pytest.MonkeyPatch, cls: type[Any]) -> None:
    monkeypatch.delenv("SMTPCOM_API_KEY", raising=False)
    with pytest.raises(ConfigurationError) as caught:
        cls()
    assert "SMTPCOM_API_KEY" in str(caught.value) and "api_key" in str(caught.value)
    monkeypatch.setenv("SMTPCOM_API_KEY", "  ")
    with pytest.raises(ConfigurationError, match="SMTPCOM_API_KEY"):
        cls()


async def test_key_from_environment(monkeypatch: pytest.MonkeyPatch, flavour: str) -> None:
    monkeypatch.setenv("SMTPCOM_API_KEY", KEY)
    monkeypatch.delenv("SMTPCOM_BASE_URL", raising=False)
    wire = Wire()
    if flavour == "sync":
        with SMTPcom(retry=NO_RETRY, transport=httpx.MockTransport(wire)) as client:
            client.send_message(message())
    else:
        async with AsyncSMTPcom(retry=NO_RETRY, transport=httpx.MockTransport(wire)) as aclient:
            await aclient.send_message(message())
    assert str(wire.only.url) == f"{BASE}/v4/messages"
    assert wire.only.headers["authorization"] == f"Bearer {KEY}"


@pytest.mark.parametrize(
    ("kwargs", "text"),
    [
        ({"auth": "token"}, "auth must be one of"),
        ({"base_url": f"https://api:{KEY}@api.smtp.com"}, "must not contain credentials"),
        ({"base_url": "ftp://api.smtp.com"}, "http(s) URL"),
    ],
)
def test_bad_settings(kwargs: dict[str, Any], text: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        SMTPcom(KEY, **kwargs)
    assert text in str(caught.value)
    assert KEY not in str(caught.value)


# --------------------------------------------------------------------------- redaction


@pytest.mark.parametrize("auth", AUTH_MODES)
async def test_reprs_never_show_the_key(auth: str) -> None:
    with sync_client(Wire(), auth) as client:
        texts = [repr(client), str(client), repr(client.client), str(vars(client).get("_auth_description"))]
    async with async_client(Wire(), auth) as aclient:
        texts += [repr(aclient), str(aclient), repr(aclient.client)]
    for text in texts:
        assert KEY not in text
    assert repr(client) == f"SMTPcom(base_url='{BASE}', auth={client._auth_description!r})"
    assert "***" in client._auth_description


ECHO_PAGE = (
    b"<html>bad gateway for https://api.smtp.com/v4/messages?api_key="
    + KEY.encode()
    + b" key="
    + KEY.encode()
    + b"</html>"
)


@pytest.mark.parametrize("auth", AUTH_MODES)
async def test_errors_and_logs_never_show_the_key(flavour: str, auth: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    answers: list[tuple[int, bytes] | Exception] = [
        (200, ACCEPTED),
        (401, b'{"status":"fail","data":{"api_key":"invalid","echo":"' + KEY.encode() + b'"}}'),
        (200, ECHO_PAGE),
        (502, ECHO_PAGE),
        httpx.ConnectError(f"cannot reach https://api.smtp.com/v4/messages?api_key={KEY}"),
        httpx.ReadTimeout(f"timed out; key {KEY}"),
    ]
    errors: list[BaseException] = []
    for answer in answers:
        wire = Wire(answer)
        try:
            await invoke(flavour, wire, "send_message", message(), auth=auth)
            await invoke(flavour, Wire(answer), "list_messages", "c", start="1", limit=1, auth=auth)
        except ClientError as error:
            errors.append(error)
    assert [type(e) for e in errors] == [
        AuthenticationError,
        ResponseParseError,
        ServerError,
        APIConnectionError,
        APITimeoutError,
    ]
    for error in errors:
        assert KEY not in str(error) and KEY not in repr(error)
        if isinstance(error, APIConnectionError):
            assert KEY not in error.url
    assert caplog.records, "httpx should have logged its requests"
    for record in caplog.records:
        assert KEY not in record.getMessage()
    assert KEY not in caplog.text
    if auth == "query":
        assert "api_key=***" in caplog.text


async def test_retry_log_lines_are_redacted(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    wire = Wire((503, b'{"status":"error"}'), (200, ACCEPTED))
    with sync_client(wire, "query", retry=RetryPolicy(max_retries=1, backoff_base=0)) as client:
        client.send_message(message())
    assert len(wire.requests) == 2
    assert "retrying POST https://api.smtp.com/v4/messages?api_key=*** after HTTP 503" in caplog.text
    assert KEY not in caplog.text


# --------------------------------------------------------------------------- package surface


def test_public_names_are_consistent() -> None:
    init = Path(smtpcom_client.__file__)
    tree = ast.parse(init.read_text(encoding="utf-8"))
    typed: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for stmt in node.body:
                if isinstance(stmt, ast.ImportFrom):
                    typed.update(alias.asname or alias.name for alias in stmt.names)
                elif isinstance(stmt, ast.Assign):
                    typed.update(t.id for t in stmt.targets if isinstance(t, ast.Name))
    assert typed == set(smtpcom_client.__all__)
    assert len(smtpcom_client.__all__) == len(typed)  # no duplicates
    sources: dict[str, tuple[str, ...]] = vars(smtpcom_client)["_SOURCES"]
    aliases: dict[str, tuple[str, str]] = vars(smtpcom_client)["_ALIASES"]
    assert {n for names in sources.values() for n in names} | set(aliases) == typed
    for name in smtpcom_client.__all__:
        assert getattr(smtpcom_client, name) is not None
    assert smtpcom_client.SMTPcomError is ClientError
    assert issubclass(smtpcom_client.APITimeoutError, APIConnectionError)


# --------------------------------------------------------------------------- the README's examples

README = Path(__file__).resolve().parents[2] / "overlays" / "smtpcom" / "README.md"


def readme_code() -> str:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    assert len(blocks) >= 8
    return "\n".join(blocks)


def test_readme_examples_type_check(tmp_path: Path) -> None:
    source = tmp_path / "readme_examples.py"
    source.write_text(readme_code(), encoding="utf-8")
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--config-file",
            str(root / "pyproject.toml"),
            str(source),
        ],
        capture_output=True,
        text=True,
        cwd=root,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_readme_examples_run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    requests: list[httpx.Request] = []

    def server(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        body = LISTED if request.method == "GET" else ACCEPTED
        return httpx.Response(200, content=body, headers={"content-type": "application/json"})

    monkeypatch.setenv("SMTPCOM_API_KEY", KEY)
    monkeypatch.delenv("SMTPCOM_BASE_URL", raising=False)
    monkeypatch.setattr(httpx, "HTTPTransport", lambda *a, **k: httpx.MockTransport(server))
    monkeypatch.setattr(httpx, "AsyncHTTPTransport", lambda *a, **k: httpx.MockTransport(server))
    exec(compile(readme_code(), str(README), "exec"), {"__name__": "readme"})
    sent = [(r.method, r.url.path) for r in requests]
    assert sent.count(("POST", "/v4/messages")) >= 3
    assert sent.count(("POST", "/v4/messages/mime")) == 3
    assert sent.count(("GET", "/v4/messages")) >= 4
    out = capsys.readouterr().out
    assert f"success {MSG_ID}" in out
    assert "SMTPcom(base_url='https://api.smtp.com', auth='HTTP Basic api:***')" in out
    assert KEY not in out


async def test_send_email_message_accepts_compat32_messages(flavour: str) -> None:
    msg = email.message_from_string(
        'From: =?utf-8?q?Zo=C3=AB?= <zoe@example.com>\nTo: "Doe, Jane" <jane@example.com>\n'
        "Bcc: hidden@example.com\nSubject: Hi\n\nbody\n"
    )
    wire = Wire()
    await invoke(flavour, wire, "send_email_message", msg, channel="c")
    body = json.loads(wire.only.content)
    assert body["recipients"] == {
        "to": [{"address": "jane@example.com", "name": "Doe, Jane"}],
        "bcc": [{"address": "hidden@example.com"}],
    }
    assert body["originator"] == {"from": {"address": "zoe@example.com", "name": "Zoë"}}
    assert body["mime"] == (
        'From: =?utf-8?q?Zo=C3=AB?= <zoe@example.com>\r\nTo: "Doe, Jane" <jane@example.com>\r\nSubject: Hi\r\n\r\nbody\r\n'
    )
