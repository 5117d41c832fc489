"""SMTP.com: what each call sends and how its answer is read (used by the sync and async clients alike).

Request building goes through the generated ``_get_kwargs`` of each operation module, so the spec
alone decides method, path, query and body shape. The JSON body is then encoded once here (the
bytes that are measured against the 10 MB limit are the bytes that are sent). Decoding is the
runtime's with SMTP.com's JSend envelope: ``{"status": "success", "data": ...}`` is success;
``"fail"`` or ``"error"`` is an error whatever the HTTP status, with field-level messages under ``data``.
"""

# pyright: reportPrivateUsage=false
# (the overlay builds requests with each generated module's ``_get_kwargs`` on purpose: it is the
# one place that turns the spec into method, path, query and body)
from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any, cast

from ._runtime.calls import Call, SentMessage
from ._runtime.decode import Reply, VendorError, decode_model
from ._runtime.errors import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    InvalidRequestError,
    NotFoundError,
    ResponseParseError,
    ServerError,
)
from ._runtime.settings import Connection, credential, header_value, http_url, optional_setting
from ._runtime.validate import as_text, base64_text, no_line_breaks, no_line_breaks_in_map, required_text
from .api.messages import v4_messages_get, v4_messages_mime_post, v4_messages_post
from .client import AuthenticatedClient
from .helpers import (
    AUTH_HEADER,
    AUTH_MODES,
    AUTH_QUERY_PARAM,
    BASIC_USER,
    DEFAULT_BASE_URL,
    MAX_LIST_LIMIT,
    MAX_MESSAGE_BYTES,
    MAX_RECIPIENTS,
    MAX_SUBJECT_LENGTH,
    TimeArg,
    message_id,
)
from .models import (
    EmailAddress,
    ErrorEnvelope,
    MessageAttachment,
    MessageBody,
    MessagePart,
    MessagesListResponse,
    Originator,
    Recipients,
    SendMessageRequest,
    SendMessageResponse,
    SendMimeMessageRequest,
)
from .models.v4_messages_get_event import V4_MESSAGES_GET_EVENT_VALUES, V4MessagesGetEvent
from .types import UNSET, Unset

_HEADER_NAME = re.compile(r"[!-9;-~]+")  # printable ASCII except ":" (RFC 5322 ftext)
#: Parts of this type are refused by SMTP.com.
RFC822 = "message/rfc822"


_AUTH_DESCRIPTIONS: Mapping[str, str] = {
    "bearer": "Authorization: Bearer ***",
    "header": f"{AUTH_HEADER}: ***",
    "query": f"{AUTH_QUERY_PARAM}=*** (query parameter)",
    "basic": f"HTTP Basic {BASIC_USER}:***",
}


def connection(api_key: str | None, base_url: str | None, auth: str) -> Connection[AuthenticatedClient]:
    """Resolve the arguments, else SMTPCOM_API_KEY / SMTPCOM_BASE_URL; ``auth`` picks how the key travels."""
    if auth not in AUTH_MODES:
        raise ConfigurationError(f"auth must be one of {', '.join(map(repr, AUTH_MODES))}, got {auth!r}")
    key = credential(api_key, argument="api_key", env="SMTPCOM_API_KEY")
    if auth in ("bearer", "header"):
        header_value(key, argument="api_key", env="SMTPCOM_API_KEY")
    url = http_url(optional_setting(base_url, env="SMTPCOM_BASE_URL") or DEFAULT_BASE_URL, env="SMTPCOM_BASE_URL")
    # The generated functions require an AuthenticatedClient. Its httpx client is replaced by the
    # client's own, whose default headers or params carry the key in the chosen mode.
    generated = AuthenticatedClient(base_url=url, token=key, prefix="", auth_header_name=AUTH_HEADER)
    headers: dict[str, str] = {}
    params: dict[str, str] = {}
    secrets: tuple[str, ...] = (key,)
    if auth == "bearer":
        headers["Authorization"] = f"Bearer {key}"
    elif auth == "header":
        headers[AUTH_HEADER] = key
    elif auth == "query":
        params[AUTH_QUERY_PARAM] = key
    else:
        basic = base64.b64encode(f"{BASIC_USER}:{key}".encode()).decode("ascii")
        headers["Authorization"] = f"Basic {basic}"
        secrets = (key, basic)
    return Connection(
        base_url=url,
        generated=generated,
        auth_description=_AUTH_DESCRIPTIONS[auth],
        headers=headers,
        params=params,
        secrets=secrets,
        secret_in_url=auth == "query",
    )


# --------------------------------------------------------------------------- validation


def _path(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _list(value: list[Any] | Unset | None) -> list[Any]:
    return value if isinstance(value, list) else []


def _media_type(value: object) -> str:
    text = as_text(value) or ""
    return text.split(";", 1)[0].strip().lower()


def check_address(field: str, value: object) -> None:
    if not isinstance(value, EmailAddress):
        raise InvalidRequestError(field, f"must be an EmailAddress, got {type(value).__name__}")
    required_text(f"{field}.address", as_text(value.address))
    no_line_breaks(f"{field}.address", value.address)
    no_line_breaks(f"{field}.name", as_text(value.name))


def check_recipients(field: str, recipients: object) -> None:
    """At least one recipient; at most 1000 in to + cc + bcc; ``bulk_list`` stands alone."""
    if not isinstance(recipients, Recipients):
        raise InvalidRequestError(field, "is required (a Recipients with to, cc, bcc or bulk_list)")
    lists = {name: _list(getattr(recipients, name)) for name in ("to", "cc", "bcc", "bulk_list")}
    if not any(lists.values()):
        raise InvalidRequestError(field, "at least one address in to, cc, bcc or bulk_list is required")
    if lists["bulk_list"] and (lists["to"] or lists["cc"] or lists["bcc"]):
        raise InvalidRequestError(f"{field}.bulk_list", "cannot be combined with to, cc or bcc")
    count = len(lists["to"]) + len(lists["cc"]) + len(lists["bcc"])
    if count > MAX_RECIPIENTS:
        raise InvalidRequestError(
            field, f"{count} addresses in to, cc and bcc; SMTP.com allows at most {MAX_RECIPIENTS} per request"
        )
    for name, addresses in lists.items():
        for index, address in enumerate(addresses):
            check_address(f"{field}.{name}[{index}]", address)


def check_originator(field: str, originator: object) -> None:
    """At least one of ``from`` or ``reply_to``."""
    if not isinstance(originator, Originator):
        raise InvalidRequestError(field, "is required (an Originator with from_ or reply_to)")
    if isinstance(originator.from_, Unset) and isinstance(originator.reply_to, Unset):
        raise InvalidRequestError(field, "at least one of from or reply_to is required")
    for name, value in (("from", originator.from_), ("reply_to", originator.reply_to)):
        if not isinstance(value, Unset):
            check_address(f"{field}.{name}", value)


def check_custom_headers(field: str, headers: object) -> None:
    if isinstance(headers, Unset) or headers is None:
        return
    values: Mapping[str, object] = getattr(headers, "additional_properties", {})
    for name in values:
        if not isinstance(name, str) or not _HEADER_NAME.fullmatch(name):
            raise InvalidRequestError(f"{field}[{name!r}]", "is not a valid header name")
    no_line_breaks_in_map(field, values)


def _check_part(field: str, part: object) -> None:
    if not isinstance(part, MessagePart):
        raise InvalidRequestError(field, f"must be a MessagePart, got {type(part).__name__}")
    if _media_type(part.type_) == RFC822:
        raise InvalidRequestError(f"{field}.type", "message/rfc822 parts are not allowed by SMTP.com")
    if as_text(part.content) is None:
        raise InvalidRequestError(f"{field}.content", "must be text")
    for name in ("type_", "charset", "encoding", "version"):
        no_line_breaks(f"{field}.{name.rstrip('_')}", as_text(getattr(part, name)))


def _check_attachment(field: str, attachment: object) -> None:
    if not isinstance(attachment, MessageAttachment):
        raise InvalidRequestError(field, f"must be a MessageAttachment, got {type(attachment).__name__}")
    if _media_type(attachment.type_) == RFC822:
        raise InvalidRequestError(f"{field}.type", "message/rfc822 attachments are not allowed by SMTP.com")
    required_text(f"{field}.filename", as_text(attachment.filename))
    content = as_text(attachment.content)
    if content is None:
        raise InvalidRequestError(f"{field}.content", "must be text (base64 with encoding='base64')")
    for name in ("type_", "filename", "cid", "encoding", "version"):
        no_line_breaks(f"{field}.{name.rstrip('_')}", as_text(getattr(attachment, name)))
    if (as_text(attachment.encoding) or "").strip().lower() == "base64":
        base64_text(f"{field}.content", content)


def check_body(field: str, body: object) -> None:
    """At least one part or one attachment. The service accepts a body of attachments alone (SMTP.com's
    own Python library sends one) and even no body, but an email with no content at all is a mistake."""
    if not isinstance(body, MessageBody):
        raise InvalidRequestError(field, "is required (a MessageBody with at least one part or attachment)")
    parts = _list(body.parts)
    attachments = _list(body.attachments)
    if not parts and not attachments:
        raise InvalidRequestError(f"{field}.parts", "at least one part or one attachment is required")
    for index, part in enumerate(parts):
        _check_part(f"{field}.parts[{index}]", part)
    for index, attachment in enumerate(attachments):
        _check_attachment(f"{field}.attachments[{index}]", attachment)


def check_send_request(message: object, field: str = "message") -> None:
    """SMTP.com's documented rules for ``POST /v4/messages``, checked before anything is sent."""
    if not isinstance(message, SendMessageRequest):
        raise InvalidRequestError(field, f"must be a SendMessageRequest, got {type(message).__name__}")
    required_text(_path(field, "channel"), as_text(message.channel))
    check_recipients(_path(field, "recipients"), message.recipients)
    check_originator(_path(field, "originator"), message.originator)
    subject = message.subject
    if not isinstance(subject, Unset):
        text = as_text(subject)
        no_line_breaks(_path(field, "subject"), text)
        if text is not None and len(text) > MAX_SUBJECT_LENGTH:
            raise InvalidRequestError(
                _path(field, "subject"), f"{len(text)} characters; at most {MAX_SUBJECT_LENGTH} are allowed"
            )
    check_custom_headers(_path(field, "custom_headers"), message.custom_headers)
    check_body(_path(field, "body"), message.body)


def _mime_has_rfc822_part(mime: str) -> bool:
    if RFC822 not in mime.lower():  # cheap pre-check before parsing the document
        return False
    import email.parser  # only for documents that mention message/rfc822
    import email.policy

    parsed = email.parser.Parser(policy=email.policy.compat32).parsestr(mime)
    return any(part.get_content_type() == RFC822 for part in parsed.walk())


def check_mime_request(message: object, field: str = "message", mime_field: str | None = None) -> None:
    """The rules for ``POST /v4/messages/mime``: those of a send, applied to the envelope and the MIME document."""
    if not isinstance(message, SendMimeMessageRequest):
        raise InvalidRequestError(field, f"must be a SendMimeMessageRequest, got {type(message).__name__}")
    mime_field = mime_field or _path(field, "mime")
    required_text(_path(field, "channel"), as_text(message.channel))
    check_recipients(_path(field, "recipients"), message.recipients)
    check_originator(_path(field, "originator"), message.originator)
    mime = as_text(message.mime)
    required_text(mime_field, mime)
    assert mime is not None
    try:
        size = len(mime.encode("utf-8"))
    except UnicodeEncodeError:
        raise InvalidRequestError(mime_field, "is not valid Unicode text") from None
    _check_size(mime_field, size, "MIME document")
    if _mime_has_rfc822_part(mime):
        raise InvalidRequestError(mime_field, "message/rfc822 parts are not allowed by SMTP.com")


def _check_size(field: str, size: int, what: str) -> None:
    if size >= MAX_MESSAGE_BYTES:
        raise InvalidRequestError(
            field, f"the {what} is {size} bytes; SMTP.com refuses messages of {MAX_MESSAGE_BYTES} bytes or more"
        )


def _encode_json(kwargs: dict[str, Any], field: str) -> bytes:
    """Serialise the generated ``json=`` body to the exact bytes sent (as httpx 0.28 would)."""
    try:
        content = json.dumps(kwargs.pop("json"), ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        encoded = content.encode("utf-8")
    except (TypeError, ValueError) as exc:
        raise InvalidRequestError(field, f"cannot be encoded as JSON: {exc}") from None
    kwargs["content"] = encoded
    return encoded


# --------------------------------------------------------------------------- requests


def send_request(message: SendMessageRequest) -> Call[SentMessage[SendMessageResponse]]:
    check_send_request(message)
    kwargs = v4_messages_post._get_kwargs(body=message)
    _check_size("message", len(_encode_json(kwargs, "message")), "JSON body")
    return Call(kwargs, decode_send, delivers=True)


def send_mime_request(
    message: SendMimeMessageRequest, *, field: str = "message", mime_field: str | None = None
) -> Call[SentMessage[SendMessageResponse]]:
    check_mime_request(message, field, mime_field)
    kwargs = v4_messages_mime_post._get_kwargs(body=message)
    _encode_json(kwargs, field or mime_field or "message")
    return Call(kwargs, decode_send, delivers=True)


def _time(field: str, value: object) -> str:
    if value is None:
        raise InvalidRequestError(field, "is required")
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise InvalidRequestError(field, "a datetime must be timezone-aware")
        return str(int(value.timestamp()))
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise InvalidRequestError(field, "epoch seconds must not be negative")
        return str(value)
    if isinstance(value, str):
        if not value.strip():
            raise InvalidRequestError(field, "must not be blank")
        no_line_breaks(field, value)
        return value.strip()
    raise InvalidRequestError(field, "must be RFC 2822 text, UNIX epoch seconds or a timezone-aware datetime")


def _int(field: str, value: object, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidRequestError(field, "must be an integer")
    if value < low or (high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise InvalidRequestError(field, f"must be {bounds}, got {value}")
    return value


def list_request(
    channel: str,
    start: TimeArg,
    limit: int,
    offset: int,
    end: TimeArg | None,
    event: V4MessagesGetEvent | None,
    msg_id: str | None,
) -> Call[MessagesListResponse]:
    required_text("channel", as_text(channel))
    event_value: V4MessagesGetEvent | Unset = UNSET
    if event is not None:
        if event not in V4_MESSAGES_GET_EVENT_VALUES:
            raise InvalidRequestError("event", f"must be one of {sorted(V4_MESSAGES_GET_EVENT_VALUES)}, got {event!r}")
        event_value = event
    if msg_id is not None:
        required_text("msg_id", as_text(msg_id))
    kwargs = v4_messages_get._get_kwargs(
        channel=channel,
        start=_time("start", start),
        limit=_int("limit", limit, 1, MAX_LIST_LIMIT),
        offset=_int("offset", offset, 0),
        end=UNSET if end is None else _time("end", end),
        event=event_value,
        msg_id=UNSET if msg_id is None else msg_id,
    )
    return Call(kwargs, decode_list)


# --------------------------------------------------------------------------- responses


def _flatten(prefix: str, value: object, into: list[str]) -> None:
    if isinstance(value, Mapping):
        for key, item in cast(Mapping[object, object], value).items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), item, into)
    elif isinstance(value, list):
        items = cast(list[object], value)
        text = ", ".join(v if isinstance(v, str) else json.dumps(v) for v in items)
        into.append(f"{prefix}: {text}" if prefix else text)
    elif value is not None:
        text = value if isinstance(value, str) else json.dumps(value)
        into.append(f"{prefix}: {text}" if prefix else text)


def describe(envelope: ErrorEnvelope) -> str:
    """The vendor's own words: ``"start: could not be blank; limit: must be provided"``."""
    parts: list[str] = []
    if isinstance(envelope.message, str) and envelope.message:
        parts.append(envelope.message)
    if not isinstance(envelope.data, Unset):
        data = envelope.data.to_dict()
        errors = data.pop("errors", None)
        _flatten("", errors, parts)
        _flatten("", data, parts)
    return "; ".join(parts)


def _failure_class(envelope: ErrorEnvelope) -> type[APIStatusError]:
    """The error class for a JSend failure that arrived with a 2xx status."""
    if envelope.status == "error":
        return ServerError
    data = envelope.data
    if not isinstance(data, Unset):
        if isinstance(data.api_key, str):
            return AuthenticationError
        if isinstance(data.error, str) and "not found" in data.error.lower():
            return NotFoundError
    return BadRequestError


def _words(reply: Reply, envelope: ErrorEnvelope | None) -> str:
    request = reply.response.request
    where = f"{request.method} {request.url.path}"
    said = describe(envelope) if envelope is not None else ""
    if said:
        return f"SMTP.com refused {where}: {said}"
    if envelope is not None:
        return f"SMTP.com refused {where} (status {envelope.status!r}, no details)"
    return f"{where} failed; the body is not SMTP.com's JSON error envelope"


def _envelope(reply: Reply, payload: Any) -> ErrorEnvelope | None:
    try:
        return reply.model(ErrorEnvelope, payload)
    except ResponseParseError:
        return None


class JSendEnvelope:
    """SMTP.com answers in JSend: ``"status": "fail"`` or ``"error"`` is an error whatever the HTTP status."""

    def error_in_success(self, payload: Any, reply: Reply) -> VendorError | None:
        status = cast(Mapping[str, object], payload).get("status") if isinstance(payload, Mapping) else None
        if status not in ("fail", "error"):
            return None
        envelope = _envelope(reply, payload)
        if envelope is not None:
            return VendorError(envelope, _words(reply, envelope), _failure_class(envelope))
        return VendorError(None, _words(reply, None), ServerError if status == "error" else BadRequestError)

    def error_in_failure(self, payload: Any, reply: Reply) -> VendorError:
        envelope = _envelope(reply, payload) if payload is not None else None
        return VendorError(envelope, _words(reply, envelope))


_JSEND = JSendEnvelope()


def decode_send(reply: Reply) -> SentMessage[SendMessageResponse]:
    sent = decode_model(reply, _JSEND, SendMessageResponse)
    found = message_id(sent)
    if found is None:
        raise reply.parse_error("SMTP.com accepted the request but its answer names no msg_id")
    return SentMessage(found, sent)


def decode_list(reply: Reply) -> MessagesListResponse:
    return decode_model(reply, _JSEND, MessagesListResponse)
