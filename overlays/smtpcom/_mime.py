"""SMTP.com: turning a stdlib ``email.message.EmailMessage`` into a ``/v4/messages/mime`` request.

A module of its own so that the ``email`` package is imported only by callers of
``send_email_message``.
"""

from __future__ import annotations

import copy
import email.errors
import email.generator
import email.header
import email.message
import email.utils
import io
from typing import cast

from ._operations import RFC822, send_mime_request
from ._runtime.calls import Call, SentMessage
from ._runtime.errors import InvalidRequestError
from .models import EmailAddress, Originator, Recipients, SendMessageResponse, SendMimeMessageRequest
from .types import UNSET


def _decoded(name: str) -> str:
    if "=?" not in name:
        return name
    try:
        return str(email.header.make_header(email.header.decode_header(name)))
    except (email.errors.HeaderParseError, LookupError, UnicodeError):
        return name


def _addresses(msg: email.message.Message, header: str) -> list[EmailAddress]:
    values = [str(v) for v in msg.get_all(header, [])]
    result: list[EmailAddress] = []
    for name, address in email.utils.getaddresses(values):
        if not address:
            if name:
                raise InvalidRequestError(f"msg[{header!r}]", "could not parse an address from the header")
            continue  # an empty group such as "undisclosed-recipients:;"
        if "@" not in address:
            raise InvalidRequestError(f"msg[{header!r}]", "holds a value that is not an email address")
        display = _decoded(name).strip()
        result.append(EmailAddress(address=address, name=display) if display else EmailAddress(address=address))
    return result


def recipients_from(msg: email.message.Message) -> Recipients:
    """The envelope recipients named in the To, Cc and Bcc headers."""
    lists = {header.lower(): _addresses(msg, header) for header in ("To", "Cc", "Bcc")}
    return Recipients(**{name: (found or UNSET) for name, found in lists.items()})


def originator_from(msg: email.message.Message) -> Originator:
    """``from`` and ``reply_to`` from the first address of the From and Reply-To headers."""
    senders = _addresses(msg, "From")
    reply_to = _addresses(msg, "Reply-To")
    return Originator(from_=senders[0] if senders else UNSET, reply_to=reply_to[0] if reply_to else UNSET)


def email_message_request(
    msg: object,
    channel: str,
    recipients: Recipients | None,
    originator: Originator | None,
) -> Call[SentMessage[SendMessageResponse]]:
    if not isinstance(msg, email.message.Message):
        raise InvalidRequestError("msg", f"must be an email.message.EmailMessage, got {type(msg).__name__}")
    message = cast(email.message.Message, msg)
    for index, part in enumerate(message.walk()):
        if part.get_content_type() == RFC822:
            raise InvalidRequestError(f"msg.parts[{index}]", "message/rfc822 parts are not allowed by SMTP.com")
    envelope_to = recipients if recipients is not None else recipients_from(message)
    envelope_from = originator if originator is not None else originator_from(message)
    sendable = copy.copy(message)  # shallow: `del` rebuilds the header list, so `msg` keeps its Bcc
    del sendable["Bcc"]
    policy = message.policy.clone(linesep="\r\n")
    try:
        # A Generator, not as_string(policy=...): Django's SafeMIME classes override as_string
        # without the policy argument.
        out = io.StringIO()
        wrap = None if isinstance(sendable, email.message.EmailMessage) else 0  # as as_string() does
        email.generator.Generator(out, mangle_from_=False, maxheaderlen=wrap, policy=policy).flatten(sendable)
        mime = out.getvalue()
    except (ValueError, TypeError, LookupError, email.errors.MessageError) as exc:
        # The exception's text can quote a header value (a subject, a recipient): name only its kind.
        raise InvalidRequestError("msg", f"cannot be serialised as MIME ({type(exc).__name__})") from None
    request = SendMimeMessageRequest(mime=mime, channel=channel, recipients=envelope_to, originator=envelope_from)
    return send_mime_request(request, field="", mime_field="msg")
