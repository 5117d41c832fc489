"""Paubox: what each call sends and how its answer is read (used by the sync and async clients alike).

Request building goes through the generated ``_get_kwargs`` of each operation module, so the spec
alone decides method, path, query and JSON body. Decoding is the runtime's (``_runtime/decode.py``)
with Paubox's envelope: an error is ``{"errors": [{code, status, title, details}]}``.
"""

# pyright: reportPrivateUsage=false
# (the overlay builds requests with each generated module's ``_get_kwargs`` on purpose: it is the
# one place that turns the spec into method, path, query and body)
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast
from urllib.parse import quote

from ._runtime.calls import Call, SentMessage
from ._runtime.decode import Reply, VendorError, decode_model, success_payload
from ._runtime.errors import BadRequestError, ClientError, InvalidRequestError, status_error_class
from ._runtime.settings import Connection, credential, header_value, http_url, optional_setting
from ._runtime.validate import as_text, base64_text, no_line_breaks, no_line_breaks_in_all, no_line_breaks_in_map
from .api.messages import get_message_receipt, send_bulk_messages, send_message
from .client import AuthenticatedClient
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

#: The current gateway: the API key alone identifies the account (Paubox's current SDKs send here).
DEFAULT_BASE_URL = "https://api.paubox.com/v1/email"
#: The legacy host, with the API username in the path; used when a username is given.
LEGACY_BASE_URL = "https://api.paubox.net/v1/{api_username}"
MAX_RECIPIENTS = 100
BULK_CHUNK_SIZE = 50


def connection(api_key: str | None, api_username: str | None, base_url: str | None) -> Connection[AuthenticatedClient]:
    """Resolve the arguments, else PAUBOX_API_KEY / PAUBOX_API_USERNAME / PAUBOX_BASE_URL.

    Without a base URL, a client with only a key talks to the gateway ``DEFAULT_BASE_URL``, and a
    client given a username too talks to the legacy host ``LEGACY_BASE_URL`` with that username in
    the path (legacy keys belong to a username). A base URL with an ``{api_username}`` placeholder
    needs the username; any other base URL is used as given.
    """
    key = header_value(
        credential(api_key, argument="api_key", env="PAUBOX_API_KEY"), argument="api_key", env="PAUBOX_API_KEY"
    )
    template = optional_setting(base_url, env="PAUBOX_BASE_URL")
    if template is None:
        template = LEGACY_BASE_URL if optional_setting(api_username, env="PAUBOX_API_USERNAME") else DEFAULT_BASE_URL
    if "{api_username}" in template:
        username = credential(api_username, argument="api_username", env="PAUBOX_API_USERNAME")
        template = template.replace("{api_username}", quote(username, safe=""))
    url = http_url(template, env="PAUBOX_BASE_URL")
    return Connection(
        base_url=url,
        generated=AuthenticatedClient(base_url=url, token=f"token={key}", prefix="Token"),
        auth_description="Authorization: Token token=***",
        headers={"Authorization": f"Token token={key}"},
        secrets=(key,),
    )


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
    for name, value in (
        ("subject", headers.subject),
        ("from", headers.from_),
        ("reply-to", headers.reply_to),
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


def check_batch(messages: Sequence[Message]) -> None:
    if not messages:
        raise InvalidRequestError("messages", "at least one message is required")
    for index, message in enumerate(messages):
        check_message(message, f"messages[{index}]")


def _list(value: list[Any] | Unset | None) -> list[Any]:
    return value if isinstance(value, list) else []


def _flag(value: bool | None) -> bool | Unset:
    return UNSET if value is None else value


# --------------------------------------------------------------------------- the envelope


def _words(error: ErrorResponse | MessageReceiptErrorResponse | BulkSendResponseItem) -> str | None:
    """ "Title: details" of the first reported error: the vendor's own words."""
    errors: list[ApiError] = error.errors if isinstance(error.errors, list) else []
    if not errors:
        return None
    parts = [p for p in (errors[0].title, errors[0].details) if isinstance(p, str) and p]
    return ": ".join(parts) or None


class PauboxEnvelope:
    """Paubox names an error in an ``errors`` array; ``error_model`` is the operation's 404 body."""

    def __init__(
        self, success_key: str, error_model: type[ErrorResponse | MessageReceiptErrorResponse] = ErrorResponse
    ):
        self.success_key = success_key
        self.error_model = error_model

    def error_in_success(self, payload: Any, reply: Reply) -> VendorError | None:
        """A 2xx body with ``errors`` and without the success key is a failure: Paubox documents errors
        with 4xx statuses, but its own SDKs also read ``errors`` from 200 bodies."""
        if not isinstance(payload, dict) or self.success_key in payload:
            return None
        body = cast(dict[str, Any], payload)
        if not isinstance(body.get("errors"), list) or not body["errors"]:
            return None
        try:
            error = reply.model(ErrorResponse, body)
        except ClientError:  # errors Paubox did not shape as documented: still not a result
            return VendorError(None, None, BadRequestError)
        first = error.errors[0] if isinstance(error.errors, list) and error.errors else None
        code = first.code if first is not None and isinstance(first.code, int) else None
        cls = status_error_class(code) if code is not None and 400 <= code < 600 else BadRequestError
        return VendorError(error, _words(error), cls)

    def error_in_failure(self, payload: Any, reply: Reply) -> VendorError:
        status = reply.response.status_code
        for model in (self.error_model, ErrorResponse) if status == 404 else (ErrorResponse,):
            if payload is None:
                break
            try:
                error = reply.model(model, payload)
            except ClientError:
                continue
            return VendorError(error, _words(error))
        return VendorError()


_SEND = PauboxEnvelope("sourceTrackingId")
_BULK = PauboxEnvelope("messages")
_RECEIPT = PauboxEnvelope("data", MessageReceiptErrorResponse)


def decode_send(reply: Reply) -> SentMessage[SingleSendResponse]:
    sent = decode_model(reply, _SEND, SingleSendResponse)
    if not isinstance(sent.source_tracking_id, str) or not sent.source_tracking_id:
        raise reply.parse_error("response does not match SingleSendResponse: no 'sourceTrackingId'")
    return SentMessage(sent.source_tracking_id, sent)


def decode_bulk(reply: Reply) -> BulkSendResponse:
    return decode_model(reply, _BULK, BulkSendResponse)


def decode_receipt(reply: Reply) -> MessageReceiptResponse:
    return reply.model(MessageReceiptResponse, success_payload(reply, _RECEIPT))


def bulk_chunk_decoder(start: int, stop: int) -> Callable[[Reply], list[str | ClientError]]:
    """Decode the reply to messages ``start`` to ``stop - 1`` of a ``send_bulk``: per message, its
    tracking id or the error that kept it from being accepted.

    A reply with the wrong number of results is a ``ResponseParseError`` for the whole chunk (which
    result belongs to which message is unknowable); a result without a ``sourceTrackingId`` is a
    ``BadRequestError`` for that message alone. Both keep the raw body and headers of the reply.
    """

    def decode(reply: Reply) -> list[str | ClientError]:
        items = decode_bulk(reply).messages
        results = items if isinstance(items, list) else []
        if len(results) != stop - start:
            raise reply.parse_error(f"Paubox answered {len(results)} results for {stop - start} messages")
        outcomes: list[str | ClientError] = []
        for offset, item in enumerate(results):
            if isinstance(item.source_tracking_id, str) and item.source_tracking_id:
                outcomes.append(item.source_tracking_id)
                continue
            words = _words(item)
            said = f"message {start + offset} was not accepted" + (f": {words}" if words else "")
            outcomes.append(reply.status_error(VendorError(item, said, BadRequestError)))
        return outcomes

    return decode


# --------------------------------------------------------------------------- requests


def send_message_request(
    message: Message,
    override_open_tracking: bool | None,
    override_link_tracking: bool | None,
    unsubscribe_url: str | None,
) -> Call[SentMessage[SingleSendResponse]]:
    check_message(message)
    data = SingleSendRequestData(
        message=message,
        override_open_tracking=_flag(override_open_tracking),
        override_link_tracking=_flag(override_link_tracking),
        unsubscribe_url=UNSET if unsubscribe_url is None else unsubscribe_url,
    )
    return Call(send_message._get_kwargs(body=SingleSendRequest(data=data)), decode_send, delivers=True)


def _bulk_kwargs(messages: Sequence[Message]) -> dict[str, Any]:
    return send_bulk_messages._get_kwargs(body=BulkSendRequest(data=BulkSendRequestData(messages=list(messages))))


def send_bulk_messages_request(messages: Sequence[Message]) -> Call[BulkSendResponse]:
    check_batch(messages)
    return Call(_bulk_kwargs(messages), decode_bulk, delivers=True)


def bulk_chunk_request(batch: Sequence[Message], start: int, stop: int) -> Call[list[str | ClientError]]:
    """One chunk of a ``send_bulk`` whose messages were all checked already."""
    return Call(_bulk_kwargs(batch[start:stop]), bulk_chunk_decoder(start, stop), delivers=True)


def get_message_receipt_request(source_tracking_id: str) -> Call[MessageReceiptResponse]:
    if not isinstance(source_tracking_id, str) or not source_tracking_id.strip():  # pyright: ignore[reportUnnecessaryIsInstance]
        raise InvalidRequestError("source_tracking_id", "is required")
    return Call(get_message_receipt._get_kwargs(source_tracking_id=source_tracking_id), decode_receipt)
