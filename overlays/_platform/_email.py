"""A stdlib ``EmailMessage`` as a platform ``Message`` (see ``_runtime/email_parts.py``).

To, Cc and Bcc become ``to`` (each ``Recipient`` with its ``type``; Bcc only there, never in the
headers), From ``from_email``/``from_name``, the subject ``subject``, the alternatives ``text`` and
``html``. Reply-To and the ``X-`` headers go in ``headers``: ``X-Unique-Id`` and the ``X-STes-*``
headers the platform knows in their named fields (checked against their allowed values), others as
further keys. Attachments become ``attachments``, inline parts ``images`` named by their
Content-ID (the platform requires ``image/*`` there).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from email.message import Message as EmailMessage
from typing import TypeVar

from ._brand import BRAND
from ._runtime.email_parts import (
    ParsedEmail,
    base64_text,
    file_name,
    mailbox_text,
    one_reply_to,
    parse_email,
    require_body,
    unique_headers,
)
from ._runtime.errors import InvalidRequestError
from .models import Attachment, InlineImage, Message, MessageHeaders, Recipient
from .models.message_headers_xs_tes_auto_html import (
    MESSAGE_HEADERS_XS_TES_AUTO_HTML_VALUES,
    check_message_headers_xs_tes_auto_html,
)
from .models.message_headers_xs_tes_autotext import (
    MESSAGE_HEADERS_XS_TES_AUTOTEXT_VALUES,
    check_message_headers_xs_tes_autotext,
)
from .models.message_headers_xs_tes_track_click import (
    MESSAGE_HEADERS_XS_TES_TRACK_CLICK_VALUES,
    check_message_headers_xs_tes_track_click,
)
from .models.message_headers_xs_tes_track_open import (
    MESSAGE_HEADERS_XS_TES_TRACK_OPEN_VALUES,
    check_message_headers_xs_tes_track_open,
)
from .models.recipient_type import RecipientType
from .types import UNSET, Unset

T = TypeVar("T")


def message_from_email(msg: EmailMessage) -> Message:
    """The platform message for ``msg``; ``InvalidRequestError`` names a part it cannot carry."""
    return message_from_parsed(parse_email(msg))


def message_from_parsed(parsed: ParsedEmail) -> Message:
    """The platform message for a parsed ``EmailMessage``."""
    vendor = BRAND.name
    recipients = [
        Recipient(email=address, name=name or UNSET, type_=kind)
        for kind, mailboxes in _by_kind(parsed)
        for name, address in mailboxes
    ]
    if not recipients:
        raise InvalidRequestError("msg['To']", f"{vendor} needs at least one To, Cc or Bcc address")
    require_body(parsed, vendor)
    images: list[InlineImage] = []
    for part in parsed.inline:
        if not part.content_type.startswith("image/"):
            raise InvalidRequestError(
                part.where,
                f"an inline part (Content-ID <{part.content_id}>) of type {part.content_type} cannot be"
                f" carried: {vendor}'s inline parts must be images (image/*); send it as an attachment",
            )
        images.append(InlineImage(type_=part.content_type, name=part.content_id or "", content=base64_text(part.data)))
    attachments = [
        Attachment(type_=part.content_type, name=file_name(part, vendor), content=base64_text(part.data))
        for part in parsed.attachments
    ]
    sender = parsed.sender
    return Message(
        html=parsed.html if parsed.html is not None else UNSET,
        text=parsed.text if parsed.text is not None else UNSET,
        subject=parsed.subject if parsed.subject is not None else UNSET,
        from_email=sender[1] if sender is not None else UNSET,
        from_name=sender[0] if sender is not None and sender[0] else UNSET,
        to=recipients,
        headers=_headers(parsed, vendor),
        attachments=attachments or UNSET,
        images=images or UNSET,
    )


def _by_kind(parsed: ParsedEmail) -> list[tuple[RecipientType, list[tuple[str, str]]]]:
    return [("to", parsed.to), ("cc", parsed.cc), ("bcc", parsed.bcc)]


def _headers(parsed: ParsedEmail, vendor: str) -> MessageHeaders | Unset:
    headers = MessageHeaders()
    reply_to = one_reply_to(parsed, vendor)
    custom = unique_headers(parsed, vendor)
    if reply_to is None and not custom:
        return UNSET
    if reply_to is not None:
        headers.reply_to = mailbox_text(reply_to)
    for name, value in custom:
        field = f"msg[{name!r}]"
        match name.lower():
            case "x-unique-id":
                headers.x_unique_id = value
            case "x-stes-trackopen":
                headers.x_s_tes_track_open = _choice(
                    field, value, check_message_headers_xs_tes_track_open, MESSAGE_HEADERS_XS_TES_TRACK_OPEN_VALUES
                )
            case "x-stes-trackclick":
                headers.x_s_tes_track_click = _choice(
                    field, value, check_message_headers_xs_tes_track_click, MESSAGE_HEADERS_XS_TES_TRACK_CLICK_VALUES
                )
            case "x-stes-autotext":
                headers.x_s_tes_autotext = _choice(
                    field, value, check_message_headers_xs_tes_autotext, MESSAGE_HEADERS_XS_TES_AUTOTEXT_VALUES
                )
            case "x-stes-autohtml":
                headers.x_s_tes_auto_html = _choice(
                    field, value, check_message_headers_xs_tes_auto_html, MESSAGE_HEADERS_XS_TES_AUTO_HTML_VALUES
                )
            case "x-stes-trackingdomain":
                headers.x_s_tes_tracking_domain = value
            case "x-stes-signingdomain":
                headers.x_s_tes_signing_domain = value
            case "x-stes-returnpathdomain":
                headers.x_s_tes_return_path_domain = value
            case _:
                headers.additional_properties[name] = value
    return headers


def _choice(field: str, value: str, check: Callable[[str], T], allowed: Iterable[str]) -> T:
    try:
        return check(value)
    except TypeError:
        raise InvalidRequestError(field, f"must be one of {', '.join(sorted(allowed))}") from None
