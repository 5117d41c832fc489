"""Paubox's validation and decoding rules, as pure functions: no client, no transport.

The request builders of ``paubox_client._operations`` raise ``InvalidRequestError`` naming the field
before anything could be sent; the ``decode_*`` functions turn a ``Reply`` into the success model or
the typed error. No error's str()/repr() may show body bytes (the CANARY), only the vendor's own words,
and never the secret.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from paubox_client import _operations as ops
from paubox_client._runtime.calls import Call, SentMessage
from paubox_client._runtime.decode import Reply
from paubox_client._runtime.errors import (
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
from paubox_client._runtime.redact import Redactor
from paubox_client.bulk import chunk_bounds
from paubox_client.models import (
    Attachment,
    BulkSendResponse,
    BulkSendResponseItem,
    ErrorResponse,
    Message,
    MessageContent,
    MessageHeaders,
    MessageReceiptErrorResponse,
    MessageReceiptResponse,
    SingleSendResponse,
)

SECRET = "a-secret-key-123"
CANARY = "CANARY-PHI-4711@example.com"
BASE = "https://api.paubox.com/v1/email"
TRACKING_ID = "6e1cf9a4-7bde-4834-8200-ed424b50c8a7"
SENT_ID = "3d38ab13-0af8-4028-bd45-52e882e0d584"
SENT = b'{"sourceTrackingId":"3d38ab13-0af8-4028-bd45-52e882e0d584","customHeaders":{},"data":"Service OK"}'
RECEIPT = json.dumps(
    {
        "sourceTrackingId": TRACKING_ID,
        "data": {
            "message": {
                "id": "<f4a9b518-439c-497d-b87f-dfc9cc19194b@example.org>",
                "message_deliveries": [
                    {
                        "recipient": CANARY,
                        "status": {
                            "deliveryStatus": "delivered",
                            "deliveryTime": "Mon, 23 Apr 2018 13:27:34 -0700",
                            "openedStatus": None,
                            "openedTime": None,
                        },
                    }
                ],
                "total_opens": 0,
                "clicks_per_link": [{"click_count": 2, "target_url": "example.org"}],
                "unsubscribed": False,
            }
        },
    }
).encode()
NOT_FOUND = (
    b'{"errors":[{"code":404,"status":"message_not_found","title":"Message was not found",'
    b'"details":"Message with this tracking id was not found"}],"sourceTrackingId":"' + TRACKING_ID.encode() + b'"}'
)


# --------------------------------------------------------------------------- helpers


def message(to: str = CANARY, **changes: Any) -> Message:
    """A valid message whose recipient and subject are the CANARY: no error may quote them."""
    msg = Message(
        recipients=[to],
        headers=MessageHeaders(subject=f"Lab results for {CANARY}", from_="clinic@example.org"),
        content=MessageContent(textplain=f"Your results are ready, {CANARY}."),
    )
    for name, value in changes.items():
        setattr(msg, name, value)
    return msg


def batch(count: int) -> list[Message]:
    return [message(f"p{i}@example.com") for i in range(count)]


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


def envelope(code: int, title: str, details: str, status: str | None = None) -> bytes:
    """Paubox's error body; the CANARY rides along in a field that is not the vendor's words."""
    error: dict[str, Any] = {"code": code, "title": title, "details": details}
    if status is not None:
        error["status"] = status
    return json.dumps({"errors": [error], "echo": CANARY}, separators=(",", ":")).encode()


# The three calls: how to build each one, and the decoder its answers go through.
CALLS: dict[str, tuple[Callable[[], Call[Any]], Callable[[Reply], Any]]] = {
    "send_message": (lambda: ops.send_message_request(message(), None, None, None), ops.decode_send),
    "send_bulk_messages": (lambda: ops.send_bulk_messages_request([message()]), ops.decode_bulk),
    "get_message_receipt": (lambda: ops.get_message_receipt_request(CANARY), ops.decode_receipt),
}


def decode(call_name: str, status: int, body: bytes, headers: dict[str, str] | None = None) -> Any:
    build, decoder = CALLS[call_name]
    return decoder(reply(build(), status, body, headers))


# --------------------------------------------------------------------------- the requests


def test_builders_describe_the_request_and_whether_it_delivers() -> None:
    send = ops.send_message_request(message(), True, False, "https://example.org/unsubscribe")
    assert (send.request["method"], send.request["url"], send.delivers) == ("post", "/messages", True)
    data = send.request["json"]["data"]
    assert data["message"] == message().to_dict()
    assert (data["override_open_tracking"], data["override_link_tracking"]) == (True, False)
    assert data["unsubscribe_url"] == "https://example.org/unsubscribe"
    assert send.decode is ops.decode_send

    minimal = ops.send_message_request(message(), None, None, None)
    assert set(minimal.request["json"]["data"]) == {"message"}  # None flags are left out, not sent as null

    bulk = ops.send_bulk_messages_request([message(), message()])
    assert (bulk.request["method"], bulk.request["url"], bulk.delivers) == ("post", "/bulk_messages", True)
    assert bulk.request["json"]["data"]["messages"] == [message().to_dict()] * 2
    assert bulk.decode is ops.decode_bulk

    receipt = ops.get_message_receipt_request(TRACKING_ID)
    assert (receipt.request["method"], receipt.request["url"], receipt.delivers) == ("get", "/message_receipt", False)
    assert receipt.request["params"] == {"sourceTrackingId": TRACKING_ID}
    assert receipt.decode is ops.decode_receipt


# --------------------------------------------------------------------------- validation before I/O


def _set_headers(**changes: Any) -> Callable[[Message], None]:
    def mutate(msg: Message) -> None:
        for name, value in changes.items():
            setattr(msg.headers, name, value)

    return mutate


def _set(**changes: Any) -> Callable[[Message], None]:
    def mutate(msg: Message) -> None:
        for name, value in changes.items():
            setattr(msg, name, value)

    return mutate


def _x_header(name: str, value: str) -> Callable[[Message], None]:
    def mutate(msg: Message) -> None:
        msg.headers[name] = value

    return mutate


def _addresses(n: int, prefix: str) -> list[str]:
    return [f"{prefix}{i}@example.com" for i in range(n)]


def _attachments(*contents: str, file_name: str = "a.pdf") -> Callable[[Message], None]:
    def mutate(msg: Message) -> None:
        msg.attachments = [Attachment(file_name=file_name, content_type="application/pdf", content=c) for c in contents]

    return mutate


VALID_MULTILINE_BASE64 = (
    "JVBERi0xLjQKJcOkw7zDtsOfCjIgMCBvYmoKPDwvTGVu\r\nZ3RoIDMgMCBSL0ZpbHRlci9GbGF0ZURlY29kZT4+\nc3RyZWFtCg=="
)

# (id, change to a valid message, field after "message" / "messages[7]")
MESSAGE_RULES: list[tuple[str, Callable[[Message], None], str]] = [
    ("no-recipients", _set(recipients=[]), ".recipients"),
    (
        "101-addresses",
        _set(recipients=_addresses(34, "to"), cc=_addresses(34, "cc"), bcc=_addresses(33, "bcc")),
        ".recipients",
    ),
    ("101-only-cc-bcc", _set(cc=_addresses(50, "cc"), bcc=_addresses(50, "bcc")), ".recipients"),
    ("crlf-subject", _set_headers(subject=f"Hi {CANARY}\r\nBcc: evil@example.com"), ".headers.subject"),
    ("lf-subject", _set_headers(subject=f"Hi\n{CANARY}"), ".headers.subject"),
    ("cr-from", _set_headers(from_=f"{CANARY}\r"), ".headers.from"),
    ("crlf-reply-to", _set_headers(reply_to=f"{CANARY}\r\nX: y"), ".headers.reply-to"),
    (
        "crlf-list-unsubscribe",
        _set_headers(list_unsubscribe="<mailto:u@example.org>\r\nBcc: evil@example.com"),
        ".headers.List-Unsubscribe",
    ),
    (
        "lf-list-unsubscribe-post",
        _set_headers(list_unsubscribe_post="List-Unsubscribe=One-Click\n"),
        ".headers.List-Unsubscribe-Post",
    ),
    ("crlf-x-header-value", _x_header("X-Campaign-Id", f"{CANARY}\r\nBcc: e@x.com"), ".headers['X-Campaign-Id']"),
    ("crlf-x-header-name", _x_header("X-Evil\r\nBcc", "v"), ".headers['X-Evil\\r\\nBcc']"),
    ("crlf-recipient", _set(recipients=["ok@example.com", f"{CANARY}\r\nBcc: x@y.z"]), ".recipients[1]"),
    ("lf-cc", _set(cc=[f"{CANARY}\n"]), ".cc[0]"),
    ("crlf-bcc", _set(bcc=["a@example.com", "b@example.com", f"Name\r\n <{CANARY}>"]), ".bcc[2]"),
    (
        "crlf-attachment-file-name",
        _attachments("YWxsIGNsZWFy", file_name="results\r\n.pdf"),
        ".attachments[0].fileName",
    ),
    ("no-content", _set(content=MessageContent()), ".content"),
    ("empty-content", _set(content=MessageContent(textplain="", texthtml=None)), ".content"),
    ("not-base64", _attachments(VALID_MULTILINE_BASE64, "not base64!"), ".attachments[1].content"),
    ("truncated-base64", _attachments("SGVsbG8"), ".attachments[0].content"),
    ("non-ascii-base64", _attachments("SGVsbG8=é"), ".attachments[0].content"),
]


def _single(mutate: Callable[[Message], None]) -> tuple[Callable[[], object], str]:
    bad = message()
    mutate(bad)
    return (lambda: ops.send_message_request(bad, None, None, None)), "message"


def _seventh_of_ten(mutate: Callable[[Message], None]) -> tuple[Callable[[], object], str]:
    messages = batch(10)
    mutate(messages[7])
    return (lambda: ops.send_bulk_messages_request(messages)), "messages[7]"


@pytest.mark.parametrize(("mutate", "suffix"), [r[1:] for r in MESSAGE_RULES], ids=[r[0] for r in MESSAGE_RULES])
@pytest.mark.parametrize("where", [_single, _seventh_of_ten], ids=["send_message", "bulk"])
def test_message_rules_name_the_field(
    where: Callable[[Callable[[Message], None]], tuple[Callable[[], object], str]],
    mutate: Callable[[Message], None],
    suffix: str,
) -> None:
    build, prefix = where(mutate)
    with pytest.raises(InvalidRequestError) as caught:
        build()
    field = prefix + suffix
    assert caught.value.field == field, str(caught.value)
    assert str(caught.value).startswith(f"{field}: ")
    assert isinstance(caught.value, ValueError)
    assert_private(caught.value)


OTHER_RULES: list[tuple[str, Callable[[], object], str]] = [
    ("empty-tracking-id", lambda: ops.get_message_receipt_request(""), "source_tracking_id"),
    ("blank-tracking-id", lambda: ops.get_message_receipt_request("  "), "source_tracking_id"),
    ("empty-bulk-messages", lambda: ops.send_bulk_messages_request([]), "messages"),
    ("empty-send-bulk", lambda: ops.check_batch([]), "messages"),
]


@pytest.mark.parametrize(("build", "field"), [r[1:] for r in OTHER_RULES], ids=[r[0] for r in OTHER_RULES])
def test_other_rules_name_the_field(build: Callable[[], object], field: str) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        build()
    assert caught.value.field == field


PASSING: list[tuple[str, Callable[[Message], None]]] = [
    ("100-addresses", _set(recipients=_addresses(34, "to"), cc=_addresses(33, "cc"), bcc=_addresses(33, "bcc"))),
    ("100-recipients", _set(recipients=_addresses(100, "to"))),
    ("multi-line-base64", _attachments(VALID_MULTILINE_BASE64, "YWxsIGNsZWFy", "")),
    ("html-only", _set(content=MessageContent(texthtml="<p>Hi</p>"))),
    ("display-names", _set(recipients=["Jane Doe <jane@example.com>"], cc=None, bcc=[])),
    ("tab-in-subject", _set_headers(subject="Lab\tresults")),
]


@pytest.mark.parametrize("mutate", [p[1] for p in PASSING], ids=[p[0] for p in PASSING])
def test_limits_that_still_pass(mutate: Callable[[Message], None]) -> None:
    msg = message()
    mutate(msg)
    call = ops.send_message_request(msg, None, None, None)
    assert call.request["json"]["data"]["message"] == msg.to_dict()


@pytest.mark.parametrize("chunk_size", [0, -1])
def test_send_bulk_rejects_a_bad_chunk_size(chunk_size: int) -> None:
    with pytest.raises(ValueError, match="chunk_size must be at least 1"):
        chunk_bounds(3, chunk_size)


def test_chunk_bounds() -> None:
    assert chunk_bounds(120, 50) == [(0, 50), (50, 100), (100, 120)]
    assert chunk_bounds(50, 50) == [(0, 50)]
    assert chunk_bounds(0, 50) == []


# --------------------------------------------------------------------------- success


@pytest.mark.parametrize("status", [200, 201])
def test_send_decodes_the_tracking_id(status: int) -> None:
    sent = decode("send_message", status, SENT)
    assert isinstance(sent, SentMessage)
    assert sent.id == SENT_ID and type(sent.id) is str
    assert isinstance(sent.response, SingleSendResponse)
    assert sent.response.data == "Service OK"
    assert "Service OK" not in repr(sent)  # the vendor's whole answer stays out of the repr


def test_errors_next_to_a_tracking_id_are_a_success() -> None:
    body = b'{"sourceTrackingId":"t-1","errors":[{"code":400,"title":"Bad"}]}'
    assert decode("send_message", 200, body).id == "t-1"


def test_bulk_decodes_every_item() -> None:
    body = (
        b'{"messages":[{"sourceTrackingId":"t-1","customHeaders":{"X-Custom-Header":"value"},"data":"Service OK"},'
        b'{"sourceTrackingId":"t-2","data":"Service OK"}]}'
    )
    result = decode("send_bulk_messages", 200, body)
    assert isinstance(result, BulkSendResponse)
    assert isinstance(result.messages, list)
    assert [item.source_tracking_id for item in result.messages] == ["t-1", "t-2"]


def test_receipt_decodes_the_delivery() -> None:
    result = decode("get_message_receipt", 200, RECEIPT)
    assert isinstance(result, MessageReceiptResponse)
    assert result.source_tracking_id == TRACKING_ID
    receipt = result.data.message
    assert receipt.id == "<f4a9b518-439c-497d-b87f-dfc9cc19194b@example.org>"
    delivery = receipt.message_deliveries[0]
    assert delivery.recipient == CANARY
    assert delivery.status.delivery_status == "delivered"
    assert delivery.status.opened_status is None
    assert receipt.unsubscribed is False


# --------------------------------------------------------------------------- error statuses

ERROR_CASES: list[tuple[str, int, bytes, type[APIStatusError], str]] = [
    # (id, status, body, class, the vendor's words the message must carry)
    (
        "400",
        400,
        envelope(400, "Error Title", "Description of error"),
        BadRequestError,
        "Error Title: Description of error",
    ),
    (
        "401",
        401,
        envelope(
            401,
            "Invalid Access Token",
            "Access token is missing or does not match endpoint username",
            "invalid_access_token",
        ),
        AuthenticationError,
        "Invalid Access Token: Access token is missing or does not match endpoint username",
    ),
    ("403", 403, envelope(403, "Forbidden", "Key may not send"), AuthenticationError, "Forbidden: Key may not send"),
    ("404", 404, envelope(404, "Not Found", "No such resource"), NotFoundError, "Not Found: No such resource"),
    (
        "422",
        422,
        envelope(422, "Unprocessable", "Unverified from domain"),
        BadRequestError,
        "Unprocessable: Unverified",
    ),
    ("429", 429, envelope(429, "Too Many Requests", "Slow down"), RateLimitError, "Too Many Requests: Slow down"),
    ("499", 499, envelope(499, "Client Closed", "Gone"), BadRequestError, "Client Closed: Gone"),
    ("500", 500, envelope(500, "Internal Error", "Try later"), ServerError, "Internal Error: Try later"),
    ("503", 503, envelope(503, "Unavailable", "Maintenance"), ServerError, "Unavailable: Maintenance"),
    ("520", 520, envelope(520, "Origin Error", "Unknown"), ServerError, "Origin Error: Unknown"),
]


@pytest.mark.parametrize(
    ("status", "body", "cls", "quoted"), [c[1:] for c in ERROR_CASES], ids=[c[0] for c in ERROR_CASES]
)
@pytest.mark.parametrize("call", list(CALLS))
def test_error_statuses_are_typed(call: str, status: int, body: bytes, cls: type[APIStatusError], quoted: str) -> None:
    with pytest.raises(APIStatusError) as caught:
        decode(call, status, body, {"retry-after": "7", "x-request-id": "req-1"})
    error = caught.value
    assert type(error) is cls
    assert error.status_code == status
    assert error.body == body
    assert error.headers["x-request-id"] == "req-1"
    assert type(error.error) is ErrorResponse
    assert error.error.to_dict() == json.loads(body)
    assert str(error).startswith(quoted) and str(error).endswith(f" (HTTP {status})")
    if isinstance(error, RateLimitError):
        assert error.retry_after == 7.0
    assert_private(error)


def test_receipt_404_echoes_the_tracking_id() -> None:
    with pytest.raises(NotFoundError) as caught:
        decode("get_message_receipt", 404, NOT_FOUND)
    error = caught.value
    assert error.status_code == 404 and error.body == NOT_FOUND
    assert isinstance(error.error, MessageReceiptErrorResponse)
    assert error.error.source_tracking_id == TRACKING_ID
    assert error.error.errors[0].status == "message_not_found"
    assert str(error) == "Message was not found: Message with this tracking id was not found (HTTP 404)"


def test_receipt_404_without_echoed_id_still_parses() -> None:
    body = envelope(404, "Message was not found", "Message with this tracking id was not found")
    with pytest.raises(NotFoundError) as caught:
        decode("get_message_receipt", 404, body)
    assert type(caught.value.error) is ErrorResponse
    assert str(caught.value).startswith("Message was not found: ")


@pytest.mark.parametrize(
    ("errors", "cls"),
    [
        ([{"code": 401, "title": "Invalid Access Token", "details": "Access token is missing"}], AuthenticationError),
        ([{"code": 404, "title": "Invalid Access Token", "details": "Access token is missing"}], NotFoundError),
        ([{"code": 503, "title": "Invalid Access Token", "details": "Access token is missing"}], ServerError),
        ([{"title": "Invalid Access Token", "details": "Access token is missing"}], BadRequestError),
        ([{"code": 200, "title": "Invalid Access Token", "details": "Access token is missing"}], BadRequestError),
    ],
    ids=["code-401", "code-404", "code-503", "no-code", "code-200"],
)
@pytest.mark.parametrize("call", list(CALLS))
def test_200_with_only_errors_is_not_a_success(
    call: str, errors: list[dict[str, Any]], cls: type[APIStatusError]
) -> None:
    body = json.dumps({"errors": errors, "echo": CANARY}).encode()
    with pytest.raises(APIStatusError) as caught:
        decode(call, 200, body)
    assert type(caught.value) is cls
    assert caught.value.status_code == 200
    assert isinstance(caught.value.error, ErrorResponse)
    assert str(caught.value) == "Invalid Access Token: Access token is missing (HTTP 200)"
    assert_private(caught.value)


def test_200_with_errors_of_an_unknown_shape_is_a_refusal_not_a_probable_send() -> None:
    with pytest.raises(BadRequestError) as caught:
        decode("send_message", 200, json.dumps({"errors": ["boom", CANARY]}).encode())
    assert caught.value.error is None
    assert_private(caught.value)


def test_vendor_text_echoing_the_key_is_masked() -> None:
    body = envelope(401, "Invalid Access Token", f"Authorization header was Token token={SECRET}")
    with pytest.raises(AuthenticationError) as caught:
        decode("send_message", 401, body)
    assert str(caught.value) == "Invalid Access Token: Authorization header was Token token=*** (HTTP 401)"
    assert caught.value.body == body  # the raw bytes are kept as received
    assert_private(caught.value)


# --------------------------------------------------------------------------- answers that cannot be read

_WRONG_SHAPE = {
    "send_message": b'{"customHeaders":{},"data":"Service OK","echo":"' + CANARY.encode() + b'"}',
    "send_bulk_messages": b'{"messages":[1],"echo":"' + CANARY.encode() + b'"}',
    "get_message_receipt": b'{"sourceTrackingId":"' + CANARY.encode() + b'"}',
}
_URLS = {
    "send_message": f"POST {BASE}/messages",
    "send_bulk_messages": f"POST {BASE}/bulk_messages",
    "get_message_receipt": f"GET {BASE}/message_receipt",  # without the query: it may hold an id or a recipient
}
HTML = b"<html><body><h1>502 Bad Gateway</h1>" + CANARY.encode() + b"</body></html>"

UNPARSEABLE: list[tuple[str, int, bytes | None, type[ClientError], str]] = [
    # (id, status, body (None: the call's wrong-shape 200 body), class, message start)
    ("html-502", 502, HTML, ServerError, "{where} failed"),
    ("html-404", 404, b"<html>Not Found " + CANARY.encode() + b"</html>", NotFoundError, "{where} failed"),
    ("text-520", 520, b"error code: 520 " + CANARY.encode(), ServerError, "{where} failed"),
    ("not-an-envelope-401", 401, b'["denied","' + CANARY.encode() + b'"]', AuthenticationError, "{where} failed"),
    ("truncated-200", 200, b'{"sourceTrackingId":"' + CANARY.encode(), ResponseParseError, "response body is not JSON"),
    (
        "html-200",
        200,
        b"<html>maintenance " + CANARY.encode() + b"</html>",
        ResponseParseError,
        "response body is not JSON",
    ),
    ("array-200", 200, b'["' + CANARY.encode() + b'"]', ResponseParseError, "expected a JSON object for "),
    ("wrong-shape-200", 200, None, ResponseParseError, "response does not match "),
    ("continue-100", 100, b"", ResponseParseError, "unexpected HTTP status 100"),
    ("redirect-302", 302, b"", ResponseParseError, "unexpected HTTP status 302"),
    ("not-modified-304", 304, b"", ResponseParseError, "unexpected HTTP status 304"),
    ("status-600", 600, b'{"echo":"' + CANARY.encode() + b'"}', ResponseParseError, "unexpected HTTP status 600"),
]


@pytest.mark.parametrize(
    ("status", "body", "cls", "start"), [c[1:] for c in UNPARSEABLE], ids=[c[0] for c in UNPARSEABLE]
)
@pytest.mark.parametrize("call", list(CALLS))
def test_unparseable_answers_are_typed_and_keep_the_body(
    call: str, status: int, body: bytes | None, cls: type[ClientError], start: str
) -> None:
    raw = _WRONG_SHAPE[call] if body is None else body
    headers = {"location": "https://example.org/"} if status == 302 else {}
    built = CALLS[call][0]()
    with pytest.raises(ClientError) as caught:
        CALLS[call][1](reply(built, status, raw, headers))
    error = caught.value
    assert type(error) is cls
    assert isinstance(error, APIStatusError | ResponseParseError)
    assert error.body == raw and error.status_code == status
    assert str(error).startswith(start.format(where=_URLS[call])), str(error)
    assert str(error).endswith(f"(HTTP {status})")
    if isinstance(error, APIStatusError):
        assert error.error is None
    else:
        # only a 2xx answer to a send says the message was probably accepted
        assert error.may_have_been_sent is (built.delivers and 200 <= status < 300)
        assert ("probably accepted" in str(error)) is error.may_have_been_sent
    for builtin in (KeyError, TypeError, json.JSONDecodeError):
        assert not isinstance(error, builtin)
    assert_private(error)


def test_missing_fields_are_named() -> None:
    with pytest.raises(ResponseParseError) as receipt:
        decode("get_message_receipt", 200, _WRONG_SHAPE["get_message_receipt"])
    assert str(receipt.value) == "response does not match MessageReceiptResponse: no 'data' (HTTP 200)"
    with pytest.raises(ResponseParseError) as send:
        decode("send_message", 200, _WRONG_SHAPE["send_message"])
    assert str(send.value).startswith("response does not match SingleSendResponse: no 'sourceTrackingId'")


# --------------------------------------------------------------------------- send_bulk's chunks


def _bulk_reply(items: list[dict[str, Any]], start: int, stop: int) -> Reply:
    body = json.dumps({"messages": items}).encode()
    return reply(ops.bulk_chunk_request(batch(stop), start, stop), 200, body)


def test_bulk_chunk_item_without_tracking_id_fails_that_message_only() -> None:
    items: list[dict[str, Any]] = [{"sourceTrackingId": f"id-{i}"} for i in range(50, 60)]
    items[3] = {"errors": [{"code": 400, "title": "Invalid", "details": "bad recipient"}], "echo": CANARY}
    outcomes = ops.bulk_chunk_decoder(50, 60)(_bulk_reply(items, 50, 60))
    assert outcomes[:3] == ["id-50", "id-51", "id-52"] and outcomes[4:] == [f"id-{i}" for i in range(54, 60)]
    error = outcomes[3]
    assert type(error) is BadRequestError
    assert isinstance(error.error, BulkSendResponseItem)
    assert error.status_code == 200
    assert str(error) == "message 53 was not accepted: Invalid: bad recipient (HTTP 200)"
    assert_private(error)


def test_bulk_chunk_reply_with_wrong_count_fails_that_chunk() -> None:
    items = [{"sourceTrackingId": "x", "echo": CANARY}] * 49
    chunk = _bulk_reply(items, 50, 100)
    with pytest.raises(ResponseParseError) as caught:
        ops.bulk_chunk_decoder(50, 100)(chunk)
    error = caught.value
    assert error.body == chunk.response.content and error.status_code == 200
    assert str(error).startswith("Paubox answered 49 results for 50 messages")
    assert error.may_have_been_sent is True  # a bulk send was answered 2xx
    assert_private(error)
