"""Test doubles for code that sends through this package: an in-process fake of the platform's API.

    from sendclean_client import SendClean            # or poweremail_client / PowerEmail
    from sendclean_client.testing import FakeAPI

    fake = FakeAPI()
    client = SendClean("any-owner", "any-token", smtp_user_name="smtp-user", transport=fake.transport)
    sent = client.send_mail(message)
    assert fake.sent[0].subject == "Lab results"

No server, no dependency beyond httpx and attrs. See ``FakeAPI``.
"""

# pyright: strict
from __future__ import annotations

import base64
import binascii
import re
import time
from typing import Any

import httpx
from attrs import define

from ._brand import BRAND
from ._operations import MESSAGE_INFO_PAGE_SIZE, check_message, check_template_message, with_unique_id
from ._runtime.fake import FakeService, Refused, json_response, parse, request_json
from .models import (
    GetMessageInfoRequest,
    Message,
    Recipient,
    SendMailRequest,
    SendTemplateRequest,
    TemplateMessage,
    TemplateMessageDynamicValue,
)
from .types import Unset

__all__ = ["FakeAPI"]

_QUEUED = "message have been Queued ... "
_QUEUED_250 = "250 Message Queued..."
#: The success texts of the brand's docs, per call (PowerEmail's sendTemplate answers the 250 form).
_SUCCESS = {
    "sendMail": _QUEUED,
    "sendTemplate": _QUEUED_250 if BRAND.env_prefix == "POWEREMAIL" else _QUEUED,
    "sendTemplateHTTPGet": _QUEUED_250,
}
_DYNAMIC_VALUE = re.compile(r"dynamic_value\[(.+)\]")


@define(frozen=True)
class _Held:
    message: Message | TemplateMessage
    accepted_at: float
    mail_size: int


def _attachment_bytes(message: Message | TemplateMessage) -> int:
    files = [*(message.attachments or ()), *(message.images or ())]
    try:
        return sum(len(base64.b64decode(item.content)) for item in files)
    except (binascii.Error, ValueError):
        return 0


def _page(skip_page: object) -> int:
    """``skip_page`` is optional on SendClean (default 0) and required on PowerEmail."""
    return skip_page if isinstance(skip_page, int) else 0


def _error(name: str, message: str, status: int = 200) -> httpx.Response:
    return json_response({"status": "error", "code": -1, "name": name, "message": message}, status)


class FakeAPI(FakeService[Message | TemplateMessage]):
    """An in-process API of the platform: ``sendMail``, ``sendTemplate``, ``getMessageInfo`` and the
    legacy ``sendTemplateHTTPGet``, under any base URL and with any ``owner_id`` and ``token``.

    * ``transport`` / ``async_transport``: pass to the client's ``transport=`` (sync and async
      client alike), or build your own ``httpx.Client(transport=fake.transport)`` and pass it as
      ``http_client=``.
    * ``sent``: every accepted message, parsed as the platform reads it, in order: a ``Message``
      for ``send_mail``/``send_email_message``, a ``TemplateMessage`` for ``send_template`` and
      ``send_template_http_get``. ``requests``: every ``httpx.Request``.
    * Answers as the platform does: ``{"status": "success", "message": "message have been Queued
      ... "}``; ``get_message_info`` rows (one per recipient, ``delivered``, 100 a page) for the
      ``X-Unique-Id`` of each message it accepted. A request the platform would refuse gets its
      HTTP 200 ``{"status": "error", "name": "ValidationError", ...}``.
    * ``fail_next(count, status=..., retry_after=..., timeout=..., disconnect=...)`` scripts
      failures; ``reset()`` forgets everything.
    """

    def __init__(self) -> None:
        self._held: dict[str, list[_Held]] = {}
        super().__init__(
            {
                "/messages/sendMail": {"POST": self._send_mail},
                "/messages/sendTemplate": {"POST": self._send_template},
                "/messages/sendTemplateHTTPGet": {"GET": self._send_template_http_get},
                "/messages/getMessageInfo": {"POST": self._get_message_info},
            }
        )

    def error_response(self, status: int, words: str) -> httpx.Response:
        if status in (401, 403):
            return _error("AuthenticationError", "Token MissMatch", status)
        return _error("GeneralError" if status >= 500 or status == 429 else "ValidationError", words, status)

    def refused_response(self, field: str, problem: str) -> httpx.Response:
        return _error("ValidationError", f"{field} {problem}")

    def forget(self) -> None:
        self._held.clear()

    # ------------------------------------------------------------------------------- operations

    def _accept(
        self, message: Message | TemplateMessage, unique_id: str | None, request: httpx.Request, call: str
    ) -> httpx.Response:
        """Record an accepted message; ``getMessageInfo`` finds it by its ``X-Unique-Id``."""
        if unique_id is not None:
            held = _Held(message, time.time(), len(request.content))
            self._held.setdefault(unique_id, []).append(held)
        self.sent.append(message)
        return json_response({"status": "success", "message": _SUCCESS[call]})

    def _send_mail(self, request: httpx.Request) -> httpx.Response:
        message = check_message(parse(SendMailRequest, request_json(request)).message)
        return self._accept(message, with_unique_id(message)[1], request, "sendMail")

    def _send_template(self, request: httpx.Request) -> httpx.Response:
        message = check_template_message(parse(SendTemplateRequest, request_json(request)).message)
        return self._accept(message, with_unique_id(message)[1], request, "sendTemplate")

    def _send_template_http_get(self, request: httpx.Request) -> httpx.Response:
        query = request.url.params
        values: dict[str, str] = {}
        for name in ("owner_id", "token", "smtp_user_name", "template_id", "to", "subject", "from_email"):
            value = query.get(name)
            if not value:
                raise Refused(name, "is required")
            values[name] = value
        dynamic = TemplateMessageDynamicValue()
        for key, value in query.multi_items():
            found = _DYNAMIC_VALUE.fullmatch(key)
            if found:
                dynamic[found.group(1)] = value
        message = TemplateMessage(
            template_id=values["template_id"],
            subject=values["subject"],
            from_email=values["from_email"],
            to=[Recipient(email=values["to"])],
            dynamic_value=dynamic,
        )
        return self._accept(message, None, request, "sendTemplateHTTPGet")  # it cannot carry an X-Unique-Id

    def _get_message_info(self, request: httpx.Request) -> httpx.Response:
        query = parse(GetMessageInfoRequest, request_json(request))
        page = _page(query.skip_page)
        if page < 0:
            raise Refused("skip_page", "must be a non-negative integer")
        rows = [
            self._row(held, recipient)
            for held in self._held.get(query.x_unique_id, [])
            for recipient in (held.message.to or ())
        ]
        start = page * MESSAGE_INFO_PAGE_SIZE
        return json_response({"status": "success", "message_data": rows[start : start + MESSAGE_INFO_PAGE_SIZE]})

    @staticmethod
    def _row(held: _Held, recipient: Recipient) -> dict[str, Any]:
        message = held.message
        return {
            "subject": message.subject if isinstance(message.subject, str) else "",
            "sender": message.from_email if not isinstance(message.from_email, Unset) else "",
            "email": recipient.email,
            "sendFrom": "127.0.0.1",
            "mailSize": held.mail_size,
            "attchSize": _attachment_bytes(message),
            "status": "delivered",
            "time": int(held.accepted_at * 1000),
            "open": 0,
            "openData": {"ip": [], "ua": [], "time": []},
            "click": 0,
            "clickData": {"ip": [], "ua": [], "time": []},
        }
