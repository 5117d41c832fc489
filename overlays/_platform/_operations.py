"""The SendClean platform: what each overlay call sends and how its answer is read.

Written once and copied into both brands' packages (``sendclean_client``, ``poweremail_client``),
so everything here refers to the generated modules by relative import and works with either
package's models. What differs between the brands is a ``Brand`` record (environment variable
prefix, default app domain, name).

Request building goes through the generated ``_get_kwargs`` of each operation module, so the spec
alone decides method, path, query and JSON body; this module only injects ``owner_id`` and
``token`` (the platform has no auth header: credentials are ordinary body fields, or query
parameters for the legacy GET). Decoding applies the platform's rules: an error is reported in the
body as ``{"status": "error", "code": ..., "name": ..., "message": ...}``, usually with HTTP 200,
so the raw ``status`` field decides, never the HTTP status alone.
"""

# pyright: reportPrivateUsage=false
# (the overlay builds requests with each generated module's ``_get_kwargs`` on purpose: it is the
# one place that turns the spec into method, path, query and body)
from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any, Final, NoReturn, TypeVar, cast

import httpx
from attrs import define, field

from ._runtime.base import M, as_send, credential, parse_model, raise_status_error, response_json
from ._runtime.errors import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    InvalidRequestError,
    ResponseParseError,
    ServerError,
    status_error_class,
)
from ._runtime.validate import as_text, base64_text, no_line_breaks, no_line_breaks_in_map, required_text
from .api.messages import get_message_info, send_mail, send_template, send_template_http_get
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

    @property
    def auth_description(self) -> str:
        return f"owner_id={self.owner_id}, token=*** (body fields)"


def settings(
    brand: Brand,
    owner_id: str | None,
    token: str | None,
    app_domain: str | None,
    smtp_user_name: str | None,
    base_url: str | None,
) -> Settings:
    """Resolve the arguments, else the ``<PREFIX>_*`` environment variables, else the defaults.

    ``base_url`` (or ``<PREFIX>_BASE_URL``), when given, is used as is (the local sandbox);
    otherwise the URL is ``https://api.<app_domain>/v1.0``.
    """
    owner = credential(owner_id, argument="owner_id", env=brand.env("OWNER_ID"), secret=False)
    key = credential(token, argument="token", env=brand.env("TOKEN"))
    url = base_url or os.environ.get(brand.env("BASE_URL")) or None
    if url is not None:
        if not url.startswith(("https://", "http://")):
            raise ConfigurationError(
                f"base_url must start with https:// or http:// (pass base_url=... or set {brand.env('BASE_URL')})"
            )
    else:
        domain = (app_domain or os.environ.get(brand.env("APP_DOMAIN")) or brand.default_app_domain).strip()
        if not _HOST_NAME.fullmatch(domain):
            raise ConfigurationError(
                f"app_domain must be a bare host name such as {brand.default_app_domain!r}, got {domain!r}:"
                f" pass app_domain=... or set the {brand.env('APP_DOMAIN')} environment variable"
            )
        url = BASE_URL_TEMPLATE.format(app_domain=domain)
    if smtp_user_name is None:
        smtp_user_name = os.environ.get(brand.env("SMTP_USER_NAME"))
    return Settings(brand, url.rstrip("/"), owner, key, smtp_user_name or None)


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


def send_mail_request(settings: Settings, message: Message, smtp_user_name: str | None) -> dict[str, Any]:
    checked = check_message(message)
    body = SendMailRequest(
        owner_id=settings.owner_id,
        token=settings.token,
        smtp_user_name=_smtp_user_name(settings, smtp_user_name),
        message=checked,
    )
    return send_mail._get_kwargs(body=body)


def send_template_request(settings: Settings, message: TemplateMessage, smtp_user_name: str | None) -> dict[str, Any]:
    checked = check_template_message(message)
    body = SendTemplateRequest(
        owner_id=settings.owner_id,
        token=settings.token,
        smtp_user_name=_smtp_user_name(settings, smtp_user_name),
        message=checked,
    )
    return send_template._get_kwargs(body=body)


def get_message_info_request(settings: Settings, x_unique_id: str, skip_page: int) -> dict[str, Any]:
    _required_text("x_unique_id", x_unique_id)
    page = _page(skip_page)
    # skip_page is always sent: PowerEmail requires it, SendClean defaults it to 0 anyway.
    body = GetMessageInfoRequest(
        owner_id=settings.owner_id, token=settings.token, x_unique_id=x_unique_id, skip_page=page
    )
    return get_message_info._get_kwargs(body=body)


def send_template_http_get_request(
    settings: Settings,
    *,
    template_id: str,
    to: str,
    subject: str,
    from_email: str,
    dynamic_value: Mapping[str, str] | None,
    smtp_user_name: str | None,
) -> dict[str, Any]:
    """The legacy GET: every argument, the token included, goes into the query string."""
    for name, value in (("template_id", template_id), ("to", to), ("subject", subject), ("from_email", from_email)):
        no_line_breaks(name, _required_text(name, value))
    # A GET that delivers an email: as_send gives it the retry rules of a POST.
    return as_send(
        send_template_http_get._get_kwargs(
            owner_id=settings.owner_id,
            token=settings.token,
            smtp_user_name=_smtp_user_name(settings, smtp_user_name),
            template_id=template_id,
            subject=subject,
            from_email=from_email,
            to=to,
            dynamic_value=_dynamic_values(dynamic_value),
        )
    )


# --------------------------------------------------------------------------- responses

#: The platform's error ``name`` -> exception class (HTTP 200 error bodies). ``Invalid_Key`` is the
#: Mandrill-era name the official clients still map; it means bad credentials.
ERROR_CLASSES: Final[Mapping[str, type[APIStatusError]]] = {
    "AuthenticationError": AuthenticationError,
    "Invalid_Key": AuthenticationError,
    "ValidationError": BadRequestError,
    "GeneralError": ServerError,
}


def _json_object(payload: object) -> Mapping[str, Any] | None:
    return cast(Mapping[str, Any], payload) if isinstance(payload, Mapping) else None


def _is_error_status(value: object) -> bool:
    return isinstance(value, str) and value.strip().lower() == "error"


def _raise_error(response: httpx.Response, payload: Mapping[str, Any] | None, *, by_name: bool) -> NoReturn:
    """Raise the typed error for an error body (``payload``, None when it is not JSON)."""
    error: ErrorEnvelope | None = None
    name: str | None = None
    text: str | None = None
    if payload is not None:
        try:
            error = parse_model(ErrorEnvelope, payload, response)
        except ResponseParseError:
            error = None  # e.g. {"status": "error", "message": ...} without code: still an error
        name = as_text(payload.get("name")) or as_text(payload.get("type"))
        text = as_text(payload.get("message"))
    # HTTP 200: the platform's error name decides; an error status: the status decides.
    cls = ERROR_CLASSES.get(name or "", APIStatusError) if by_name else status_error_class(response.status_code)
    detail = ": ".join(part for part in (name, text) if part) or None
    raise_status_error(cls, response, error, detail)


def _success_payload(response: httpx.Response) -> Any:
    """The JSON body of a successful call; raises the typed error for anything else."""
    status = response.status_code
    if 200 <= status < 300:
        payload = response_json(response)
        body = _json_object(payload)
        if body is not None and _is_error_status(body.get("status")):
            _raise_error(response, body, by_name=True)
        return payload
    if 400 <= status < 600:
        # The HTTP status decides the class (RFC 9110 §15: an unknown 5xx such as 520 is a 500);
        # the body is attached when it is the platform's envelope.
        try:
            envelope = _json_object(response_json(response))
        except ResponseParseError:
            envelope = None  # an HTML page from a proxy, say
        _raise_error(response, envelope, by_name=False)
    raise ResponseParseError(
        f"unexpected HTTP status {status}", status_code=status, body=response.content, headers=response.headers
    )


def _decode(model: type[M], response: httpx.Response) -> M:
    return parse_model(model, _success_payload(response), response)


def decode_send(response: httpx.Response) -> SendResult:
    return _decode(SendResult, response)


def decode_message_info(response: httpx.Response) -> MessageInfoResult:
    return _decode(MessageInfoResult, response)
