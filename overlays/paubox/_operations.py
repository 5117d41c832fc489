"""Paubox: what each overlay call sends and how its answer is read (shared by sync and async).

Request building goes through the generated ``_get_kwargs`` of each operation module, so the spec
alone decides method, path, query and JSON body. Decoding applies Paubox's rules: 2xx is success;
an error status carries ``{"errors": [{code, status, title, details}]}``.
"""

# pyright: reportPrivateUsage=false
# (the overlay builds requests with each generated module's ``_get_kwargs`` on purpose: it is the
# one place that turns the spec into method, path, query and body)
from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast
from urllib.parse import quote

import httpx

from ._runtime.base import M, credential, parse_model, raise_status_error, response_json
from ._runtime.errors import BadRequestError, ClientError, InvalidRequestError, ResponseParseError, status_error_class
from ._runtime.redact import redact
from ._runtime.validate import as_text, base64_text, no_line_breaks, no_line_breaks_in_all, no_line_breaks_in_map
from .api.messages import get_message_receipt, send_bulk_messages, send_message
from .models import (
    ApiError,
    BulkSendRequest,
    BulkSendRequestData,
    BulkSendResponse,
    BulkSendResponseItem,
    ErrorResponse,
    Message,
    MessageReceiptErrorResponse,
    MessageReceiptResponse,
    SingleSendRequest,
    SingleSendRequestData,
    SingleSendResponse,
)
from .types import UNSET, Unset

T = TypeVar("T")

#: The current gateway: the API key alone identifies the account (Paubox's current SDKs send here).
DEFAULT_BASE_URL = "https://api.paubox.com/v1/email"
#: The legacy host, with the API username in the path; used when a username is given.
LEGACY_BASE_URL = "https://api.paubox.net/v1/{api_username}"
MAX_RECIPIENTS = 100
BULK_CHUNK_SIZE = 50


def settings(api_key: str | None, api_username: str | None, base_url: str | None) -> tuple[str, str]:
    """(base URL, API key) from the arguments or PAUBOX_API_KEY / PAUBOX_API_USERNAME / PAUBOX_BASE_URL.

    Without a base URL, a client with only a key talks to the gateway ``DEFAULT_BASE_URL``, and a
    client given a username too talks to the legacy host ``LEGACY_BASE_URL`` with that username in
    the path (legacy keys belong to a username). A base URL with an ``{api_username}`` placeholder
    needs the username; any other base URL is used as given.
    """
    key = credential(api_key, argument="api_key", env="PAUBOX_API_KEY")
    template = base_url or os.environ.get("PAUBOX_BASE_URL")
    if template is None:
        username = api_username or os.environ.get("PAUBOX_API_USERNAME") or None
        if username is None or not username.strip():
            return DEFAULT_BASE_URL, key
        template = LEGACY_BASE_URL
    if "{api_username}" in template:
        username = credential(api_username, argument="api_username", env="PAUBOX_API_USERNAME", secret=False)
        template = template.replace("{api_username}", quote(username, safe=""))
    return template, key


# --------------------------------------------------------------------------- validation


def check_message(message: Message, field: str = "message") -> None:
    """Paubox's documented rules, checked before anything is sent."""
    if not message.recipients:
        raise InvalidRequestError(f"{field}.recipients", "at least one recipient is required")
    addresses = [*message.recipients, *_list(message.cc), *_list(message.bcc)]
    if len(addresses) > MAX_RECIPIENTS:
        raise InvalidRequestError(
            f"{field}.recipients",
            f"{len(addresses)} addresses in recipients, cc and bcc; Paubox allows at most {MAX_RECIPIENTS}",
        )
    for name in ("recipients", "cc", "bcc"):
        no_line_breaks_in_all(f"{field}.{name}", getattr(message, name) or None)
    headers = message.headers
    for name, value in (("subject", headers.subject), ("from", headers.from_), ("reply-to", headers.reply_to)):
        no_line_breaks(f"{field}.headers.{name}", as_text(value))
    for name, value in (
        ("List-Unsubscribe", headers.list_unsubscribe),
        ("List-Unsubscribe-Post", headers.list_unsubscribe_post),
    ):
        no_line_breaks(f"{field}.headers.{name}", as_text(value))
    no_line_breaks_in_map(f"{field}.headers", headers.additional_properties)
    if not (as_text(message.content.textplain) or as_text(message.content.texthtml)):
        raise InvalidRequestError(f"{field}.content", "text/plain or text/html content is required")
    for index, attachment in enumerate(_list(message.attachments)):
        base64_text(f"{field}.attachments[{index}].content", attachment.content)
        no_line_breaks(f"{field}.attachments[{index}].fileName", attachment.file_name)


def _list(value: list[Any] | Unset | None) -> list[Any]:
    return value if isinstance(value, list) else []


def _flag(value: bool | None) -> bool | Unset:
    return UNSET if value is None else value


# --------------------------------------------------------------------------- requests


def send_message_request(
    message: Message,
    override_open_tracking: bool | None,
    override_link_tracking: bool | None,
    unsubscribe_url: str | None,
) -> dict[str, Any]:
    check_message(message)
    data = SingleSendRequestData(
        message=message,
        override_open_tracking=_flag(override_open_tracking),
        override_link_tracking=_flag(override_link_tracking),
        unsubscribe_url=UNSET if unsubscribe_url is None else unsubscribe_url,
    )
    return send_message._get_kwargs(body=SingleSendRequest(data=data))


def check_batch(messages: Sequence[Message]) -> None:
    if not messages:
        raise InvalidRequestError("messages", "at least one message is required")
    for index, message in enumerate(messages):
        check_message(message, f"messages[{index}]")


def send_bulk_messages_request(messages: Sequence[Message], *, checked: bool = False) -> dict[str, Any]:
    if not checked:
        check_batch(messages)
    return send_bulk_messages._get_kwargs(body=BulkSendRequest(data=BulkSendRequestData(messages=list(messages))))


def get_message_receipt_request(source_tracking_id: str) -> dict[str, Any]:
    if not source_tracking_id or not source_tracking_id.strip():
        raise InvalidRequestError("source_tracking_id", "is required")
    return get_message_receipt._get_kwargs(source_tracking_id=source_tracking_id)


# --------------------------------------------------------------------------- responses


def _error_detail(error: ErrorResponse | MessageReceiptErrorResponse | BulkSendResponseItem) -> str | None:
    """ "Title: details" of the first reported error."""
    errors: list[ApiError] = error.errors if isinstance(error.errors, list) else []
    if not errors:
        return None
    parts = [p for p in (errors[0].title, errors[0].details) if isinstance(p, str) and p]
    return ": ".join(parts) or None


def _raise_for_error(
    response: httpx.Response, error_model: type[ErrorResponse] | type[MessageReceiptErrorResponse]
) -> None:
    """Raise the typed error for a non-2xx answer. ``error_model`` is the operation's 404 body
    (``MessageReceiptErrorResponse`` for receipts); every other error status, and a 404 body
    without the echoed id, is read as the plain ``ErrorResponse`` envelope."""
    status = response.status_code
    if 200 <= status < 300:
        return
    if status < 400 or status >= 600:  # 1xx/3xx (redirects are not followed), or not HTTP at all
        raise ResponseParseError(
            f"unexpected HTTP status {status}", status_code=status, body=response.content, headers=response.headers
        )
    error: ErrorResponse | MessageReceiptErrorResponse | None = None
    for model in (error_model, ErrorResponse) if status == 404 else (ErrorResponse,):
        try:
            error = parse_model(model, response_json(response), response)
            break
        except ResponseParseError:
            continue  # an HTML page from a proxy, say: the status still decides the class
    detail = _error_detail(error) if error is not None else None
    raise_status_error(status_error_class(status), response, error, detail)


def _raise_for_error_envelope(response: httpx.Response, payload: Any, success_key: str) -> None:
    """A 2xx body that carries ``errors`` and not the success key is a failure, not a result.

    Paubox documents errors with 4xx statuses, but its own SDKs also read ``errors`` from 200
    bodies; a send that reports errors and no tracking id must not pass as sent.
    """
    if not isinstance(payload, dict) or success_key in payload:
        return
    body = cast(dict[str, Any], payload)
    if not isinstance(body.get("errors"), list) or not body["errors"]:
        return
    error = parse_model(ErrorResponse, body, response)
    first = error.errors[0] if isinstance(error.errors, list) and error.errors else None
    code = first.code if first is not None and isinstance(first.code, int) else None
    cls = status_error_class(code) if code is not None and 400 <= code < 600 else BadRequestError
    raise_status_error(cls, response, error, _error_detail(error))


def decoder(model: type[M], success_key: str, error_model: type[Any] = ErrorResponse) -> Callable[[httpx.Response], M]:
    def decode(response: httpx.Response) -> M:
        _raise_for_error(response, error_model)
        payload = response_json(response)
        _raise_for_error_envelope(response, payload, success_key)
        return parse_model(model, payload, response)

    return decode


_decode_single_send = decoder(SingleSendResponse, "sourceTrackingId")


def decode_send(response: httpx.Response) -> SingleSendResponse:
    """A send's answer; a 2xx without a tracking id is not a result (nothing to look the message up by)."""
    sent = _decode_single_send(response)
    if not isinstance(sent.source_tracking_id, str) or not sent.source_tracking_id:
        raise ResponseParseError(
            "response does not match SingleSendResponse: no sourceTrackingId",
            status_code=response.status_code,
            body=response.content,
            headers=response.headers,
        )
    return sent


decode_bulk = decoder(BulkSendResponse, "messages")
decode_receipt = decoder(MessageReceiptResponse, "data", MessageReceiptErrorResponse)


def bulk_chunk_decoder(start: int, stop: int) -> Callable[[httpx.Response], list[str | ClientError]]:
    """Decode the reply to messages ``start`` to ``stop - 1`` of a ``send_bulk``: per message, its
    tracking id or the error that kept it from being accepted.

    A reply with the wrong number of results is a ``ResponseParseError`` for the whole chunk (which
    result belongs to which message is unknowable); a result without a ``sourceTrackingId`` is a
    ``BadRequestError`` for that message alone. Both keep the raw body and headers of the reply.
    """

    def decode(response: httpx.Response) -> list[str | ClientError]:
        reply = decode_bulk(response)
        items = reply.messages if isinstance(reply.messages, list) else []
        expected = stop - start
        if len(items) != expected:
            raise ResponseParseError(
                f"Paubox answered {len(items)} results for {expected} messages",
                status_code=response.status_code,
                body=response.content,
                headers=response.headers,
            )
        outcomes: list[str | ClientError] = []
        for offset, item in enumerate(items):
            if isinstance(item.source_tracking_id, str) and item.source_tracking_id:
                outcomes.append(item.source_tracking_id)
                continue
            detail = _error_detail(item)
            message = f"message {start + offset} was not accepted" + (f": {detail}" if detail else "")
            outcomes.append(
                BadRequestError(
                    redact(message),
                    status_code=response.status_code,
                    error=item,
                    body=response.content,
                    headers=response.headers,
                )
            )
        return outcomes

    return decode
