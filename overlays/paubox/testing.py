"""Test doubles for code that sends through ``paubox_client``: an in-process fake of the Paubox API.

    from paubox_client import Paubox
    from paubox_client.testing import FakeAPI

    fake = FakeAPI()
    paubox = Paubox("any-key", transport=fake.transport)  # AsyncPaubox: transport=fake.async_transport
    sent = paubox.send_message(message)
    assert fake.sent[0].headers.subject == "Lab results"

No server, no dependency beyond httpx and attrs. See ``FakeAPI``.
"""

# pyright: strict
from __future__ import annotations

import email.utils
import time
import uuid
from typing import Any

import httpx
from attrs import define

from ._operations import check_batch, check_message
from ._runtime.fake import FakeService, Refused, json_response, parse, phrase, request_json
from .models import BulkSendRequest, Message, SingleSendRequest

__all__ = ["FakeAPI"]

_UNAUTHORIZED = {
    "code": 401,
    "status": "invalid_access_token",
    "title": "Invalid Access Token",
    "details": "Access token is missing or does not match endpoint username",
}


@define(frozen=True)
class _Held:
    message: Message
    accepted_at: float
    message_id: str


class FakeAPI(FakeService[Message]):
    """An in-process Paubox Email API: ``POST /messages``, ``POST /bulk_messages`` and
    ``GET /message_receipt``, under any base URL and with any API key.

    * ``transport`` / ``async_transport``: pass to ``Paubox(transport=...)`` /
      ``AsyncPaubox(transport=...)``, or build your own ``httpx.Client(transport=fake.transport)``
      and pass it as ``http_client=``.
    * ``sent``: every accepted ``Message``, parsed from the request as Paubox reads it, in order
      (a bulk send adds its messages in request order). ``requests``: every ``httpx.Request``.
    * Answers as Paubox does: a ``sourceTrackingId`` (a UUID), the ``X-`` headers echoed in
      ``customHeaders``, ``"data": "Service OK"``; bulk results in request order; a receipt
      (every recipient ``delivered``) for an id it issued, else 404 ``Message was not found``.
      A request Paubox would refuse gets its 400 ``{"errors": [...]}``.
    * ``fail_next(count, status=..., retry_after=..., timeout=..., disconnect=...)`` scripts
      failures; ``reset()`` forgets everything.
    """

    def __init__(self) -> None:
        self._held: dict[str, _Held] = {}
        super().__init__(
            {
                "/messages": {"POST": self._send_message},
                "/bulk_messages": {"POST": self._send_bulk_messages},
                "/message_receipt": {"GET": self._get_message_receipt},
            }
        )

    def error_response(self, status: int, words: str) -> httpx.Response:
        if status == 401:
            return json_response({"errors": [_UNAUTHORIZED]}, 401)
        return json_response({"errors": [{"code": status, "title": phrase(status), "details": words}]}, status)

    def refused_response(self, field: str, problem: str) -> httpx.Response:
        return json_response(
            {"errors": [{"code": 400, "title": "Invalid Request", "details": f"{field} {problem}"}]}, 400
        )

    def forget(self) -> None:
        self._held.clear()

    # ------------------------------------------------------------------------------- operations

    def _accept(self, message: Message) -> dict[str, Any]:
        tracking_id = str(uuid.uuid4())
        sender = email.utils.parseaddr(message.headers.from_)[1]
        domain = sender.rpartition("@")[2] or "paubox.net"
        self._held[tracking_id] = _Held(message, time.time(), f"<{uuid.uuid4()}@{domain}>")
        self.sent.append(message)
        echoed = {k: v for k, v in message.headers.additional_properties.items() if k.lower().startswith("x-")}
        return {"sourceTrackingId": tracking_id, "customHeaders": echoed, "data": "Service OK"}

    def _send_message(self, request: httpx.Request) -> httpx.Response:
        message = parse(SingleSendRequest, request_json(request)).data.message
        check_message(message, "data.message")
        return json_response(self._accept(message))

    def _send_bulk_messages(self, request: httpx.Request) -> httpx.Response:
        messages = parse(BulkSendRequest, request_json(request)).data.messages
        check_batch(messages)  # all or nothing: one refused message refuses the batch
        return json_response({"messages": [self._accept(message) for message in messages]})

    def _get_message_receipt(self, request: httpx.Request) -> httpx.Response:
        tracking_id = request.url.params.get("sourceTrackingId")
        if not tracking_id:
            raise Refused("sourceTrackingId", "is required")
        held = self._held.get(tracking_id)
        if held is None:
            error = {
                "code": 404,
                "status": "message_not_found",
                "title": "Message was not found",
                "details": "Message with this tracking id was not found",
            }
            return json_response({"errors": [error], "sourceTrackingId": tracking_id}, 404)
        message = held.message
        addresses = [*message.recipients, *(message.cc or ()), *(message.bcc or ())]
        when = email.utils.formatdate(held.accepted_at)
        single = len(addresses) == 1
        deliveries: list[dict[str, Any]] = []
        for address in addresses:
            status: dict[str, Any] = {"deliveryStatus": "delivered", "deliveryTime": when}
            if single:  # open data is reported for single-recipient messages only
                status.update(openedStatus=None, openedTime=None)
            deliveries.append({"recipient": email.utils.parseaddr(address)[1], "status": status})
        receipt: dict[str, Any] = {"id": held.message_id, "message_deliveries": deliveries}
        if single:
            receipt.update(total_opens=0, distinct_opens=0, total_click_count=0, clicks_per_link=[], unsubscribed=False)
        return json_response({"sourceTrackingId": tracking_id, "data": {"message": receipt}})
