"""Test doubles for code that sends through ``smtpcom_client``: an in-process fake of the SMTP.com API.

    from smtpcom_client import SMTPcom
    from smtpcom_client.testing import FakeAPI

    fake = FakeAPI()
    smtp = SMTPcom("any-key", transport=fake.transport)  # AsyncSMTPcom: transport=fake.async_transport
    sent = smtp.send_message(request)
    assert fake.sent[0].channel == "transactional"

No server, no dependency beyond httpx and attrs. See ``FakeAPI``.
"""

# pyright: strict
from __future__ import annotations

import email.parser
import email.policy
import email.utils
import time
import uuid
from typing import Any

import httpx
from attrs import define

from ._operations import check_mime_request, check_send_request
from ._runtime.fake import FakeService, Refused, json_response, parse, request_json
from .models import EmailAddress, Originator, Recipients, SendMessageRequest, SendMimeMessageRequest
from .types import Unset

__all__ = ["FakeAPI"]

#: The events ``GET /v4/messages`` filters on.
_EVENTS = ("accepted", "delivered", "failed")


@define(frozen=True)
class _Held:
    msg_id: str
    request: SendMessageRequest | SendMimeMessageRequest
    accepted_at: float
    subject: str


def _addresses(recipients: Recipients) -> list[str]:
    lists = (recipients.to, recipients.cc, recipients.bcc, recipients.bulk_list)
    return [entry.address for found in lists if isinstance(found, list) for entry in found]


def _sender(originator: Originator | Unset) -> str:
    if isinstance(originator, Unset):
        return ""
    chosen = originator.from_ if isinstance(originator.from_, EmailAddress) else originator.reply_to
    return chosen.address if isinstance(chosen, EmailAddress) else ""


def _time(field: str, value: str) -> float:
    """RFC 2822 text or UNIX epoch seconds, as SMTP.com reads ``start`` and ``end``."""
    text = value.strip()
    try:
        return float(text)
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(text).timestamp()
    except (TypeError, ValueError, IndexError):
        raise Refused(field, "is not a valid RFC 2822 or UNIX epoch time") from None


def _whole(field: str, value: str | None, low: int, high: int | None = None) -> int:
    if not value:
        raise Refused(field, "must be provided")
    try:
        number = int(value)
    except ValueError:
        number = low - 1
    if number < low or (high is not None and number > high):
        raise Refused(field, f"must be an integer between {low} and {high}" if high else f"must be an integer >= {low}")
    return number


class FakeAPI(FakeService[SendMessageRequest | SendMimeMessageRequest]):
    """An in-process SMTP.com API v4: ``POST /v4/messages``, ``POST /v4/messages/mime`` and
    ``GET /v4/messages``, under any base URL and with any API key in any auth mode.

    * ``transport`` / ``async_transport``: pass to ``SMTPcom(transport=...)`` /
      ``AsyncSMTPcom(transport=...)``, or build your own ``httpx.Client(transport=fake.transport)``
      and pass it as ``http_client=``.
    * ``sent``: every accepted request, parsed as SMTP.com reads it, in order: a
      ``SendMessageRequest`` for ``send_message``, a ``SendMimeMessageRequest`` for ``send_mime``
      and ``send_email_message``. ``requests``: every ``httpx.Request``.
    * Answers as SMTP.com does: ``{"status": "success", "data": {"message": "accepted, msg_id:
      <id>"}}``; ``list_messages`` pages (``limit``/``offset``) through the messages it accepted on
      that channel, one item per recipient, each ``delivered`` (filtered by ``msg_id``, ``event``,
      ``start`` and ``end``). A request SMTP.com would refuse gets its 400 ``{"status": "fail",
      "data": {<field>: <message>}}``.
    * ``fail_next(count, status=..., retry_after=..., timeout=..., disconnect=...)`` scripts
      failures; ``reset()`` forgets everything.
    """

    def __init__(self) -> None:
        self._held: list[_Held] = []
        super().__init__(
            {
                "/v4/messages": {"POST": self._send_message, "GET": self._list_messages},
                "/v4/messages/mime": {"POST": self._send_mime},
            }
        )

    def error_response(self, status: int, words: str) -> httpx.Response:
        if status >= 500:  # JSend "error"
            return json_response({"status": "error", "message": words}, status)
        data = {"api_key": "invalid"} if status == 401 else {"error": words}
        return json_response({"status": "fail", "data": data}, status)

    def refused_response(self, field: str, problem: str) -> httpx.Response:
        return json_response({"status": "fail", "data": {field or "body": problem}}, 400)

    def forget(self) -> None:
        self._held.clear()

    # ------------------------------------------------------------------------------- operations

    def _accept(self, request: SendMessageRequest | SendMimeMessageRequest, subject: str) -> httpx.Response:
        msg_id = str(uuid.uuid4())
        self._held.append(_Held(msg_id, request, time.time(), subject))
        self.sent.append(request)
        return json_response({"status": "success", "data": {"message": f"accepted, msg_id: {msg_id}"}})

    def _send_message(self, request: httpx.Request) -> httpx.Response:
        message = parse(SendMessageRequest, request_json(request))
        check_send_request(message, "")
        return self._accept(message, message.subject if isinstance(message.subject, str) else "")

    def _send_mime(self, request: httpx.Request) -> httpx.Response:
        message = parse(SendMimeMessageRequest, request_json(request))
        check_mime_request(message, "")
        head = email.parser.Parser(policy=email.policy.default).parsestr(message.mime, headersonly=True)
        return self._accept(message, str(head.get("Subject", "")))

    def _list_messages(self, request: httpx.Request) -> httpx.Response:
        query = request.url.params
        channel = query.get("channel")
        if not channel:
            raise Refused("channel", "must be provided")
        start_text = query.get("start")
        if not start_text:
            raise Refused("start", "could not be blank")
        start = _time("start", start_text)
        end_text = query.get("end")
        end = _time("end", end_text) if end_text else time.time()
        limit = _whole("limit", query.get("limit"), 1, 1000)
        offset = _whole("offset", query.get("offset"), 0)
        event = query.get("event")
        if event is not None and event not in _EVENTS:
            raise Refused("event", f"must be one of {', '.join(_EVENTS)}")
        msg_id = query.get("msg_id")
        items: list[dict[str, Any]] = []
        for held in self._held:
            if held.request.channel != channel or (msg_id is not None and held.msg_id != msg_id):
                continue
            if not start <= held.accepted_at <= end + 1 or event == "failed":  # every message here is delivered
                continue
            items += [self._item(held, address) for address in _addresses(held.request.recipients)]
        return json_response({"status": "success", "data": {"items": items[offset : offset + limit]}})

    @staticmethod
    def _item(held: _Held, recipient: str) -> dict[str, Any]:
        return {
            "msg_id": held.msg_id,
            "msg_time": email.utils.formatdate(held.accepted_at),
            "channel": held.request.channel,
            "smtp_vars": {},
            "msg_data": {"rcpt_to": recipient, "from": _sender(held.request.originator), "subject": held.subject},
            "details": {
                "delivery": {
                    "finished": email.utils.formatdate(held.accepted_at),
                    "retries": 0,
                    "event": "delivered",
                    "code": "250",
                    "status": f"OK id={held.msg_id.split('-')[0]}",
                },
                "opens": {"items": []},
                "clicks": {"items": []},
                "abuse": {"complaints": []},
                "unsubs": {"items": []},
            },
        }
