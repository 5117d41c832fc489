"""The one send per vendor that the bench times, written twice: through the overlay client, and by
hand with raw httpx (build the dict, ``client.post(json=...)``, ``response.json()``).

Both sides send the same request: ``check_equivalent`` captures one request from each and compares
method, path, auth and JSON body before anything is timed, so a ratio never compares unequal work.
The credentials are the sandbox's, so the same calls also work against ``python -m sandbox``.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

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

# What each vendor answers to a successful send (shapes of the spec examples).
CANNED_RESPONSES: dict[str, bytes] = {
    "paubox": json.dumps({"sourceTrackingId": "3d38ab13-0af8-4028-bd45-52e882e0d584", "data": "Service OK"}).encode(),
    "smtpcom": json.dumps(
        {"status": "success", "data": {"message": "accepted, msg_id: 1bbg5s-0cZvUG-1S8bHC"}}
    ).encode(),
    "sendclean": json.dumps({"status": "success", "message": "success message have been Queued"}).encode(),
    "poweremail": json.dumps({"status": "success", "message": "success message have been Queued"}).encode(),
}

# The message every case sends: one recipient, a subject, a sender, a short text body.
TO = "patient@example.com"
FROM = "clinic@example.com"
SUBJECT = "Your results are ready"
TEXT = "Hello, your results are ready. Log in to see them."

SyncCall = Callable[[], Any]
AsyncCall = Callable[[], Awaitable[Any]]


def base_url(vendor: str, root: str = MOCK_ROOT) -> str:
    return sandbox_base_url(root, vendor, username=PAUBOX_USERNAME)


def mock_transport(vendor: str) -> httpx.MockTransport:
    """A transport that answers every request with the vendor's canned success body."""
    body = CANNED_RESPONSES[vendor]
    headers = [("content-type", "application/json")]

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers=headers)

    return httpx.MockTransport(handler)


# ----------------------------------------------------------------------------- the overlay clients
def ours_client(vendor: str, *, transport: Any = None, root: str = MOCK_ROOT, use_async: bool = False) -> Any:
    """The overlay client of ``vendor`` (sync or async), configured with the sandbox credentials."""
    url = base_url(vendor, root)
    if vendor == "paubox":
        from paubox_client import AsyncPaubox, Paubox

        cls: Any = AsyncPaubox if use_async else Paubox
        return cls(PAUBOX_API_KEY, api_username=PAUBOX_USERNAME, base_url=url, transport=transport)
    if vendor == "smtpcom":
        from smtpcom_client import AsyncSMTPcom, SMTPcom

        cls = AsyncSMTPcom if use_async else SMTPcom
        return cls(SMTPCOM_API_KEY, base_url=url, transport=transport)
    if vendor == "sendclean":
        from sendclean_client import AsyncSendClean, SendClean

        cls = AsyncSendClean if use_async else SendClean
        return cls(
            SENDCLEAN_OWNER_ID, SENDCLEAN_TOKEN, smtp_user_name=SENDCLEAN_SMTP_USER, base_url=url, transport=transport
        )
    if vendor == "poweremail":
        from poweremail_client import AsyncPowerEmail, PowerEmail

        cls = AsyncPowerEmail if use_async else PowerEmail
        return cls(
            POWEREMAIL_OWNER_ID,
            POWEREMAIL_TOKEN,
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
        if vendor == "sendclean":
            from sendclean_client import Message, Recipient
        else:
            from poweremail_client import Message, Recipient  # type: ignore[assignment]

        def platform_message() -> Any:
            return Message(subject=SUBJECT, from_email=FROM, to=[Recipient(email=TO)], text=TEXT)

        return platform_message
    raise ValueError(vendor)


def ours_send(vendor: str, client: Any) -> Callable[[Any], Any]:
    """The overlay call that sends one message."""
    if vendor == "paubox":
        return client.send_message
    if vendor == "smtpcom":
        return client.send_message
    return client.send_mail


def ours_call(vendor: str, client: Any) -> SyncCall:
    make, send = ours_message_factory(vendor), ours_send(vendor, client)

    def call() -> Any:
        return send(make())

    return call


def ours_async_call(vendor: str, client: Any) -> AsyncCall:
    make, send = ours_message_factory(vendor), ours_send(vendor, client)

    async def call() -> Any:
        return await send(make())

    return call


# ------------------------------------------------------------------------------ raw httpx by hand
@dataclass(frozen=True)
class RawRequest:
    path: str  # relative to the vendor base URL
    headers: dict[str, str]
    build: Callable[[], dict[str, Any]]  # the JSON body, built fresh for every call


def raw_request(vendor: str) -> RawRequest:
    """What a user of plain httpx writes for the same send."""
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

        return RawRequest("/messages", {"Authorization": f"Token token={PAUBOX_API_KEY}"}, paubox_body)
    if vendor == "smtpcom":

        def smtpcom_body() -> dict[str, Any]:
            return {
                "channel": SMTPCOM_CHANNEL,
                "recipients": {"to": [{"address": TO}]},
                "originator": {"from": {"address": FROM}},
                "subject": SUBJECT,
                "body": {"parts": [{"type": "text/plain", "content": TEXT}]},
            }

        return RawRequest("/v4/messages", {"Authorization": f"Bearer {SMTPCOM_API_KEY}"}, smtpcom_body)
    if vendor in ("sendclean", "poweremail"):
        owner, token, user = (
            (SENDCLEAN_OWNER_ID, SENDCLEAN_TOKEN, SENDCLEAN_SMTP_USER)
            if vendor == "sendclean"
            else (POWEREMAIL_OWNER_ID, POWEREMAIL_TOKEN, POWEREMAIL_SMTP_USER)
        )

        def platform_body() -> dict[str, Any]:
            return {
                "owner_id": owner,
                "token": token,
                "smtp_user_name": user,
                "message": {"subject": SUBJECT, "from_email": FROM, "to": [{"email": TO, "type": "to"}], "text": TEXT},
            }

        return RawRequest("/messages/sendMail", {}, platform_body)
    raise ValueError(vendor)


def raw_client(vendor: str, *, transport: Any = None, root: str = MOCK_ROOT, use_async: bool = False) -> Any:
    cls: Any = httpx.AsyncClient if use_async else httpx.Client
    return cls(base_url=base_url(vendor, root), headers=raw_request(vendor).headers, transport=transport)


def raw_call(vendor: str, client: httpx.Client) -> SyncCall:
    spec = raw_request(vendor)
    path, build, post = spec.path, spec.build, client.post

    def call() -> Any:
        return post(path, json=build()).json()

    return call


def raw_async_call(vendor: str, client: httpx.AsyncClient) -> AsyncCall:
    spec = raw_request(vendor)
    path, build, post = spec.path, spec.build, client.post

    async def call() -> Any:
        return (await post(path, json=build())).json()

    return call


# --------------------------------------------------------------------------------- fairness check
def _capture(vendor: str, make_call: Callable[[httpx.MockTransport], SyncCall]) -> dict[str, Any]:
    seen: list[httpx.Request] = []
    body = CANNED_RESPONSES[vendor]

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=body, headers=[("content-type", "application/json")])

    make_call(httpx.MockTransport(handler))()
    (request,) = seen
    auth = {k: v for k, v in request.headers.items() if k in ("authorization", "x-smtpcom-api")}
    return {
        "method": request.method,
        "url": str(request.url),
        "auth": auth,
        "content_type": request.headers.get("content-type"),
        "json": json.loads(request.content),
    }


def check_equivalent(vendor: str) -> dict[str, Any]:
    """Capture one request of each side; raise if they differ in anything but header order."""
    ours = _capture(vendor, lambda t: ours_call(vendor, ours_client(vendor, transport=t)))
    raw = _capture(vendor, lambda t: raw_call(vendor, raw_client(vendor, transport=t)))
    if ours != raw:
        raise AssertionError(f"{vendor}: the overlay and raw httpx send different requests:\n{ours}\n{raw}")
    return ours


# -------------------------------------------------------------------------------- bulk (Paubox)
def paubox_messages(count: int) -> list[Any]:
    from paubox_client import Message, MessageContent, MessageHeaders

    return [
        Message(
            recipients=[f"patient{i}@example.com"],
            headers=MessageHeaders(subject=SUBJECT, from_=FROM),
            content=MessageContent(textplain=TEXT),
        )
        for i in range(count)
    ]


def sendclean_messages(count: int) -> list[Any]:
    from sendclean_client import Message, Recipient

    return [
        Message(subject=SUBJECT, from_email=FROM, to=[Recipient(email=f"user{i}@example.com")], text=TEXT)
        for i in range(count)
    ]
