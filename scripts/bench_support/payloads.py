"""The one send per vendor that the bench times, written twice: through the vendor client as users
call it, and by hand with raw httpx (build the dict, ``client.post(url, json=...)``,
``response.json()``) with the same URL, headers and JSON.

Both sides send the same request: ``check_equivalent`` captures one request from each and compares
method, URL, every header and the JSON body before anything is timed, so a ratio never compares
unequal work. (SendClean and PowerEmail add a random ``X-Unique-Id`` to each message; the raw side
does the same by hand with ``uuid.uuid4().hex``, and the check compares its shape, not its value.)
The credentials are the sandbox's, so the same calls also work against ``python -m sandbox``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from sandbox.config import (
    PAUBOX_API_KEY,
    PAUBOX_USERNAME,
    POWEREMAIL_OWNER_ID,
    POWEREMAIL_SMTP_USER,
    POWEREMAIL_TOKEN,
    SENDCLEAN_OWNER_ID,
    SENDCLEAN_SMTP_USER,
    SENDCLEAN_TOKEN,
    SMTPCOM_API_KEY,
    SMTPCOM_CHANNEL,
)
from sandbox.config import base_url as sandbox_base_url

VENDORS = ("paubox", "smtpcom", "sendclean", "poweremail")
MOCK_ROOT = "http://bench.invalid"
BULK_CHUNK = 50

# What each vendor answers to a successful send (shapes of the spec examples and the sandbox).
CANNED_RESPONSES: dict[str, bytes] = {
    "paubox": json.dumps(
        {"sourceTrackingId": "3d38ab13-0af8-4028-bd45-52e882e0d584", "customHeaders": {}, "data": "Service OK"}
    ).encode(),
    "smtpcom": json.dumps(
        {"status": "success", "data": {"message": "accepted, msg_id: 1bbg5s-0cZvUG-1S8bHC"}}
    ).encode(),
    "sendclean": json.dumps({"status": "success", "message": "success message have been Queued"}).encode(),
    "poweremail": json.dumps({"status": "success", "message": "success message have been Queued"}).encode(),
}
#: Paubox's answer to a bulk request of ``BULK_CHUNK`` messages (one result per message, in order).
PAUBOX_BULK_RESPONSE = json.dumps(
    {
        "messages": [
            {"sourceTrackingId": str(uuid.UUID(int=i + 1)), "customHeaders": {}, "data": "Service OK"}
            for i in range(BULK_CHUNK)
        ]
    }
).encode()
SEND_PATHS = {"paubox": "/messages", "smtpcom": "/v4/messages", "sendclean": "/messages/sendMail"}
SEND_PATHS["poweremail"] = SEND_PATHS["sendclean"]
PAUBOX_BULK_PATH = "/bulk_messages"

# The message every case sends: one recipient, a subject, a sender, a short text body.
TO = "patient@example.com"
FROM = "clinic@example.com"
SUBJECT = "Your results are ready"
TEXT = "Hello, your results are ready. Log in to see them."

SyncCall = Callable[[], Any]
AsyncCall = Callable[[], Awaitable[Any]]


def base_url(vendor: str, root: str = MOCK_ROOT) -> str:
    return sandbox_base_url(root, vendor, username=PAUBOX_USERNAME)


def send_url(vendor: str, root: str = MOCK_ROOT) -> str:
    return base_url(vendor, root) + SEND_PATHS[vendor]


def server_routes() -> dict[str, bytes]:
    """Path -> canned success body of every send the bench makes, for ``canned_server``."""
    routes = {urlsplit(send_url(vendor)).path: CANNED_RESPONSES[vendor] for vendor in VENDORS}
    routes[urlsplit(base_url("paubox")).path + PAUBOX_BULK_PATH] = PAUBOX_BULK_RESPONSE
    return routes


def mock_transport(vendor: str) -> httpx.MockTransport:
    """A transport that answers every request with the vendor's canned success body."""
    body = CANNED_RESPONSES[vendor]
    headers = [("content-type", "application/json")]

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers=headers)

    return httpx.MockTransport(handler)


def user_agent(vendor: str) -> str:
    """The vendor package's User-Agent; the raw side sends the same header."""
    module = _package(vendor)
    return str(module.USER_AGENT)


def _package(vendor: str) -> Any:
    import importlib

    return importlib.import_module(f"{vendor}_client")


# ----------------------------------------------------------------------------- the vendor clients
def ours_client(
    vendor: str,
    *,
    transport: Any = None,
    root: str = MOCK_ROOT,
    use_async: bool = False,
    credential_suffix: str = "",
) -> Any:
    """The vendor client (sync or async), configured with the sandbox credentials.

    ``credential_suffix`` makes the secrets unique (for the redaction case, which builds thousands).
    """
    url = base_url(vendor, root)
    if vendor == "paubox":
        from paubox_client import AsyncPaubox, Paubox

        cls: Any = AsyncPaubox if use_async else Paubox
        return cls(PAUBOX_API_KEY + credential_suffix, api_username=PAUBOX_USERNAME, base_url=url, transport=transport)
    if vendor == "smtpcom":
        from smtpcom_client import AsyncSMTPcom, SMTPcom

        cls = AsyncSMTPcom if use_async else SMTPcom
        return cls(SMTPCOM_API_KEY + credential_suffix, base_url=url, transport=transport)
    if vendor == "sendclean":
        from sendclean_client import AsyncSendClean, SendClean

        cls = AsyncSendClean if use_async else SendClean
        return cls(
            SENDCLEAN_OWNER_ID,
            SENDCLEAN_TOKEN + credential_suffix,
            smtp_user_name=SENDCLEAN_SMTP_USER,
            base_url=url,
            transport=transport,
        )
    if vendor == "poweremail":
        from poweremail_client import AsyncPowerEmail, PowerEmail

        cls = AsyncPowerEmail if use_async else PowerEmail
        return cls(
            POWEREMAIL_OWNER_ID,
            POWEREMAIL_TOKEN + credential_suffix,
            smtp_user_name=POWEREMAIL_SMTP_USER,
            base_url=url,
            transport=transport,
        )
    raise ValueError(vendor)


def ours_message_factory(vendor: str) -> Callable[[], Any]:
    """Builds the request model a user builds for one send (timed: users pay for it too)."""
    if vendor == "paubox":
        from paubox_client import Message, MessageContent, MessageHeaders

        def paubox_message() -> Any:
            return Message(
                recipients=[TO],
                headers=MessageHeaders(subject=SUBJECT, from_=FROM),
                content=MessageContent(textplain=TEXT),
            )

        return paubox_message
    if vendor == "smtpcom":
        from smtpcom_client import EmailAddress, MessageBody, MessagePart, Originator, Recipients, SendMessageRequest

        def smtpcom_message() -> Any:
            return SendMessageRequest(
                channel=SMTPCOM_CHANNEL,
                recipients=Recipients(to=[EmailAddress(address=TO)]),
                originator=Originator(from_=EmailAddress(address=FROM)),
                subject=SUBJECT,
                body=MessageBody(parts=[MessagePart(type_="text/plain", content=TEXT)]),
            )

        return smtpcom_message
    if vendor in ("sendclean", "poweremail"):
        package = _package(vendor)
        message_cls, recipient_cls = package.Message, package.Recipient

        def platform_message() -> Any:
            return message_cls(subject=SUBJECT, from_email=FROM, to=[recipient_cls(email=TO)], text=TEXT)

        return platform_message
    raise ValueError(vendor)


def ours_send(vendor: str, client: Any) -> Callable[[Any], Any]:
    """The client call that sends one message."""
    send: Callable[[Any], Any] = client.send_mail if vendor in ("sendclean", "poweremail") else client.send_message
    return send


def ours_call(vendor: str, client: Any) -> SyncCall:
    make, send = ours_message_factory(vendor), ours_send(vendor, client)

    def call() -> Any:
        return send(make()).id

    return call


def ours_async_call(vendor: str, client: Any) -> AsyncCall:
    make, send = ours_message_factory(vendor), ours_send(vendor, client)

    async def call() -> Any:
        return (await send(make())).id

    return call


# ------------------------------------------------------------------------------ raw httpx by hand
@dataclass(frozen=True)
class RawRequest:
    path: str  # relative to the vendor base URL
    headers: dict[str, str]
    build: Callable[[], dict[str, Any]]  # the JSON body, built fresh for every call
    source: str  # the same body as Python source, for the cold-start scripts


def raw_request(vendor: str) -> RawRequest:
    """What a user of plain httpx writes for the same send."""
    agent = {"User-Agent": user_agent(vendor)}
    if vendor == "paubox":

        def paubox_body() -> dict[str, Any]:
            return {
                "data": {
                    "message": {
                        "recipients": [TO],
                        "headers": {"subject": SUBJECT, "from": FROM},
                        "content": {"text/plain": TEXT},
                    }
                }
            }

        source = (
            f'{{"data": {{"message": {{"recipients": [{TO!r}], "headers": {{"subject": {SUBJECT!r}, "from": {FROM!r}}}, '
            f'"content": {{"text/plain": {TEXT!r}}}}}}}}}'
        )
        headers = {"Authorization": f"Token token={PAUBOX_API_KEY}", **agent}
        return RawRequest(SEND_PATHS[vendor], headers, paubox_body, source)
    if vendor == "smtpcom":

        def smtpcom_body() -> dict[str, Any]:
            return {
                "channel": SMTPCOM_CHANNEL,
                "recipients": {"to": [{"address": TO}]},
                "originator": {"from": {"address": FROM}},
                "subject": SUBJECT,
                "body": {"parts": [{"type": "text/plain", "content": TEXT}]},
            }

        source = (
            f'{{"channel": {SMTPCOM_CHANNEL!r}, "recipients": {{"to": [{{"address": {TO!r}}}]}}, '
            f'"originator": {{"from": {{"address": {FROM!r}}}}}, "subject": {SUBJECT!r}, '
            f'"body": {{"parts": [{{"type": "text/plain", "content": {TEXT!r}}}]}}}}'
        )
        headers = {"Authorization": f"Bearer {SMTPCOM_API_KEY}", **agent}
        return RawRequest(SEND_PATHS[vendor], headers, smtpcom_body, source)
    if vendor in ("sendclean", "poweremail"):
        owner, token, user = (
            (SENDCLEAN_OWNER_ID, SENDCLEAN_TOKEN, SENDCLEAN_SMTP_USER)
            if vendor == "sendclean"
            else (POWEREMAIL_OWNER_ID, POWEREMAIL_TOKEN, POWEREMAIL_SMTP_USER)
        )
        new_id = uuid.uuid4

        def platform_body() -> dict[str, Any]:
            return {
                "owner_id": owner,
                "token": token,
                "smtp_user_name": user,
                "message": {
                    "subject": SUBJECT,
                    "from_email": FROM,
                    "to": [{"email": TO, "type": "to"}],
                    "text": TEXT,
                    "headers": {"X-Unique-Id": new_id().hex},
                },
            }

        source = (
            f'{{"owner_id": {owner!r}, "token": {token!r}, "smtp_user_name": {user!r}, "message": {{'
            f'"subject": {SUBJECT!r}, "from_email": {FROM!r}, "to": [{{"email": {TO!r}, "type": "to"}}], '
            f'"text": {TEXT!r}, "headers": {{"X-Unique-Id": uuid.uuid4().hex}}}}}}'
        )
        return RawRequest(SEND_PATHS[vendor], dict(agent), platform_body, source)
    raise ValueError(vendor)


def raw_client(
    vendor: str, *, transport: Any = None, use_async: bool = False, limits: httpx.Limits | None = None
) -> Any:
    """``httpx.Client(headers=...)`` (or ``AsyncClient``) as a user of plain httpx builds it."""
    cls: Any = httpx.AsyncClient if use_async else httpx.Client
    options: dict[str, Any] = {"headers": raw_request(vendor).headers, "transport": transport}
    if limits is not None:
        options["limits"] = limits
    return cls(**options)


def raw_call(vendor: str, client: httpx.Client, root: str = MOCK_ROOT) -> SyncCall:
    spec = raw_request(vendor)
    url, build, post = base_url(vendor, root) + spec.path, spec.build, client.post

    def call() -> Any:
        response = post(url, json=build())
        response.raise_for_status()
        return response.json()

    return call


def raw_async_call(vendor: str, client: httpx.AsyncClient, root: str = MOCK_ROOT) -> AsyncCall:
    spec = raw_request(vendor)
    url, build, post = base_url(vendor, root) + spec.path, spec.build, client.post

    async def call() -> Any:
        response = await post(url, json=build())
        response.raise_for_status()
        return response.json()

    return call


# --------------------------------------------------------------------------------- fairness check
def _normalise(body: Any) -> Any:
    message = body.get("message") if isinstance(body, dict) else None
    headers = message.get("headers") if isinstance(message, dict) else None
    if isinstance(headers, dict) and isinstance(headers.get("X-Unique-Id"), str):
        value = headers["X-Unique-Id"]
        headers["X-Unique-Id"] = f"<{len(value)} hex digits>" if all(c in "0123456789abcdef" for c in value) else value
    return body


def _capture(vendor: str, make_call: Callable[[httpx.MockTransport], SyncCall]) -> dict[str, Any]:
    seen: list[httpx.Request] = []
    body = CANNED_RESPONSES[vendor]

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=body, headers=[("content-type", "application/json")])

    make_call(httpx.MockTransport(handler))()
    (request,) = seen
    return {
        "method": request.method,
        "url": str(request.url),
        "headers": sorted((k, v) for k, v in request.headers.items()),
        "json": _normalise(json.loads(request.content)),
    }


def check_equivalent(vendor: str) -> dict[str, Any]:
    """Capture one request of each side; raise if they differ in anything but header order."""
    ours = _capture(vendor, lambda t: ours_call(vendor, ours_client(vendor, transport=t)))
    raw = _capture(vendor, lambda t: raw_call(vendor, raw_client(vendor, transport=t)))
    if ours != raw:
        raise AssertionError(f"{vendor}: the client and raw httpx send different requests:\n{ours}\n{raw}")
    masked = dict(ours)
    masked["headers"] = [(k, "***" if k == "authorization" else v) for k, v in ours["headers"]]
    return masked
