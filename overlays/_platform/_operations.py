"""The SendClean platform: what each call sends and how its answer is read (sync and async alike).

Written once and copied into both brands' packages (``sendclean_client``, ``poweremail_client``),
so everything here refers to the generated modules by relative import and works with either
package's models. What differs between the brands is a ``Brand`` record (environment variable
prefix, default app domain, name).

Request building goes through the generated ``_get_kwargs`` of each operation module, so the spec
alone decides method, path, query and JSON body; this module only injects ``owner_id`` and
``token`` (the platform has no auth header: credentials are ordinary body fields, or query
parameters for the legacy GET). Decoding is the runtime's with the platform's envelope: an error is
reported in the body as ``{"status": "error", "code": ..., "name": ..., "message": ...}``, usually
with HTTP 200, so the raw ``status`` field decides, never the HTTP status alone.
"""

# pyright: reportPrivateUsage=false
# (the overlay builds requests with each generated module's ``_get_kwargs`` on purpose: it is the
# one place that turns the spec into method, path, query and body)
from __future__ import annotations

import copy
import os
import re
import uuid
from collections.abc import Callable, Mapping
from typing import Any, Final, TypeVar, cast

from attrs import define, field

from ._runtime.calls import Call, SentMessage
from ._runtime.decode import Reply, VendorError, decode_model
from ._runtime.errors import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    InvalidRequestError,
    ResponseParseError,
    ServerError,
)
from ._runtime.settings import Connection, credential, http_url, optional_setting
from ._runtime.validate import as_text, base64_text, no_line_breaks, no_line_breaks_in_map, required_text
from .api.messages import get_message_info, send_mail, send_template, send_template_http_get
from .client import Client
from .models import (
    Attachment,
    ErrorEnvelope,
    GetMessageInfoRequest,
    InlineImage,
    Message,
    MessageHeaders,
    MessageInfoResult,
    Recipient,
    SendMailRequest,
    SendResult,
    SendTemplateHttpGetDynamicValue,
    SendTemplateRequest,
    TemplateMessage,
    TemplateMessageDynamicValue,
)
from .types import UNSET, Unset

T = TypeVar("T")

#: ``https://api.<app domain>/v1.0``: the platform's URL scheme (spec ``servers``).
BASE_URL_TEMPLATE: Final = "https://api.{app_domain}/v1.0"

# A bare host name, optionally with a port: "us1-mta1.sendclean.net", not "https://..." or "a/b".
_HOST_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?")
_RECIPIENT_TYPES: Final = ("to", "cc", "bcc")
#: ``getMessageInfo`` answers at most this many rows per ``skip_page``.
MESSAGE_INFO_PAGE_SIZE: Final = 100


@define(frozen=True)
class Brand:
    """What distinguishes one brand of the platform from another.

    ``name`` is the product name used in messages ("SendClean"), ``env_prefix`` the prefix of its
    environment variables (``SENDCLEAN`` -> ``SENDCLEAN_TOKEN``), ``default_app_domain`` the
    default of the spec's ``appDomain`` server variable.
    """

    name: str
    env_prefix: str
    default_app_domain: str

    def env(self, setting: str) -> str:
        """The environment variable for ``setting``: ``OWNER_ID`` -> ``SENDCLEAN_OWNER_ID``."""
        return f"{self.env_prefix}_{setting}"


@define(frozen=True)
class Settings:
    """A client's resolved configuration. The token never appears in its repr."""

    brand: Brand
    base_url: str
    owner_id: str
    token: str = field(repr=False)
    smtp_user_name: str | None = None

    def connection(self) -> Connection[Client]:
        """No auth header and no default query: ``owner_id`` and ``token`` go into each request body
        (or the legacy GET's query, so httpx's log lines are masked)."""
        return Connection(
            base_url=self.base_url,
            generated=Client(base_url=self.base_url),
            auth_description=f"owner_id={self.owner_id}, token=*** (body fields)",
            secrets=(self.token,),
            secret_in_url=True,
        )


def settings(
    brand: Brand,
    owner_id: str | None,
    token: str | None,
    app_domain: str | None,
    smtp_user_name: str | None,
    base_url: str | None,
) -> Settings:
    """Resolve the arguments, else the ``<PREFIX>_*`` environment variables, else the defaults.

    ``base_url`` (or ``<PREFIX>_BASE_URL``), when given, is used as is: another host of the
    platform, or the local sandbox; otherwise the URL is ``https://api.<app_domain>/v1.0``.
    """
    owner = credential(owner_id, argument="owner_id", env=brand.env("OWNER_ID"))
    key = credential(token, argument="token", env=brand.env("TOKEN"))
    url = optional_setting(base_url, env=brand.env("BASE_URL"))
    if url is not None:  # any host of the platform: api.unifiedrml.com, rapidemail.rmlconnect.net, ...
        url = http_url(url, env=brand.env("BASE_URL"))
    else:
        domain = (app_domain or os.environ.get(brand.env("APP_DOMAIN")) or brand.default_app_domain).strip()
        if not _HOST_NAME.fullmatch(domain):
            raise ConfigurationError(
                f"app_domain must be a bare host name such as {brand.default_app_domain!r}, got {domain!r}:"
                f" pass app_domain=... or set the {brand.env('APP_DOMAIN')} environment variable"
            )
        url = BASE_URL_TEMPLATE.format(app_domain=domain)
    smtp_user_name = optional_setting(smtp_user_name, env=brand.env("SMTP_USER_NAME"))
    return Settings(brand, url.rstrip("/"), owner, key, smtp_user_name)


# --------------------------------------------------------------------------- validation


def _instance(field: str, value: object, cls: type[T]) -> T:
    if not isinstance(value, cls):
        raise InvalidRequestError(field, f"expected {cls.__name__}, got {type(value).__name__}")
    return value


def _required_text(field: str, value: object) -> str:
    if not isinstance(value, str):
        raise InvalidRequestError(field, f"must be a string, got {type(value).__name__}")
    required_text(field, value)
    return value


def _smtp_user_name(settings: Settings, override: str | None) -> str:
    name = override if override is not None else settings.smtp_user_name
    if name is None or not name.strip():
        raise InvalidRequestError(
            "smtp_user_name",
            f"is required: pass smtp_user_name=... to this call or to {settings.brand.name}(...),"
            f" or set the {settings.brand.env('SMTP_USER_NAME')} environment variable",
        )
    no_line_breaks("smtp_user_name", name)
    return name


def _items(field: str, value: object) -> list[object]:
    """A list field's items; ``UNSET`` is empty, anything but a list (``None`` too) is rejected."""
    if isinstance(value, Unset):
        return []
    if not isinstance(value, list):
        raise InvalidRequestError(field, f"expected a list, got {type(value).__name__}")
    return cast(list[object], value)


def _check_recipient(where: str, item: object) -> None:
    recipient = _instance(where, item, Recipient)
    no_line_breaks(f"{where}.email", _required_text(f"{where}.email", recipient.email))
    no_line_breaks(f"{where}.name", as_text(recipient.name))
    kind: object = recipient.type_
    if not isinstance(kind, Unset) and kind not in _RECIPIENT_TYPES:
        raise InvalidRequestError(f"{where}.type", f"must be one of {', '.join(_RECIPIENT_TYPES)}, got {kind!r}")


def _check_attachment(where: str, item: object) -> None:
    attachment = _instance(where, item, Attachment)
    no_line_breaks(f"{where}.type", as_text(attachment.type_))
    no_line_breaks(f"{where}.name", as_text(attachment.name))
    base64_text(f"{where}.content", _required_text(f"{where}.content", attachment.content))


def _check_image(where: str, item: object) -> None:
    image = _instance(where, item, InlineImage)
    image_type = as_text(image.type_) or ""
    if not image_type.startswith("image/"):
        raise InvalidRequestError(
            f"{where}.type", f"must be an image MIME type starting with 'image/', got {image_type!r}"
        )
    no_line_breaks(f"{where}.type", image_type)
    no_line_breaks(f"{where}.name", as_text(image.name))
    base64_text(f"{where}.content", _required_text(f"{where}.content", image.content))


def _check_envelope(message: Message | TemplateMessage, field: str) -> None:
    """The rules ``Message`` and ``TemplateMessage`` share: recipients, headers, files."""
    recipients = _items(f"{field}.to", message.to)
    if not recipients:
        raise InvalidRequestError(f"{field}.to", "at least one recipient is required")
    for index, recipient in enumerate(recipients):
        _check_recipient(f"{field}.to[{index}]", recipient)
    for name in ("subject", "from_email", "from_name"):
        no_line_breaks(f"{field}.{name}", as_text(getattr(message, name)))
    if not isinstance(message.headers, Unset):
        headers = _instance(f"{field}.headers", message.headers, MessageHeaders)
        no_line_breaks_in_map(f"{field}.headers", headers.to_dict())
    for index, attachment in enumerate(_items(f"{field}.attachments", message.attachments)):
        _check_attachment(f"{field}.attachments[{index}]", attachment)
    for index, image in enumerate(_items(f"{field}.images", message.images)):
        _check_image(f"{field}.images[{index}]", image)


def check_message(value: object, field: str = "message") -> Message:
    """The platform's documented rules for a ``sendMail`` message, checked before anything is sent."""
    message = _instance(field, value, Message)
    if not (as_text(message.html) or as_text(message.text)):
        raise InvalidRequestError(f"{field}.html", f"{field}.html or {field}.text content is required")
    _check_envelope(message, field)
    return message


def check_template_message(value: object, field: str = "message") -> TemplateMessage:
    """The platform's documented rules for a ``sendTemplate`` message."""
    message = _instance(field, value, TemplateMessage)
    _required_text(f"{field}.template_id", message.template_id)
    if not isinstance(message.dynamic_value, Unset):
        _instance(f"{field}.dynamic_value", message.dynamic_value, TemplateMessageDynamicValue)
    _check_envelope(message, field)
    return message


def _dynamic_values(values: Mapping[str, str] | None) -> SendTemplateHttpGetDynamicValue | Unset:
    if not values:
        return UNSET
    result = SendTemplateHttpGetDynamicValue()
    for name, value in values.items():
        result[_dynamic_name(name)] = _dynamic_text(name, value)
    return result


def _dynamic_name(name: object) -> str:
    # "dynamic_value[a]b]" would not survive the platform's bracket parsing
    if not isinstance(name, str) or not name or "[" in name or "]" in name:
        raise InvalidRequestError(
            f"dynamic_value[{name!r}]", "a dynamic field name must be a non-empty string without '[' or ']'"
        )
    return name


def _dynamic_text(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise InvalidRequestError(f"dynamic_value[{name!r}]", f"must be a string, got {type(value).__name__}")
    return value


def _page(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidRequestError(
            "skip_page", f"must be a whole number >= 0 (0 = the first 100 records), got {value!r}"
        )
    return value


# --------------------------------------------------------------------------- requests


M_ = TypeVar("M_", Message, TemplateMessage)


def with_unique_id(message: M_) -> tuple[M_, str]:
    """The message with an ``X-Unique-Id`` header, and that id.

    The platform's answer to a send names no message; ``getMessageInfo`` finds messages by this
    header. A message that has one keeps it; otherwise a copy gets a random one (``message``
    itself is not changed).
    """
    headers = message.headers if isinstance(message.headers, MessageHeaders) else MessageHeaders()
    if isinstance(headers.x_unique_id, str) and headers.x_unique_id.strip():
        return message, headers.x_unique_id
    for name, value in headers.additional_properties.items():  # set as headers["X-Unique-Id"], any case
        if name.lower() == "x-unique-id" and value.strip():
            return message, value
    headers = copy.copy(headers)
    headers.x_unique_id = uuid.uuid4().hex
    tagged = copy.copy(message)
    tagged.headers = headers
    return tagged, headers.x_unique_id


def send_mail_request(
    settings: Settings, message: Message, smtp_user_name: str | None
) -> Call[SentMessage[SendResult]]:
    checked, unique_id = with_unique_id(check_message(message))
    body = SendMailRequest(
        owner_id=settings.owner_id,
        token=settings.token,
        smtp_user_name=_smtp_user_name(settings, smtp_user_name),
        message=checked,
    )
    return Call(send_mail._get_kwargs(body=body), sent_decoder(unique_id), delivers=True)


def send_template_request(
    settings: Settings, message: TemplateMessage, smtp_user_name: str | None
) -> Call[SentMessage[SendResult]]:
    checked, unique_id = with_unique_id(check_template_message(message))
    body = SendTemplateRequest(
        owner_id=settings.owner_id,
        token=settings.token,
        smtp_user_name=_smtp_user_name(settings, smtp_user_name),
        message=checked,
    )
    return Call(send_template._get_kwargs(body=body), sent_decoder(unique_id), delivers=True)


def get_message_info_request(settings: Settings, x_unique_id: str, skip_page: int) -> Call[MessageInfoResult]:
    _required_text("x_unique_id", x_unique_id)
    page = _page(skip_page)
    # skip_page is always sent: PowerEmail requires it, SendClean defaults it to 0 anyway.
    body = GetMessageInfoRequest(
        owner_id=settings.owner_id, token=settings.token, x_unique_id=x_unique_id, skip_page=page
    )
    return Call(get_message_info._get_kwargs(body=body), decode_message_info)


def send_template_http_get_request(
    settings: Settings,
    *,
    template_id: str,
    to: str,
    subject: str,
    from_email: str,
    dynamic_value: Mapping[str, str] | None,
    smtp_user_name: str | None,
) -> Call[SendResult]:
    """The legacy GET: every argument, the token included, goes into the query string. It delivers
    an email, so it is retried like a send; it can carry no ``X-Unique-Id``, so it returns the
    platform's ``SendResult`` as is."""
    for name, value in (("template_id", template_id), ("to", to), ("subject", subject), ("from_email", from_email)):
        no_line_breaks(name, _required_text(name, value))
    kwargs = send_template_http_get._get_kwargs(
        owner_id=settings.owner_id,
        token=settings.token,
        smtp_user_name=_smtp_user_name(settings, smtp_user_name),
        template_id=template_id,
        subject=subject,
        from_email=from_email,
        to=to,
        dynamic_value=_dynamic_values(dynamic_value),
    )
    return Call(kwargs, decode_send_result, delivers=True)


# --------------------------------------------------------------------------- responses

#: The platform's error name -> exception class (HTTP 200 error bodies). ``Invalid_Key`` is the
#: Mandrill-era name the official clients still map; it means bad credentials.
ERROR_CLASSES: Final[Mapping[str, type[APIStatusError]]] = {
    "AuthenticationError": AuthenticationError,
    "Invalid_Key": AuthenticationError,
    "ValidationError": BadRequestError,
    "GeneralError": ServerError,
}


class PlatformEnvelope:
    """``{"status": "error", "code": ..., "name"|"type": ..., "message": ...}``, with any HTTP status.

    With HTTP 200 the error's name decides the class; with an error status the status decides.
    The name is in ``name`` (the doc examples, the official clients) or ``type`` (the doc's
    return-value table); ``code`` is ``-1`` or ``"-1"``.
    """

    def error_in_success(self, payload: Any, reply: Reply) -> VendorError | None:
        body = _json_object(payload)
        if body is None or not _is_error_status(body.get("status")):
            return None
        error = self._error(body, reply)
        return VendorError(error.model, error.words, ERROR_CLASSES.get(_error_name(body) or "", APIStatusError))

    def error_in_failure(self, payload: Any, reply: Reply) -> VendorError:
        body = _json_object(payload)
        return self._error(body, reply) if body is not None else VendorError()

    @staticmethod
    def _error(body: Mapping[str, Any], reply: Reply) -> VendorError:
        try:
            model: ErrorEnvelope | None = reply.model(ErrorEnvelope, body)
        except ResponseParseError:
            model = None  # e.g. {"status": "error", "message": ...} without code: still an error
        words = ": ".join(part for part in (_error_name(body), as_text(body.get("message"))) if part) or None
        return VendorError(model, words)


def _error_name(body: Mapping[str, Any]) -> str | None:
    return as_text(body.get("name")) or as_text(body.get("type"))


def _json_object(payload: object) -> Mapping[str, Any] | None:
    return cast(Mapping[str, Any], payload) if isinstance(payload, Mapping) else None


def _is_error_status(value: object) -> bool:
    return isinstance(value, str) and value.strip().lower() == "error"


_ENVELOPE = PlatformEnvelope()


def decode_send_result(reply: Reply) -> SendResult:
    return decode_model(reply, _ENVELOPE, SendResult)


def sent_decoder(unique_id: str) -> Callable[[Reply], SentMessage[SendResult]]:
    """A send's answer names no message: its id is the ``X-Unique-Id`` the request carried."""

    def decode(reply: Reply) -> SentMessage[SendResult]:
        return SentMessage(unique_id, decode_send_result(reply))

    return decode


def decode_message_info(reply: Reply) -> MessageInfoResult:
    return decode_model(reply, _ENVELOPE, MessageInfoResult)
