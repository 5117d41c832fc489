"""Building clients and messages for tests, one place for every suite.

* ``Recorder``: an ``httpx.MockTransport`` handler that records each request (body read) and answers
  from a script; ``mock_transport(recorder, async_=...)``.
* ``VENDORS``: per vendor, its package, client classes, sandbox credentials and a valid message.
* ``make_client(vendor, async_=..., **options)``: a client with test-friendly defaults.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import httpx

from sandbox import config as sb

Answer = httpx.Response | Exception


@dataclass
class Recorder:
    """Records every request and answers from a script (the last answer repeats)."""

    answers: list[Answer] = field(default_factory=lambda: list[Answer]([httpx.Response(200, json={})]))
    requests: list[httpx.Request] = field(default_factory=lambda: list[httpx.Request]())

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        # a fresh copy each time: one Response object cannot serve two requests
        return httpx.Response(answer.status_code, headers=answer.headers, content=answer.read())

    def answer(self, *answers: Answer) -> None:
        self.answers[:] = list(answers)

    @property
    def only(self) -> httpx.Request:
        assert len(self.requests) == 1, f"expected one request, got {len(self.requests)}"
        return self.requests[0]


def json_answer(body: Any, status: int = 200, **headers: str) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers)


async def resolve(value: Any) -> Any:
    """The value of a sync call, or the awaited value of an async one."""
    return await value if inspect.isawaitable(value) else value


# ------------------------------------------------------------------------------------ vendors


def paubox_message(**changes: Any) -> Any:
    from paubox_client import Message, MessageContent, MessageHeaders

    message = Message(
        recipients=["Jane Doe <jane@example.com>"],
        headers=MessageHeaders(subject="Lab results", from_="Clinic <clinic@sandbox.example.com>"),
        content=MessageContent(textplain="Your results are ready.", texthtml="<p>Your results are ready.</p>"),
    )
    for name, value in changes.items():
        setattr(message, name, value)
    return message


def smtpcom_message(**changes: Any) -> Any:
    from smtpcom_client import EmailAddress, MessageBody, MessagePart, Originator, Recipients, SendMessageRequest

    message = SendMessageRequest(
        channel=sb.SMTPCOM_CHANNEL,
        recipients=Recipients(to=[EmailAddress(address="jane@example.com", name="Jane")]),
        originator=Originator(from_=EmailAddress(address="noreply@shop.example.com", name="Shop")),
        subject="Your order",
        body=MessageBody(parts=[MessagePart(type_="text/plain", content="Thanks for your order.")]),
    )
    for name, value in changes.items():
        setattr(message, name, value)
    return message


def platform_message(brand: str = "sendclean", **changes: Any) -> Any:
    models = importlib.import_module(f"{brand}_client.models")
    message = models.Message(
        html="<p>Hello</p>",
        text="Hello",
        subject="Greetings",
        from_email="news@brand.example",
        from_name="Brand News",
        to=[models.Recipient(email="jane@example.com", name="Jane")],
    )
    for name, value in changes.items():
        setattr(message, name, value)
    return message


@dataclass(frozen=True)
class Vendor:
    """What a test needs to know about one vendor package."""

    name: str
    package: str
    sync_class: str
    message: Callable[[], Any]
    send: str  # the name of the call that sends ``message()``
    credentials: Callable[[], dict[str, Any]]

    @property
    def module(self) -> ModuleType:
        return importlib.import_module(self.package)

    def client_class(self, async_: bool) -> Any:
        return getattr(self.module, ("Async" if async_ else "") + self.sync_class)


def _brand_credentials(brand: str) -> Callable[[], dict[str, Any]]:
    def credentials() -> dict[str, Any]:
        account = sb.DEFAULT_CONFIG.brand(brand)
        return {"owner_id": account.owner_id, "token": account.token, "smtp_user_name": account.smtp_user_names[0]}

    return credentials


VENDORS: dict[str, Vendor] = {
    "paubox": Vendor(
        "paubox",
        "paubox_client",
        "Paubox",
        paubox_message,
        "send_message",
        lambda: {"api_key": sb.PAUBOX_API_KEY, "api_username": sb.PAUBOX_USERNAME},
    ),
    "smtpcom": Vendor(
        "smtpcom", "smtpcom_client", "SMTPcom", smtpcom_message, "send_message", lambda: {"api_key": sb.SMTPCOM_API_KEY}
    ),
    "sendclean": Vendor(
        "sendclean",
        "sendclean_client",
        "SendClean",
        lambda: platform_message("sendclean"),
        "send_mail",
        _brand_credentials("sendclean"),
    ),
    "poweremail": Vendor(
        "poweremail",
        "poweremail_client",
        "PowerEmail",
        lambda: platform_message("poweremail"),
        "send_mail",
        _brand_credentials("poweremail"),
    ),
}


def make_client(vendor: str, *, async_: bool = False, **options: Any) -> Any:
    """A client of ``vendor`` with the sandbox credentials; ``options`` go to the constructor
    (``base_url``, ``transport``, ``http_client``, ``retry``, ...)."""
    spec = VENDORS[vendor]
    return spec.client_class(async_)(**{**spec.credentials(), **options})


def mock_client(vendor: str, recorder: Recorder, *, async_: bool = False, **options: Any) -> Any:
    """A client of ``vendor`` whose requests go to ``recorder`` (no retries unless ``retry=`` says so)."""
    options.setdefault("retry", VENDORS[vendor].module.RetryPolicy(max_retries=0))
    options.setdefault("base_url", {"paubox": "https://api.paubox.net/v1/{api_username}"}.get(vendor))
    if options["base_url"] is None:
        del options["base_url"]
    return make_client(vendor, async_=async_, transport=httpx.MockTransport(recorder), **options)
