"""A stdlib ``email.message.Message`` taken apart once, for every vendor that sends JSON.

``parse_email`` reads the addresses, the subject, the text and HTML alternatives, attachments
(file name, content type, bytes), inline parts by Content-ID and ``X-`` headers; each vendor's
``_email.py`` maps the result onto its own model and refuses what it cannot carry. Anything that
fits none of these raises ``InvalidRequestError`` naming the part: nothing is dropped silently.

Both APIs of the ``email`` package work: ``email.message.EmailMessage`` (``policy.default``) and
the compat32 ``email.message.Message`` that ``email.mime`` and Django's ``SafeMIME*`` classes
build. A part is named by its index in ``msg.walk()`` (``msg.parts[0]`` is the message itself), a
header as ``msg['Name']``.

How the parts are read:

* ``text/plain`` and ``text/html`` leaves that are not attachments are the body: one of each,
  inside a ``multipart/alternative`` or not, at any depth of ``multipart/mixed`` or
  ``multipart/related``. A second one of either kind fits nowhere.
* A leaf with ``Content-Disposition: attachment`` is an attachment, whatever its type.
* Outside an alternative, any other leaf is an inline part when it has a Content-ID (the images
  of a ``multipart/related``), else an attachment. Inside an alternative, a leaf other than
  ``text/plain`` or ``text/html`` (``text/calendar``, say) fits nowhere.
* ``message/*`` parts (a forwarded ``message/rfc822``), ``multipart/signed`` and
  ``multipart/encrypted`` fit nowhere: the vendors build a new MIME tree, which would break a
  signature or hide a message.

Headers: From (one address), To, Cc, Bcc, Reply-To (every address, RFC 2047 display names
decoded), Subject, every ``X-`` header and ``List-Unsubscribe``/``List-Unsubscribe-Post`` (in
order, repeats kept). Date, Message-ID, MIME-Version and ``Content-*`` describe the MIME itself and
are left out; any other header (Keywords, In-Reply-To, References, Sender, ...) raises. Only the
``Content-*`` headers of the parts below the top are read.
"""

from __future__ import annotations

import base64
import email.errors
import email.header
import email.utils
import re
from email.headerregistry import AddressHeader, BaseHeader
from email.message import Message
from typing import Final, cast

from attrs import define, field

from .errors import InvalidRequestError

Mailbox = tuple[str, str]

#: Headers ``parse_email`` reads into fields of its own.
_ADDRESS_HEADERS: Final = ("From", "To", "Cc", "Bcc", "Reply-To")
_READ: Final = frozenset({"from", "to", "cc", "bcc", "reply-to", "subject"})
#: Headers that describe the MIME document itself; the vendors write their own.
_MIME_HEADERS: Final = frozenset({"date", "message-id", "mime-version"})
#: Headers besides ``X-*`` that every JSON vendor here can carry.
_CARRIED: Final = frozenset({"list-unsubscribe", "list-unsubscribe-post"})
_BODY_TYPES: Final = ("text/plain", "text/html")
_REFUSED_MULTIPARTS: Final = ("multipart/signed", "multipart/encrypted")
_FOLD: Final = re.compile(r"\r?\n(?=[ \t])")
_SURROGATES: Final = re.compile("[\udc80-\udcff]")
#: Characters that need a quoted display name (``email.utils.formataddr``'s set).
_SPECIALS: Final = re.compile(r'[][\\()<>@,:;".]')


@define(frozen=True)
class FilePart:
    """An attachment or inline part: its bytes, content type, file name and (inline) Content-ID.

    ``where`` names the part in the message (``msg.parts[3]``) for a vendor that has to refuse it.
    """

    data: bytes
    content_type: str
    filename: str | None = None
    content_id: str | None = None
    where: str = "msg"


@define(frozen=True)
class ParsedEmail:
    """What a message says, vendor-neutral. Addresses are ``(display name, address)`` pairs."""

    sender: tuple[str, str] | None
    to: list[tuple[str, str]] = field(factory=lambda: list[tuple[str, str]]())
    cc: list[tuple[str, str]] = field(factory=lambda: list[tuple[str, str]]())
    bcc: list[tuple[str, str]] = field(factory=lambda: list[tuple[str, str]]())
    reply_to: list[tuple[str, str]] = field(factory=lambda: list[tuple[str, str]]())
    subject: str | None = None
    text: str | None = None
    html: str | None = None
    attachments: list[FilePart] = field(factory=lambda: list[FilePart]())
    inline: list[FilePart] = field(factory=lambda: list[FilePart]())
    headers: list[tuple[str, str]] = field(factory=lambda: list[tuple[str, str]]())


def parse_email(msg: Message) -> ParsedEmail:
    """Take ``msg`` apart; ``InvalidRequestError`` names a part that fits nowhere."""
    if not isinstance(msg, Message):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise InvalidRequestError("msg", f"must be an email.message.EmailMessage, got {type(msg).__name__}")
    parts = _Parts(msg)
    senders = _addresses(msg, "From")
    if len(senders) > 1:
        raise InvalidRequestError("msg['From']", f"has {len(senders)} addresses; one sender can be carried")
    return ParsedEmail(
        sender=senders[0] if senders else None,
        to=_addresses(msg, "To"),
        cc=_addresses(msg, "Cc"),
        bcc=_addresses(msg, "Bcc"),
        reply_to=_addresses(msg, "Reply-To"),
        subject=_subject(msg),
        text=parts.text,
        html=parts.html,
        attachments=parts.attachments,
        inline=parts.inline,
        headers=_custom_headers(msg),
    )


def mailbox_text(mailbox: Mailbox) -> str:
    """``("Doe, Jane", "jane@example.com")`` -> ``'"Doe, Jane" <jane@example.com>'``.

    Unlike ``email.utils.formataddr``, a non-ASCII display name stays as it is (no RFC 2047): the
    vendors take JSON strings and encode the header themselves.
    """
    name, address = mailbox
    if not name:
        return address
    if _SPECIALS.search(name):
        name = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"{name} <{address}>"


# --------------------------------------------------------------------------- for the vendor mappings


def require_body(parsed: ParsedEmail, vendor: str) -> None:
    if parsed.text is None and parsed.html is None:
        raise InvalidRequestError("msg", f"has no text/plain or text/html body part; {vendor} needs one")


def one_reply_to(parsed: ParsedEmail, vendor: str) -> Mailbox | None:
    """The Reply-To address; more than one raises (the vendors carry a single one)."""
    if len(parsed.reply_to) > 1:
        raise InvalidRequestError(
            "msg['Reply-To']", f"has {len(parsed.reply_to)} addresses; {vendor} carries one Reply-To address"
        )
    return parsed.reply_to[0] if parsed.reply_to else None


def unique_headers(parsed: ParsedEmail, vendor: str) -> list[tuple[str, str]]:
    """``parsed.headers``; a name given twice (in any case) raises: the vendors take a JSON object."""
    seen: set[str] = set()
    for name, _ in parsed.headers:
        if name.lower() in seen:
            raise InvalidRequestError(f"msg[{name!r}]", f"appears more than once; {vendor} carries each header once")
        seen.add(name.lower())
    return parsed.headers


def file_name(part: FilePart, vendor: str) -> str:
    """The attachment's file name; a part without one raises (the vendors require it)."""
    if part.filename is None:
        raise InvalidRequestError(
            part.where, f"an attachment ({part.content_type}) without a file name; {vendor} needs one"
        )
    return part.filename


def base64_text(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


# --------------------------------------------------------------------------- headers


def _raw_values(msg: Message, name: str) -> list[object]:
    """The values of header ``name`` as stored: strings as parsed (compat32 would turn 8-bit ones
    into ``unknown-8bit`` Header objects on access), or the objects a program set."""
    lower = name.lower()
    return [value for key, value in cast(list[tuple[str, object]], msg.raw_items()) if key.lower() == lower]


def _header_text(value: object, field: str) -> str:
    """A header value as one line of text: unfolded, RFC 2047 encoded-words decoded."""
    if isinstance(value, BaseHeader | email.header.Header):  # these decode themselves
        text = _utf8(str(value), field)
    else:
        text = _decoded(_utf8(str(value), field))
    text = _FOLD.sub("", text)
    if "\r" in text or "\n" in text:
        raise InvalidRequestError(field, "must not contain CR or LF characters")
    return text


def _utf8(text: str, field: str) -> str:
    """``text`` with raw 8-bit bytes (kept by the parser as surrogate escapes) read as UTF-8."""
    if not _SURROGATES.search(text):
        return text
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8")
    except UnicodeError:
        raise InvalidRequestError(field, "holds 8-bit bytes that are not UTF-8") from None


def _decoded(text: str) -> str:
    if "=?" not in text:
        return text
    try:
        return str(email.header.make_header(email.header.decode_header(text)))
    except (email.errors.HeaderParseError, LookupError, UnicodeError, ValueError):
        return text


def _addresses(msg: Message, header: str) -> list[Mailbox]:
    field = f"msg[{header!r}]"
    found: list[Mailbox] = []
    for value in _raw_values(msg, header):
        if isinstance(value, AddressHeader):
            pairs = [(address.display_name, address.addr_spec) for address in value.addresses]
        else:
            text = _FOLD.sub("", _utf8(str(value), field))
            pairs = [(_decoded(name), address) for name, address in email.utils.getaddresses([text])]
        for name, address in pairs:
            if not address:
                if name:
                    raise InvalidRequestError(field, "could not parse an address from the header")
                continue  # an empty group such as "undisclosed-recipients:;"
            if "@" not in address:
                raise InvalidRequestError(field, "holds a value that is not an email address")
            for item in (name, address):
                if "\r" in item or "\n" in item:
                    raise InvalidRequestError(field, "must not contain CR or LF characters")
            found.append((name.strip(), address))
    return found


def _subject(msg: Message) -> str | None:
    values = _raw_values(msg, "Subject")
    if len(values) > 1:
        raise InvalidRequestError("msg['Subject']", f"appears {len(values)} times; a message has one subject")
    return _header_text(values[0], "msg['Subject']") if values else None


def _custom_headers(msg: Message) -> list[tuple[str, str]]:
    """``X-`` and List-Unsubscribe headers in order; any header no vendor can carry raises."""
    headers: list[tuple[str, str]] = []
    for name, value in cast(list[tuple[str, object]], msg.raw_items()):
        lower = name.lower()
        if lower in _READ or lower in _MIME_HEADERS or lower.startswith("content-"):
            continue
        field = f"msg[{name!r}]"
        if not (lower.startswith("x-") or lower in _CARRIED):
            raise InvalidRequestError(
                field,
                "this header cannot be carried by the vendor's API (only From, To, Cc, Bcc, Reply-To,"
                " Subject, X- headers and List-Unsubscribe can); remove it or send the MIME yourself",
            )
        headers.append((name, _header_text(value, field)))
    return headers


# --------------------------------------------------------------------------- parts


class _Parts:
    """The body, attachments and inline parts of a message, read in ``walk()`` order."""

    def __init__(self, msg: Message) -> None:
        self.text: str | None = None
        self.html: str | None = None
        self.attachments: list[FilePart] = []
        self.inline: list[FilePart] = []
        walked = list(msg.walk())
        self._index = {id(part): index for index, part in enumerate(walked)}
        for index, part in enumerate(walked):  # refusals first, so the outermost one is named
            content_type = part.get_content_type()
            if part.get_content_maintype() == "message":
                raise InvalidRequestError(
                    f"msg.parts[{index}]",
                    f"a {content_type} part cannot be carried; attach it as bytes"
                    " (application/octet-stream) or send the MIME yourself",
                )
            if part.get_content_maintype() == "multipart" and not part.is_multipart():
                raise InvalidRequestError(
                    f"msg.parts[{index}]", f"a {content_type} part without parts (malformed MIME)"
                )
            if content_type in _REFUSED_MULTIPARTS:
                raise InvalidRequestError(
                    f"msg.parts[{index}]",
                    f"a {content_type} part cannot be carried: the vendor builds new MIME, which would"
                    " break it; send the MIME yourself",
                )
        self._visit(msg, in_alternative=False)

    def _where(self, part: Message) -> str:
        return f"msg.parts[{self._index[id(part)]}]"

    def _visit(self, part: Message, *, in_alternative: bool) -> None:
        if part.is_multipart():
            if part.get_content_disposition() == "attachment":
                raise InvalidRequestError(
                    self._where(part), "a multipart part marked as an attachment cannot be carried"
                )
            children = cast(list[Message], part.get_payload())
            subtype = part.get_content_subtype()
            for position, child in enumerate(children):
                # In a multipart/related, the parts after the root are the root's resources, not
                # more alternatives, even when the related part is itself an alternative.
                nested = subtype == "alternative" or (in_alternative and not (subtype == "related" and position))
                self._visit(child, in_alternative=nested)
            return
        content_type = part.get_content_type()
        disposition = part.get_content_disposition()
        if disposition == "attachment":
            self.attachments.append(self._file(part, content_id=None))
        elif content_type in _BODY_TYPES:
            self._body(part, content_type)
        elif in_alternative:
            raise InvalidRequestError(
                self._where(part),
                f"a {content_type} alternative cannot be carried (only text/plain and text/html)",
            )
        else:
            content_id = _content_id(part)
            if content_id is not None:
                self.inline.append(self._file(part, content_id=content_id))
            else:
                self.attachments.append(self._file(part, content_id=None))

    def _body(self, part: Message, content_type: str) -> None:
        where = self._where(part)
        if (self.text if content_type == "text/plain" else self.html) is not None:
            raise InvalidRequestError(
                where,
                f"a second {content_type} body part cannot be carried (one text/plain and one"
                " text/html); mark it Content-Disposition: attachment to send it as a file",
            )
        text = _text(part, where)
        if content_type == "text/plain":
            self.text = text
        else:
            self.html = text

    def _file(self, part: Message, *, content_id: str | None) -> FilePart:
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        filename = part.get_filename()
        where = self._where(part)
        name = _header_text(filename, f"{where}.filename") if filename else None
        return FilePart(data, part.get_content_type(), name or None, content_id, where)


def _content_id(part: Message) -> str | None:
    value = cast(object, part.get("Content-ID"))
    if value is None:
        return None
    text = _FOLD.sub("", str(value)).strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1].strip()
    return text or None


def _text(part: Message, where: str) -> str:
    """The decoded text of a ``text/*`` leaf (its charset, else UTF-8, a superset of ASCII)."""
    payload = part.get_payload(decode=True)
    data = payload if isinstance(payload, bytes) else b""
    charset = part.get_content_charset() or "utf-8"
    try:
        return data.decode(charset)
    except LookupError:
        raise InvalidRequestError(where, f"unknown charset {charset!r}") from None
    except UnicodeDecodeError:
        raise InvalidRequestError(where, f"the text is not valid {charset}") from None
