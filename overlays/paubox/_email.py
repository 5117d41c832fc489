"""A stdlib ``EmailMessage`` as a Paubox ``Message`` (see ``_runtime/email_parts.py``).

To, Cc and Bcc become ``recipients``, ``cc`` and ``bcc`` (``"Name <addr>"`` strings; Bcc only
there, never in the headers), From, Reply-To and the subject the named headers, ``X-`` headers and
List-Unsubscribe(-Post) further header keys, the two alternatives ``content``, attachments
``attachments`` (base64). Paubox has no inline images: an inline part raises, naming it.
"""

from __future__ import annotations

from email.message import Message as EmailMessage

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
from .models import Attachment, Message, MessageContent, MessageHeaders
from .types import UNSET

VENDOR = "Paubox"


def message_from_email(msg: EmailMessage) -> Message:
    """The Paubox message for ``msg``; ``InvalidRequestError`` names a part Paubox cannot carry."""
    return message_from_parsed(parse_email(msg))


def message_from_parsed(parsed: ParsedEmail) -> Message:
    """The Paubox message for a parsed ``EmailMessage``."""
    for part in parsed.inline:
        raise InvalidRequestError(
            part.where,
            f"an inline part (Content-ID <{part.content_id}>, {part.content_type}) cannot be carried:"
            " Paubox has no inline images; send it as an attachment or link to it",
        )
    if parsed.sender is None:
        raise InvalidRequestError("msg['From']", "is required by Paubox")
    if not parsed.to:
        raise InvalidRequestError("msg['To']", "Paubox needs at least one To address (Cc and Bcc alone are not enough)")
    require_body(parsed, VENDOR)
    reply_to = one_reply_to(parsed, VENDOR)
    headers = MessageHeaders(
        # Paubox requires a subject; a message without one is sent with an empty one.
        subject=parsed.subject if parsed.subject is not None else "",
        from_=mailbox_text(parsed.sender),
        reply_to=mailbox_text(reply_to) if reply_to is not None else UNSET,
    )
    for name, value in unique_headers(parsed, VENDOR):
        match name.lower():
            case "list-unsubscribe":
                headers.list_unsubscribe = value
            case "list-unsubscribe-post":
                headers.list_unsubscribe_post = value
            case _:
                headers.additional_properties[name] = value
    attachments = [
        Attachment(file_name=file_name(part, VENDOR), content_type=part.content_type, content=base64_text(part.data))
        for part in parsed.attachments
    ]
    return Message(
        recipients=[mailbox_text(mailbox) for mailbox in parsed.to],
        headers=headers,
        content=MessageContent(
            textplain=parsed.text if parsed.text is not None else UNSET,
            texthtml=parsed.html if parsed.html is not None else UNSET,
        ),
        cc=[mailbox_text(mailbox) for mailbox in parsed.cc] or UNSET,
        bcc=[mailbox_text(mailbox) for mailbox in parsed.bcc] or UNSET,
        attachments=attachments or UNSET,
    )
