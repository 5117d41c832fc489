"""The Paubox overlay on the wire: exact requests, typed errors, validation, send_bulk, redaction.

Every test talks to an ``httpx.MockTransport``; nothing leaves the process. Calls run through both
``Paubox`` and ``AsyncPaubox`` (the ``flavour`` fixture).
"""

from __future__ import annotations

import ast
import asyncio
import json
import logging
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import paubox_client
import pytest
from paubox_client import (
    DEFAULT_TIMEOUT,
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AsyncPaubox,
    Attachment,
    AuthenticatedClient,
    AuthenticationError,
    BadRequestError,
    BulkChunkFailure,
    BulkSendError,
    BulkSendResponse,
    BulkSendResult,
    ClientError,
    ConfigurationError,
    ErrorResponse,
    InvalidRequestError,
    Message,
    MessageContent,
    MessageHeaders,
    MessageReceiptErrorResponse,
    MessageReceiptResponse,
    NotFoundError,
    Paubox,
    PauboxError,
    RateLimitError,
    ResponseParseError,
    RetryPolicy,
    ServerError,
    SingleSendResponse,
)
from paubox_client.api.messages import get_message_receipt, send_message
from paubox_client.models import BulkSendResponseItem, SingleSendRequest, SingleSendRequestData

ROOT = Path(__file__).resolve().parents[2]
USER = "clinic-ops"
KEY = "pbx-7f3a9c2e41d84b06a5e1c9d2"
AUTH = f"Token token={KEY}"
BASE = f"https://api.paubox.net/v1/{USER}"
NO_RETRY = RetryPolicy(max_retries=0)
TRACKING_ID = "6e1cf9a4-7bde-4834-8200-ed424b50c8a7"
SENT = b'{"sourceTrackingId":"3d38ab13-0af8-4028-bd45-52e882e0d584","customHeaders":{},"data":"Service OK"}'
SENT_ID = "3d38ab13-0af8-4028-bd45-52e882e0d584"
RECEIPT = json.dumps(
    {
        "sourceTrackingId": TRACKING_ID,
        "data": {
            "message": {
                "id": "<f4a9b518-439c-497d-b87f-dfc9cc19194b@example.org>",
                "message_deliveries": [
                    {
                        "recipient": "jane@example.com",
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

Answer = tuple[int, bytes] | tuple[int, bytes, dict[str, str]] | Exception | Callable[[httpx.Request], httpx.Response]


class Wire:
    """A MockTransport handler: records every request and answers from a script (last one repeats)."""

    def __init__(self, *answers: Answer) -> None:
        self.answers: list[Answer] = list(answers) or [(200, SENT)]
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers[min(len(self.requests), len(self.answers)) - 1]
        if isinstance(answer, Exception):
            raise answer
        if callable(answer):
            return answer(request)
        status, body, *rest = answer
        headers = {"content-type": "application/json", **(rest[0] if rest else {})}
        return httpx.Response(status, content=body, headers=headers)

    @property
    def only(self) -> httpx.Request:
        assert len(self.requests) == 1, self.requests
        return self.requests[0]


def sync_client(wire: Wire, retry: RetryPolicy | None = NO_RETRY, **kwargs: Any) -> Paubox:
    return Paubox(KEY, api_username=USER, retry=retry, transport=httpx.MockTransport(wire), **kwargs)


def async_client(wire: Wire, retry: RetryPolicy | None = NO_RETRY, **kwargs: Any) -> AsyncPaubox:
    return AsyncPaubox(KEY, api_username=USER, retry=retry, transport=httpx.MockTransport(wire), **kwargs)


async def invoke(
    flavour: str, wire: Wire, method: str, *args: Any, client_retry: RetryPolicy | None = NO_RETRY, **kwargs: Any
) -> Any:
    """Call ``method`` on a fresh sync or async client over ``wire``."""
    if flavour == "sync":
        with sync_client(wire, client_retry) as client:
            return getattr(client, method)(*args, **kwargs)
    async with async_client(wire, client_retry) as aclient:
        return await getattr(aclient, method)(*args, **kwargs)


@pytest.fixture(params=["sync", "async"])
def flavour(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PAUBOX_API_USERNAME", "PAUBOX_API_KEY", "PAUBOX_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


def message(to: str = "jane@example.com", **changes: Any) -> Message:
    msg = Message(
        recipients=[to],
        headers=MessageHeaders(subject="Lab results", from_="clinic@example.org"),
        content=MessageContent(textplain="Your results are ready."),
    )
    for name, value in changes.items():
        setattr(msg, name, value)
    return msg


def batch(count: int) -> list[Message]:
    """Messages whose first recipient is ``p<i>@example.com``, so a reply can echo their position."""
    return [message(f"p{i}@example.com") for i in range(count)]


MINIMAL_BYTES = (
    b'{"recipients":["jane@example.com"],"headers":{"subject":"Lab results","from":"clinic@example.org"},'
    b'"content":{"text/plain":"Your results are ready."}}'
)


def full_message() -> Message:
    headers = MessageHeaders(
        subject="Lab results",
        from_="Clinic <clinic@example.org>",
        reply_to="help@example.org",
        list_unsubscribe="<mailto:unsubscribe@example.org?subject=unsubscribe>",
        list_unsubscribe_post="List-Unsubscribe=One-Click",
    )
    headers["X-Campaign-Id"] = "lab-results-2026"
    return Message(
        recipients=["jane@example.com", "Recipient Name <recipient2@example.com>"],
        cc=["Zoë <zoe@example.com>"],
        bcc=["audit@example.org"],
        headers=headers,
        content=MessageContent(textplain="Your results are ready.", texthtml="<p>Your results are ready.</p>"),
        attachments=[Attachment(file_name="results.txt", content_type="text/plain", content="YWxsIGNsZWFy")],
        allow_non_tls=False,
        force_secure_notification=True,
    )


FULL_BYTES = (
    b'{"data":{"message":{"recipients":["jane@example.com","Recipient Name <recipient2@example.com>"],'
    b'"headers":{"X-Campaign-Id":"lab-results-2026","subject":"Lab results","from":"Clinic <clinic@example.org>",'
    b'"reply-to":"help@example.org","List-Unsubscribe":"<mailto:unsubscribe@example.org?subject=unsubscribe>",'
    b'"List-Unsubscribe-Post":"List-Unsubscribe=One-Click"},'
    b'"content":{"text/plain":"Your results are ready.","text/html":"<p>Your results are ready.</p>"},'
    b'"cc":["Zo\xc3\xab <zoe@example.com>"],"bcc":["audit@example.org"],'
    b'"attachments":[{"fileName":"results.txt","contentType":"text/plain","content":"YWxsIGNsZWFy"}],'
    b'"allowNonTLS":false,"forceSecureNotification":true},'
    b'"override_open_tracking":true,"override_link_tracking":false,"unsubscribe_url":"https://example.org/unsubscribe"}}'
)


def echo_ids(request: httpx.Request) -> httpx.Response:
    """A bulk reply whose ids are derived from the request body: ``id-p<i>`` for ``p<i>@example.com``."""
    messages = json.loads(request.content)["data"]["messages"]
    items = [{"sourceTrackingId": "id-" + m["recipients"][0].split("@")[0], "data": "Service OK"} for m in messages]
    return httpx.Response(200, json={"messages": items})


def first_position(request: httpx.Request) -> int:
    """Input position of the first message in a bulk request."""
    first: str = json.loads(request.content)["data"]["messages"][0]["recipients"][0]
    return int(first[1:].split("@")[0])


def chunk_sizes(wire: Wire) -> list[int]:
    return [len(json.loads(r.content)["data"]["messages"]) for r in wire.requests]


def ids(start: int, stop: int) -> list[str | None]:
    return [f"id-p{i}" for i in range(start, stop)]


def assert_no_key(*objects: object) -> None:
    for obj in objects:
        for text in (str(obj), repr(obj)):
            assert KEY not in text and f"token={KEY}" not in text, text


def envelope(code: int, title: str, details: str, status: str | None = None) -> bytes:
    error: dict[str, Any] = {"code": code, "title": title, "details": details}
    if status is not None:
        error["status"] = status
    return json.dumps({"errors": [error]}, separators=(",", ":")).encode()


# --------------------------------------------------------------------------- the calls on the wire


async def test_send_message_exact_request(flavour: str) -> None:
    wire = Wire((200, SENT))
    result = await invoke(
        flavour,
        wire,
        "send_message",
        full_message(),
        override_open_tracking=True,
        override_link_tracking=False,
        unsubscribe_url="https://example.org/unsubscribe",
    )
    request = wire.only
    assert request.method == "POST"
    assert str(request.url) == f"{BASE}/messages"
    assert request.headers["authorization"] == AUTH
    assert request.headers["content-type"] == "application/json"
    assert request.content == FULL_BYTES
    assert isinstance(result, SingleSendResponse)
    assert result.source_tracking_id == SENT_ID
    assert result.data == "Service OK"


async def test_send_message_minimal_sends_no_nulls(flavour: str) -> None:
    wire = Wire((200, SENT))
    await invoke(flavour, wire, "send_message", message())
    assert wire.only.content == b'{"data":{"message":' + MINIMAL_BYTES + b"}}"
    assert b"null" not in wire.only.content
    assert b"override" not in wire.only.content and b"unsubscribe_url" not in wire.only.content


async def test_send_bulk_messages_exact_request(flavour: str) -> None:
    reply = (
        b'{"messages":[{"sourceTrackingId":"t-1","customHeaders":{"X-Custom-Header":"value"},"data":"Service OK"},'
        b'{"sourceTrackingId":"t-2","data":"Service OK"}]}'
    )
    wire = Wire((200, reply))
    result = await invoke(flavour, wire, "send_bulk_messages", [message(), message()])
    request = wire.only
    assert (request.method, str(request.url)) == ("POST", f"{BASE}/bulk_messages")
    assert request.headers["authorization"] == AUTH
    assert request.headers["content-type"] == "application/json"
    assert request.content == b'{"data":{"messages":[' + MINIMAL_BYTES + b"," + MINIMAL_BYTES + b"]}}"
    assert isinstance(result, BulkSendResponse)
    assert isinstance(result.messages, list)
    assert [item.source_tracking_id for item in result.messages] == ["t-1", "t-2"]


async def test_get_message_receipt_exact_request(flavour: str) -> None:
    wire = Wire((200, RECEIPT))
    result = await invoke(flavour, wire, "get_message_receipt", TRACKING_ID)
    request = wire.only
    assert request.method == "GET"
    assert str(request.url) == f"{BASE}/message_receipt?sourceTrackingId={TRACKING_ID}"
    assert request.headers["authorization"] == AUTH
    assert request.content == b""
    assert isinstance(result, MessageReceiptResponse)
    assert result.source_tracking_id == TRACKING_ID
    receipt = result.data.message
    assert receipt.id == "<f4a9b518-439c-497d-b87f-dfc9cc19194b@example.org>"
    delivery = receipt.message_deliveries[0]
    assert delivery.recipient == "jane@example.com"
    assert delivery.status.delivery_status == "delivered"
    assert delivery.status.opened_status is None
    assert receipt.unsubscribed is False


async def test_receipt_id_is_query_encoded(flavour: str) -> None:
    wire = Wire((200, RECEIPT))
    await invoke(flavour, wire, "get_message_receipt", "id with space&x=1")
    assert wire.only.url.query == b"sourceTrackingId=id+with+space%26x%3D1"
    assert wire.only.url.params["sourceTrackingId"] == "id with space&x=1"


async def test_generated_functions_share_auth_through_client_dot_client() -> None:
    body = SingleSendRequest(data=SingleSendRequestData(message=message()))
    wire = Wire((200, SENT))
    with sync_client(wire) as paubox:
        assert isinstance(paubox.client, AuthenticatedClient)
        parsed = send_message.sync(client=paubox.client, body=body)
    assert isinstance(parsed, SingleSendResponse) and parsed.source_tracking_id == SENT_ID
    assert wire.only.headers["authorization"] == AUTH
    assert str(wire.only.url) == f"{BASE}/messages"
    wire = Wire((404, NOT_FOUND))
    async with async_client(wire) as apaubox:
        response = await get_message_receipt.asyncio_detailed(client=apaubox.client, source_tracking_id=TRACKING_ID)
    assert response.status_code == 404  # the generated functions return error models instead of raising
    assert isinstance(response.parsed, MessageReceiptErrorResponse)
    assert wire.only.headers["authorization"] == AUTH


async def test_per_call_timeout_and_default_timeout(flavour: str) -> None:
    wire = Wire((200, SENT), (200, SENT))
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
    assert (DEFAULT_TIMEOUT.connect, DEFAULT_TIMEOUT.read) == (5.0, 30.0)
    assert per_call == {"connect": 2.5, "read": 2.5, "write": 2.5, "pool": 2.5}


def test_client_timeout_and_retry_defaults_and_overrides() -> None:
    with Paubox(KEY, api_username=USER) as default:
        assert default.timeout == DEFAULT_TIMEOUT
        assert default.retry == RetryPolicy()
        assert default.retry.max_retries == 2 and default.retry.retry_sends is False
    wire = Wire()
    policy = RetryPolicy(max_retries=5)
    with sync_client(wire, policy, timeout=httpx.Timeout(60.0, connect=3.0)) as client:
        assert client.retry is policy
        client.send_message(message())
    assert wire.only.extensions["timeout"] == {"connect": 3.0, "read": 60.0, "write": 60.0, "pool": 60.0}


# --------------------------------------------------------------------------- configuration


@pytest.mark.parametrize("cls", [Paubox, AsyncPaubox])
def test_base_url_from_quoted_username(cls: type[Any]) -> None:
    client = cls(KEY, api_username="clinic ops/1")
    assert client.base_url == "https://api.paubox.net/v1/clinic%20ops%2F1"
    assert client.client._base_url == client.base_url


async def test_username_is_quoted_on_the_wire(flavour: str) -> None:
    wire = Wire()
    if flavour == "sync":
        with Paubox(KEY, api_username="a b", retry=NO_RETRY, transport=httpx.MockTransport(wire)) as client:
            client.send_message(message())
    else:
        async with AsyncPaubox(KEY, api_username="a b", retry=NO_RETRY, transport=httpx.MockTransport(wire)) as aclient:
            await aclient.send_message(message())
    assert str(wire.only.url) == "https://api.paubox.net/v1/a%20b/messages"


@pytest.mark.parametrize("cls", [Paubox, AsyncPaubox])
def test_base_url_template_argument(cls: type[Any]) -> None:
    client = cls(KEY, api_username=USER, base_url="http://127.0.0.1:8025/paubox/v1/{api_username}/")
    assert client.base_url == f"http://127.0.0.1:8025/paubox/v1/{USER}"


async def test_configuration_from_environment(monkeypatch: pytest.MonkeyPatch, flavour: str) -> None:
    monkeypatch.setenv("PAUBOX_API_USERNAME", "env user")
    monkeypatch.setenv("PAUBOX_API_KEY", KEY)
    monkeypatch.setenv("PAUBOX_BASE_URL", "http://127.0.0.1:8025/paubox/v1/{api_username}")
    wire = Wire()
    if flavour == "sync":
        with Paubox(retry=NO_RETRY, transport=httpx.MockTransport(wire)) as client:
            client.send_message(message())
    else:
        async with AsyncPaubox(retry=NO_RETRY, transport=httpx.MockTransport(wire)) as aclient:
            await aclient.send_message(message())
    assert str(wire.only.url) == "http://127.0.0.1:8025/paubox/v1/env%20user/messages"
    assert wire.only.headers["authorization"] == AUTH


def test_arguments_win_over_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAUBOX_API_USERNAME", "env-user")
    monkeypatch.setenv("PAUBOX_API_KEY", "env-key-0000000000")
    monkeypatch.setenv("PAUBOX_BASE_URL", "http://127.0.0.1:8025/paubox/v1/{api_username}")
    wire = Wire()
    with Paubox(
        KEY,
        api_username=USER,
        base_url="https://api.paubox.net/v1/{api_username}",
        retry=NO_RETRY,
        transport=httpx.MockTransport(wire),
    ) as client:
        client.send_message(message())
    assert str(wire.only.url) == f"{BASE}/messages"
    assert wire.only.headers["authorization"] == AUTH


def test_base_url_without_placeholder_needs_no_username() -> None:
    wire = Wire()
    with Paubox(
        api_key=KEY, base_url="https://api.paubox.com/v1/email", retry=NO_RETRY, transport=httpx.MockTransport(wire)
    ) as client:
        client.send_message(message())
    assert str(wire.only.url) == "https://api.paubox.com/v1/email/messages"


MISSING = [
    ("api_username", "PAUBOX_API_USERNAME", {"api_key": KEY, "base_url": "https://api.paubox.net/v1/{api_username}"}),
    ("api_key", "PAUBOX_API_KEY", {"api_username": USER}),
]


@pytest.mark.parametrize("cls", [Paubox, AsyncPaubox])
@pytest.mark.parametrize(("argument", "env", "given"), MISSING, ids=[m[0] for m in MISSING])
def test_missing_setting_names_argument_and_env_var(
    monkeypatch: pytest.MonkeyPatch, cls: type[Any], argument: str, env: str, given: dict[str, str]
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        cls(**given)
    text = str(caught.value)
    assert text == f"missing {argument}: pass {argument}=... or set the {env} environment variable"
    assert isinstance(caught.value, ClientError) and isinstance(caught.value, ValueError)
    assert_no_key(caught.value)
    monkeypatch.setenv(env, "   ")  # blank counts as missing
    with pytest.raises(ConfigurationError, match=env):
        cls(**given)


@pytest.mark.parametrize("cls", [Paubox, AsyncPaubox])
def test_nothing_configured_names_the_first_missing_setting(cls: type[Any]) -> None:
    with pytest.raises(ConfigurationError, match="PAUBOX_API_KEY"):
        cls()


# --------------------------------------------------------------------------- error mapping

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
    (
        "404",
        404,
        envelope(404, "Not Found", "No such resource"),
        NotFoundError,
        "Not Found: No such resource",
    ),
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

CALLS: dict[str, tuple[tuple[Any, ...], str, str]] = {
    # call: (args, method, URL without query)
    "send_message": ((message(),), "POST", f"{BASE}/messages"),
    "send_bulk_messages": (([message()],), "POST", f"{BASE}/bulk_messages"),
    "get_message_receipt": ((TRACKING_ID,), "GET", f"{BASE}/message_receipt"),
}


@pytest.mark.parametrize(
    ("status", "body", "cls", "quoted"), [c[1:] for c in ERROR_CASES], ids=[c[0] for c in ERROR_CASES]
)
@pytest.mark.parametrize("call", list(CALLS))
async def test_error_statuses_are_typed(
    flavour: str, call: str, status: int, body: bytes, cls: type[APIStatusError], quoted: str
) -> None:
    wire = Wire((status, body, {"retry-after": "7"}))
    with pytest.raises(APIStatusError) as caught:
        # the client keeps its default policy (which would retry 429/503): the per-call one says no
        await invoke(flavour, wire, call, *CALLS[call][0], client_retry=None, retry=NO_RETRY)
    error = caught.value
    assert type(error) is cls
    assert len(wire.requests) == 1
    assert error.status_code == status
    assert error.body == body
    assert error.headers["retry-after"] == "7"
    assert type(error.error) is ErrorResponse
    assert error.error.to_dict() == json.loads(body)
    assert str(error).startswith(quoted) and str(error).endswith(f" (HTTP {status})")
    assert isinstance(error, PauboxError)
    if isinstance(error, RateLimitError):
        assert error.retry_after == 7.0
    assert_no_key(error)


async def test_receipt_404_echoes_the_tracking_id(flavour: str) -> None:
    wire = Wire((404, NOT_FOUND))
    with pytest.raises(NotFoundError) as caught:
        await invoke(flavour, wire, "get_message_receipt", TRACKING_ID)
    error = caught.value
    assert error.status_code == 404 and error.body == NOT_FOUND
    assert isinstance(error.error, MessageReceiptErrorResponse)
    assert error.error.source_tracking_id == TRACKING_ID
    assert error.error.errors[0].status == "message_not_found"
    assert str(error) == "Message was not found: Message with this tracking id was not found (HTTP 404)"
    assert_no_key(error)


async def test_receipt_404_without_echoed_id_still_parses(flavour: str) -> None:
    body = envelope(404, "Message was not found", "Message with this tracking id was not found")
    with pytest.raises(NotFoundError) as caught:
        await invoke(flavour, Wire((404, body)), "get_message_receipt", TRACKING_ID)
    assert type(caught.value.error) is ErrorResponse
    assert str(caught.value).startswith("Message was not found: ")


def _wrong_shape(call: str) -> bytes:
    return {
        "send_message": b'{"customHeaders":{},"data":"Service OK"}',
        "send_bulk_messages": b'{"messages":[1]}',
        "get_message_receipt": b'{"sourceTrackingId":"' + TRACKING_ID.encode() + b'"}',
    }[call]


UNPARSEABLE: list[tuple[str, int, bytes | None, type[ClientError], str]] = [
    # (id, status, body (None: the call's wrong-shape 200 body), class, message start)
    ("html-502", 502, b"<html><body><h1>502 Bad Gateway</h1></body></html>", ServerError, "{method} {url} failed"),
    ("html-404", 404, b"<html>Not Found</html>", NotFoundError, "{method} {url} failed"),
    ("text-520", 520, b"error code: 520", ServerError, "{method} {url} failed"),
    ("not-an-envelope-401", 401, b'["denied"]', AuthenticationError, "{method} {url} failed"),
    ("truncated-200", 200, b'{"sourceTrackingId":"3d38ab13-0af8', ResponseParseError, "response body is not JSON"),
    ("html-200", 200, b"<html>maintenance</html>", ResponseParseError, "response body is not JSON"),
    ("array-200", 200, b"[]", ResponseParseError, "expected a JSON object for "),
    ("wrong-shape-200", 200, None, ResponseParseError, "response does not match "),
    ("redirect-302", 302, b"", ResponseParseError, "unexpected HTTP status 302"),
    ("not-modified-304", 304, b"", ResponseParseError, "unexpected HTTP status 304"),
    ("status-600", 600, b"{}", ResponseParseError, "unexpected HTTP status 600"),
]


@pytest.mark.parametrize(
    ("status", "body", "cls", "start"), [c[1:] for c in UNPARSEABLE], ids=[c[0] for c in UNPARSEABLE]
)
@pytest.mark.parametrize("call", list(CALLS))
async def test_unparseable_answers_are_typed_and_keep_the_body(
    flavour: str, call: str, status: int, body: bytes | None, cls: type[ClientError], start: str
) -> None:
    raw = _wrong_shape(call) if body is None else body
    headers = {"location": "https://example.org/"} if status == 302 else {}
    wire = Wire((status, raw, headers))
    with pytest.raises(ClientError) as caught:
        await invoke(flavour, wire, call, *CALLS[call][0], client_retry=None, retry=NO_RETRY)
    error = caught.value
    assert type(error) is cls
    assert len(wire.requests) == 1  # a redirect is not followed
    assert isinstance(error, APIStatusError | ResponseParseError)
    assert error.body == raw and error.status_code == status
    _, method, url = CALLS[call]
    assert str(error).startswith(start.format(method=method, url=url)), str(error)
    if isinstance(error, APIStatusError):
        assert error.error is None
        assert str(error).endswith(f"(HTTP {status})")
    else:
        assert f"(HTTP {status}, body starts " in str(error)
    for builtin in (KeyError, TypeError, json.JSONDecodeError):
        assert not isinstance(error, builtin)
    assert_no_key(error)


async def test_receipt_missing_data_names_the_missing_key(flavour: str) -> None:
    with pytest.raises(ResponseParseError) as caught:
        await invoke(flavour, Wire((200, _wrong_shape("get_message_receipt"))), "get_message_receipt", TRACKING_ID)
    assert str(caught.value).startswith("response does not match MessageReceiptResponse: KeyError: 'data'")


@pytest.mark.parametrize("call", list(CALLS))
async def test_200_with_only_errors_is_not_a_success(flavour: str, call: str) -> None:
    body = envelope(401, "Invalid Access Token", "Access token is missing")
    with pytest.raises(AuthenticationError) as caught:
        await invoke(flavour, Wire((200, body)), call, *CALLS[call][0])
    assert caught.value.status_code == 200
    assert isinstance(caught.value.error, ErrorResponse)
    assert str(caught.value) == "Invalid Access Token: Access token is missing (HTTP 200)"


async def test_vendor_text_echoing_the_key_is_masked(flavour: str) -> None:
    body = envelope(401, "Invalid Access Token", f"Authorization header was Token token={KEY}")
    with pytest.raises(AuthenticationError) as caught:
        await invoke(flavour, Wire((401, body)), "send_message", message())
    assert str(caught.value) == "Invalid Access Token: Authorization header was Token token=*** (HTTP 401)"
    assert caught.value.body == body  # the raw bytes are kept as received
    assert_no_key(caught.value)


TRANSPORT_FAILURES: list[tuple[str, Exception, type[APIConnectionError], bool]] = [
    ("connect-error", httpx.ConnectError(f"connection refused (Token token={KEY})"), APIConnectionError, False),
    ("connect-timeout", httpx.ConnectTimeout("connect timed out"), APITimeoutError, False),
    ("read-timeout", httpx.ReadTimeout(f"read timed out; key {KEY}"), APITimeoutError, True),
    ("dropped", httpx.RemoteProtocolError("Server disconnected without sending a response."), APIConnectionError, True),
]


@pytest.mark.parametrize(
    ("failure", "cls", "may_have_been_sent"),
    [c[1:] for c in TRANSPORT_FAILURES],
    ids=[c[0] for c in TRANSPORT_FAILURES],
)
async def test_transport_failures_are_typed(
    flavour: str, failure: Exception, cls: type[APIConnectionError], may_have_been_sent: bool
) -> None:
    wire = Wire(failure)
    with pytest.raises(APIConnectionError) as caught:
        await invoke(flavour, wire, "send_message", message())
    error = caught.value
    assert type(error) is cls
    assert error.may_have_been_sent is may_have_been_sent
    assert (error.method, error.url) == ("POST", f"{BASE}/messages")
    assert_no_key(error)


# --------------------------------------------------------------------------- retries (MockTransport level)

FAST = RetryPolicy(backoff_base=0)


async def test_post_retried_after_503_and_connect_error(flavour: str) -> None:
    wire = Wire((503, b"{}"), httpx.ConnectError("refused"), (200, SENT))
    result = await invoke(flavour, wire, "send_message", message(), client_retry=FAST)
    assert result.source_tracking_id == SENT_ID
    assert len(wire.requests) == 3


@pytest.mark.parametrize(
    "answer", [(500, b"{}"), httpx.ReadTimeout("slow"), httpx.RemoteProtocolError("dropped")], ids=str
)
async def test_post_not_resent_once_it_may_have_arrived(flavour: str, answer: Answer) -> None:
    wire = Wire(answer, (200, SENT))
    with pytest.raises(ClientError):
        await invoke(flavour, wire, "send_message", message(), client_retry=FAST)
    assert len(wire.requests) == 1
    opted_in = Wire(answer, (200, SENT))
    result = await invoke(
        flavour, opted_in, "send_message", message(), retry=RetryPolicy(backoff_base=0, retry_sends=True)
    )
    assert result.source_tracking_id == SENT_ID and len(opted_in.requests) == 2


async def test_receipt_get_retried_after_500(flavour: str) -> None:
    wire = Wire((500, b"{}"), (200, RECEIPT))
    result = await invoke(flavour, wire, "get_message_receipt", TRACKING_ID, client_retry=FAST)
    assert result.source_tracking_id == TRACKING_ID and len(wire.requests) == 2


async def test_per_call_retry_policy_wins(flavour: str) -> None:
    wire = Wire((503, b"{}"))
    with pytest.raises(ServerError):
        await invoke(flavour, wire, "send_message", message(), client_retry=FAST)
    assert len(wire.requests) == 3  # the default: two retries
    wire = Wire((503, b"{}"))
    with pytest.raises(ServerError):
        await invoke(flavour, wire, "send_message", message(), client_retry=FAST, retry=NO_RETRY)
    assert len(wire.requests) == 1


async def test_long_retry_after_is_handed_to_the_caller(flavour: str) -> None:
    wire = Wire((429, envelope(429, "Too Many Requests", "Slow down"), {"retry-after": "120"}))
    with pytest.raises(RateLimitError) as caught:
        await invoke(flavour, wire, "send_message", message(), client_retry=FAST)
    assert len(wire.requests) == 1  # 120 s is over max_retry_after (60 s): no blocking
    assert caught.value.retry_after == 120.0


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
    ("crlf-subject", _set_headers(subject="Hi\r\nBcc: evil@example.com"), ".headers.subject"),
    ("lf-subject", _set_headers(subject="Hi\nthere"), ".headers.subject"),
    ("cr-from", _set_headers(from_="clinic@example.org\r"), ".headers.from"),
    ("crlf-reply-to", _set_headers(reply_to="help@example.org\r\nX: y"), ".headers.reply-to"),
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
    ("crlf-x-header-value", _x_header("X-Campaign-Id", "a\r\nBcc: evil@example.com"), ".headers['X-Campaign-Id']"),
    ("crlf-x-header-name", _x_header("X-Evil\r\nBcc", "v"), ".headers['X-Evil\\r\\nBcc']"),
    ("crlf-recipient", _set(recipients=["ok@example.com", "jane@example.com\r\nBcc: x@y.z"]), ".recipients[1]"),
    ("lf-cc", _set(cc=["cc@example.com\n"]), ".cc[0]"),
    ("crlf-bcc", _set(bcc=["a@example.com", "b@example.com", "Name\r\n <c@example.com>"]), ".bcc[2]"),
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


@pytest.mark.parametrize(("mutate", "suffix"), [r[1:] for r in MESSAGE_RULES], ids=[r[0] for r in MESSAGE_RULES])
@pytest.mark.parametrize("call", ["send_message", "send_bulk_messages", "send_bulk"])
async def test_message_rules_name_the_field_and_send_nothing(
    flavour: str, call: str, mutate: Callable[[Message], None], suffix: str
) -> None:
    wire = Wire()
    if call == "send_message":
        bad = message()
        mutate(bad)
        args: tuple[Any, ...] = (bad,)
        field = "message" + suffix
    else:
        messages = batch(120 if call == "send_bulk" else 10)
        mutate(messages[7])
        args = (messages,)
        field = "messages[7]" + suffix
    with pytest.raises(InvalidRequestError) as caught:
        await invoke(flavour, wire, call, *args)
    assert caught.value.field == field, str(caught.value)
    assert str(caught.value).startswith(f"{field}: ")
    assert wire.requests == []  # not one request, not even the chunks before the bad message


OTHER_RULES: list[tuple[str, str, tuple[Any, ...], str]] = [
    ("empty-tracking-id", "get_message_receipt", ("",), "source_tracking_id"),
    ("blank-tracking-id", "get_message_receipt", ("  ",), "source_tracking_id"),
    ("empty-bulk-messages", "send_bulk_messages", ([],), "messages"),
    ("empty-send-bulk", "send_bulk", ([],), "messages"),
]


@pytest.mark.parametrize(("call", "args", "field"), [r[1:] for r in OTHER_RULES], ids=[r[0] for r in OTHER_RULES])
async def test_other_rules_name_the_field_and_send_nothing(
    flavour: str, call: str, args: tuple[Any, ...], field: str
) -> None:
    wire = Wire()
    with pytest.raises(InvalidRequestError) as caught:
        await invoke(flavour, wire, call, *args)
    assert caught.value.field == field
    assert wire.requests == []


PASSING: list[tuple[str, Callable[[Message], None]]] = [
    ("100-addresses", _set(recipients=_addresses(34, "to"), cc=_addresses(33, "cc"), bcc=_addresses(33, "bcc"))),
    ("100-recipients", _set(recipients=_addresses(100, "to"))),
    ("multi-line-base64", _attachments(VALID_MULTILINE_BASE64, "YWxsIGNsZWFy", "")),
    ("html-only", _set(content=MessageContent(texthtml="<p>Hi</p>"))),
    ("display-names", _set(recipients=["Jane Doe <jane@example.com>"], cc=None, bcc=[])),
    ("tab-in-subject", _set_headers(subject="Lab\tresults")),
]


@pytest.mark.parametrize("mutate", [p[1] for p in PASSING], ids=[p[0] for p in PASSING])
async def test_limits_that_still_pass(flavour: str, mutate: Callable[[Message], None]) -> None:
    msg = message()
    mutate(msg)
    wire = Wire()
    await invoke(flavour, wire, "send_message", msg)
    assert json.loads(wire.only.content)["data"]["message"] == msg.to_dict()


# --------------------------------------------------------------------------- send_bulk


async def test_send_bulk_chunks_of_50_in_input_order(flavour: str) -> None:
    wire = Wire(echo_ids)
    result = await invoke(flavour, wire, "send_bulk", batch(120))
    assert isinstance(result, BulkSendResult)
    assert chunk_sizes(wire) == [50, 50, 20]
    assert [first_position(r) for r in wire.requests] == [0, 50, 100]
    assert all((r.method, str(r.url)) == ("POST", f"{BASE}/bulk_messages") for r in wire.requests)
    assert all(r.headers["authorization"] == AUTH for r in wire.requests)
    assert result.tracking_ids == ids(0, 120)
    assert result.ok and result.failures == [] and result.accepted == list(range(120))


async def test_send_bulk_chunk_size_and_any_iterable(flavour: str) -> None:
    wire = Wire(echo_ids)
    result = await invoke(flavour, wire, "send_bulk", iter(batch(100)), chunk_size=30)
    assert chunk_sizes(wire) == [30, 30, 30, 10]
    assert result.tracking_ids == ids(0, 100)
    wire = Wire(echo_ids)
    result = await invoke(flavour, wire, "send_bulk", batch(50))
    assert chunk_sizes(wire) == [50]


@pytest.mark.parametrize("chunk_size", [0, -1])
async def test_send_bulk_rejects_a_bad_chunk_size(flavour: str, chunk_size: int) -> None:
    wire = Wire(echo_ids)
    with pytest.raises(ValueError, match="chunk_size must be at least 1"):
        await invoke(flavour, wire, "send_bulk", batch(3), chunk_size=chunk_size)
    assert wire.requests == []


def _fail_chunk(start: int, answer: httpx.Response) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        return answer if first_position(request) == start else echo_ids(request)

    return handler


async def test_send_bulk_partial_failure_keeps_every_accepted_id(flavour: str) -> None:
    body = envelope(500, "Internal Error", "Try later")
    wire = Wire(_fail_chunk(50, httpx.Response(500, content=body)))
    with pytest.raises(BulkSendError) as caught:
        await invoke(flavour, wire, "send_bulk", batch(120))
    assert len(wire.requests) == 3
    result = caught.value.result
    assert result.tracking_ids == ids(0, 50) + [None] * 50 + ids(100, 120)
    assert result.accepted == [*range(50), *range(100, 120)]
    assert not result.ok
    [failure] = result.failures
    assert (failure.start, failure.stop, failure.sent) == (50, 100, True)
    assert isinstance(failure.error, ServerError)
    assert failure.error.status_code == 500 and failure.error.body == body
    assert str(caught.value) == (
        "50 of 120 messages were not accepted in 1 chunk(s); "
        "first failure (messages 50-99): Internal Error: Try later (HTTP 500)"
    )
    assert isinstance(caught.value, PauboxError)
    assert_no_key(caught.value, failure.error)


async def test_send_bulk_item_without_tracking_id_fails_that_message_only(flavour: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        reply = json.loads(echo_ids(request).content)
        if first_position(request) == 0:
            reply["messages"][3] = {"errors": [{"code": 400, "title": "Invalid", "details": "bad recipient"}]}
        return httpx.Response(200, json=reply)

    wire = Wire(handler)
    with pytest.raises(BulkSendError) as caught:
        await invoke(flavour, wire, "send_bulk", batch(60))
    result = caught.value.result
    assert result.tracking_ids == [*ids(0, 3), None, *ids(4, 60)]
    [failure] = result.failures
    assert (failure.start, failure.stop, failure.sent) == (3, 4, True)
    error = failure.error
    assert type(error) is BadRequestError
    assert isinstance(error.error, BulkSendResponseItem)
    assert error.status_code == 200
    assert json.loads(error.body)["messages"][3]["errors"][0]["details"] == "bad recipient"
    assert str(error) == "message 3 was not accepted: Invalid: bad recipient (HTTP 200)"


async def test_send_bulk_reply_with_wrong_count_fails_that_chunk(flavour: str) -> None:
    short = b'{"messages":[' + b",".join([b'{"sourceTrackingId":"x"}'] * 49) + b"]}"
    wire = Wire(_fail_chunk(50, httpx.Response(200, content=short)))
    with pytest.raises(BulkSendError) as caught:
        await invoke(flavour, wire, "send_bulk", batch(120))
    result = caught.value.result
    assert result.tracking_ids == ids(0, 50) + [None] * 50 + ids(100, 120)
    [failure] = result.failures
    assert (failure.start, failure.stop) == (50, 100)
    assert type(failure.error) is ResponseParseError
    assert failure.error.body == short and failure.error.status_code == 200
    assert str(failure.error).startswith("Paubox answered 49 results for 50 messages (HTTP 200, body starts ")


async def test_send_bulk_stops_after_an_authentication_failure(flavour: str) -> None:
    body = envelope(401, "Invalid Access Token", "Access token is missing or does not match endpoint username")
    wire = Wire((401, body))
    kwargs: dict[str, Any] = {"concurrency": 1} if flavour == "async" else {}
    with pytest.raises(BulkSendError) as caught:
        await invoke(flavour, wire, "send_bulk", batch(120), **kwargs)
    assert len(wire.requests) == 1
    result = caught.value.result
    assert result.tracking_ids == [None] * 120
    assert [(f.start, f.stop, f.sent) for f in result.failures] == [(0, 50, True), (50, 100, False), (100, 120, False)]
    first = result.failures[0].error
    assert isinstance(first, AuthenticationError)
    assert all(f.error is first for f in result.failures)
    assert_no_key(caught.value)


async def test_send_bulk_keeps_going_after_other_errors(flavour: str) -> None:
    wire = Wire((400, envelope(400, "Bad", "x")), (503, b"{}"), echo_ids)
    kwargs: dict[str, Any] = {"concurrency": 1} if flavour == "async" else {}
    with pytest.raises(BulkSendError) as caught:
        await invoke(flavour, wire, "send_bulk", batch(120), **kwargs)
    assert len(wire.requests) == 3
    result = caught.value.result
    assert [(f.start, f.stop, type(f.error)) for f in result.failures] == [
        (0, 50, BadRequestError),
        (50, 100, ServerError),
    ]
    assert result.tracking_ids == [None] * 100 + ids(100, 120)


@pytest.mark.parametrize("concurrency", [1, 3])
async def test_async_send_bulk_bounds_requests_in_flight(concurrency: int) -> None:
    in_flight = 0
    peak = 0

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        for _ in range(20 - first_position(request) // 5):  # later chunks finish first
            await asyncio.sleep(0)
        in_flight -= 1
        return echo_ids(request)

    transport = httpx.MockTransport(handler)
    async with AsyncPaubox(KEY, api_username=USER, retry=NO_RETRY, transport=transport) as client:
        result = await client.send_bulk(batch(100), chunk_size=5, concurrency=concurrency)
    assert peak == concurrency
    assert in_flight == 0
    assert result.tracking_ids == ids(0, 100)


async def test_async_send_bulk_rejects_zero_concurrency() -> None:
    wire = Wire(echo_ids)
    async with async_client(wire) as client:
        with pytest.raises(ValueError, match="concurrency must be at least 1"):
            await client.send_bulk(batch(3), concurrency=0)
    assert wire.requests == []


def test_bulk_result_types() -> None:
    error = ServerError("boom", status_code=500, error=None, body=b"", headers={})
    result = BulkSendResult(["a", None], [BulkChunkFailure(1, 2, error)])
    assert result.accepted == [0] and not result.ok
    assert BulkSendResult(["a"]).ok
    assert str(BulkSendError(result)).startswith("1 of 2 messages were not accepted in 1 chunk(s)")


# --------------------------------------------------------------------------- redaction


async def test_reprs_never_show_the_key() -> None:
    with sync_client(Wire()) as client:
        texts = [repr(client), str(client), repr(client.client), str(client.client)]
    async with async_client(Wire()) as aclient:
        texts += [repr(aclient), str(aclient), repr(aclient.client), str(aclient.client)]
    assert_no_key(*texts)
    assert repr(client) == f"Paubox(base_url='{BASE}', auth='Authorization: Token token=***')"
    assert repr(aclient) == f"AsyncPaubox(base_url='{BASE}', auth='Authorization: Token token=***')"


async def test_logs_never_show_the_key(flavour: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    await invoke(flavour, Wire((200, SENT)), "send_message", message())
    await invoke(flavour, Wire((200, RECEIPT)), "get_message_receipt", TRACKING_ID)
    assert "HTTP Request: POST https://api.paubox.net/v1/clinic-ops/messages" in caplog.text
    assert KEY not in caplog.text and f"token={KEY}" not in caplog.text
    for record in caplog.records:
        assert KEY not in record.getMessage()


async def test_retried_send_logs_never_show_the_key(flavour: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    wire = Wire((503, envelope(503, "Unavailable", f"key {KEY}")), (200, SENT))
    result = await invoke(flavour, wire, "send_message", message(), retry=RetryPolicy(max_retries=1, backoff_base=0))
    assert result.source_tracking_id == SENT_ID
    assert len(wire.requests) == 2
    assert f"retrying POST {BASE}/messages after HTTP 503 (retry 1 of 1)" in caplog.text
    assert KEY not in caplog.text


# --------------------------------------------------------------------------- package surface

INIT = ROOT / "overlays" / "paubox" / "__init__.py"


def test_public_names_are_consistent() -> None:
    tree = ast.parse(INIT.read_text(encoding="utf-8"))
    typed: set[str] = set()
    tables: dict[str, Any] = {}
    exported: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for stmt in node.body:
                if isinstance(stmt, ast.ImportFrom):
                    typed.update(alias.asname or alias.name for alias in stmt.names)
                elif isinstance(stmt, ast.Assign):
                    typed.update(t.id for t in stmt.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name in ("_SOURCES", "_ALIASES"):
                tables[name] = ast.literal_eval(node.value)
            elif name == "__all__":
                exported = ast.literal_eval(node.value)
    lazy = {n for names in tables["_SOURCES"].values() for n in names} | set(tables["_ALIASES"])
    assert typed == set(exported) == lazy
    assert len(exported) == len(set(exported))  # no duplicates
    assert exported == paubox_client.__all__
    for name in exported:
        assert getattr(paubox_client, name) is not None
        assert name in dir(paubox_client)
    assert paubox_client.PauboxError is ClientError
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        paubox_client.Nope  # noqa: B018


def test_import_is_lazy() -> None:
    code = (
        "import sys, paubox_client\n"
        "heavy = ('paubox_client.models', 'paubox_client._client', 'paubox_client.api')\n"
        "assert not [m for m in heavy if m in sys.modules], sorted(m for m in sys.modules if 'paubox' in m)\n"
        "paubox_client.Paubox\n"
        "assert 'paubox_client._client' in sys.modules and 'paubox_client.models' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --------------------------------------------------------------------------- the README's examples

README = ROOT / "overlays" / "paubox" / "README.md"


def readme_code() -> str:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    assert len(blocks) >= 7
    return "\n".join(blocks)


def test_readme_examples_type_check(tmp_path: Path) -> None:
    source = tmp_path / "readme_examples.py"
    source.write_text(readme_code(), encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--config-file",
            str(ROOT / "pyproject.toml"),
            str(source),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture
def readme_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[httpx.Request]]:
    requests: list[httpx.Request] = []

    def server(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        assert request.headers["authorization"] == AUTH
        if request.url.path.endswith("/bulk_messages"):
            messages = json.loads(request.content)["data"]["messages"]
            return httpx.Response(
                200, json={"messages": [{"sourceTrackingId": f"t-{i}"} for i in range(len(messages))]}
            )
        body = RECEIPT if request.url.path.endswith("/message_receipt") else SENT
        return httpx.Response(200, content=body, headers={"content-type": "application/json"})

    monkeypatch.setenv("PAUBOX_API_USERNAME", USER)
    monkeypatch.setenv("PAUBOX_API_KEY", KEY)
    monkeypatch.setattr(httpx, "HTTPTransport", lambda *a, **k: httpx.MockTransport(server))
    monkeypatch.setattr(httpx, "AsyncHTTPTransport", lambda *a, **k: httpx.MockTransport(server))
    yield requests


def test_readme_examples_run(readme_server: list[httpx.Request], capsys: pytest.CaptureFixture[str]) -> None:
    exec(compile(readme_code(), str(README), "exec"), {"__name__": "readme"})
    sent = [(r.method, r.url.path) for r in readme_server]
    assert sent.count(("POST", f"/v1/{USER}/messages")) == 5
    assert sent.count(("POST", f"/v1/{USER}/bulk_messages")) == 6  # two send_bulk calls of 120: 50 + 50 + 20
    assert sent.count(("GET", f"/v1/{USER}/message_receipt")) == 5
    assert len(sent) == 16
    out = capsys.readouterr().out
    assert f"sent {SENT_ID}" in out
    assert "jane@example.com delivered None" in out
    assert "120 accepted" in out
    assert "resend later" not in out
    assert "Paubox(base_url='http://127.0.0.1:8025/paubox/v1/clinic', auth='Authorization: Token token=***')" in out
    assert "Hello clinic@verified.example.com 42" in out
    assert KEY not in out
