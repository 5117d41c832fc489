"""Render accepted messages into real MIME (stdlib `email`) and summarise them.

Structure produced by `build_message`:
* one body part -> that part alone; exactly `text/plain` + `text/html` -> multipart/alternative;
  any other combination of body parts -> multipart/mixed of the parts;
* inline images -> multipart/related around the HTML part (each image has `Content-ID: <name>`);
* attachments -> everything wrapped in multipart/mixed.

Speed matters here (every accepted request renders a message), so the tree is built with the
lean compat32 `email.message.Message` API, with explicit encodings: ~30 us per message instead of
~300+ us for `EmailMessage` (whose header registry creates a class per header). Inspection goes
the other way: `parse()` turns the serialized bytes into an `EmailMessage` (modern API) on demand.
"""

from __future__ import annotations

import base64
import email.charset
import email.header
import email.utils
import itertools
import quopri
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser, BytesParser
from typing import Any, Final

from .checks import CONTROL_CHARS

#: compat32 with CRLF line ends: how the message would go over SMTP.
WIRE_POLICY: Final = policy.compat32.clone(linesep="\r\n")
Mailbox = tuple[str, str]  # (display name, address)


class MimeError(ValueError):
    """The message cannot be rendered; the text is suitable for a vendor validation error."""


@dataclass(frozen=True, slots=True)
class BodyPart:
    """A content part: `text/plain`, `text/html` or another type with textual content."""

    content_type: str
    content: str
    charset: str | None = None
    #: Content-Transfer-Encoding to apply (`7bit`, `8bit`, `quoted-printable`, `base64`); None = auto.
    cte: str | None = None


@dataclass(frozen=True, slots=True)
class FilePart:
    """An attachment (`inline=False`) or an inline image/file referenced by `cid`."""

    filename: str | None
    content_type: str
    data: bytes
    inline: bool = False
    cid: str | None = None


_CTES: Final = frozenset({"7bit", "8bit", "quoted-printable", "base64"})
_BOUNDARY_TOKEN: Final = uuid.uuid4().hex
_BOUNDARIES: Final = itertools.count(1)


def split_type(content_type: str, default: str = "application/octet-stream") -> tuple[str, str]:
    """`"image/png"` -> `("image", "png")`; malformed values fall back to `default`."""
    maintype, sep, subtype = content_type.strip().lower().partition("/")
    if not sep or not maintype or not subtype or any(c in content_type for c in " ;\t\r\n\"'"):
        maintype, _, subtype = default.partition("/")
    return maintype, subtype


def _encode_text(text: str, charset: str, cte: str | None) -> tuple[str, str]:
    """(encoded payload, CTE) for textual content."""
    if cte is not None and cte not in _CTES:
        raise MimeError(f"unsupported encoding {cte!r}")
    text = text.replace("\r\n", "\n")
    try:
        email.charset.Charset(charset)
        data = text.encode(charset)
    except LookupError as exc:
        raise MimeError(f"unknown charset {charset!r}") from exc
    except UnicodeError as exc:
        raise MimeError(f"content cannot be encoded as {charset}") from exc
    if cte is None:
        short_lines = all(len(line) <= 998 for line in data.split(b"\n"))
        cte = "7bit" if data.isascii() and short_lines else "quoted-printable"
    if cte == "7bit":
        if not data.isascii():
            raise MimeError("7bit encoding cannot carry non-ASCII content")
        return text, cte
    if cte == "8bit":
        return data.decode("ascii", "surrogateescape"), cte
    if cte == "quoted-printable":
        return quopri.encodestring(data).decode("ascii"), cte
    return base64.encodebytes(data).decode("ascii"), cte


def _text_part(target: Message, body: BodyPart) -> Message:
    maintype, subtype = split_type(body.content_type, "text/plain")
    charset = (body.charset or "utf-8").lower()
    payload, cte = _encode_text(body.content, charset, body.cte.lower() if body.cte else None)
    target.add_header("Content-Type", f"{maintype}/{subtype}", charset=charset)
    target["Content-Transfer-Encoding"] = cte
    target.set_payload(payload)
    return target


def _file_part(item: FilePart) -> Message:
    part = Message()
    maintype, subtype = split_type(item.content_type)
    if item.filename:
        part.add_header("Content-Type", f"{maintype}/{subtype}", name=item.filename)
    else:
        part["Content-Type"] = f"{maintype}/{subtype}"
    part["Content-Transfer-Encoding"] = "base64"
    if item.inline:
        cid = item.cid or item.filename or "inline"
        part["Content-ID"] = cid if cid.startswith("<") else f"<{cid}>"
    disposition = "inline" if item.inline else "attachment"
    if item.filename:
        part.add_header("Content-Disposition", disposition, filename=item.filename)
    else:
        part["Content-Disposition"] = disposition
    part.set_payload(base64.encodebytes(item.data).decode("ascii"))
    return part


def _container(subtype: str, children: Sequence[Message], node: Message | None = None) -> Message:
    node = Message() if node is None else node
    # An explicit, unique boundary: otherwise the generator searches every part's text for a
    # collision with a random one, compiling a fresh regular expression per message (slow).
    node.add_header("Content-Type", f"multipart/{subtype}", boundary=f"=_{_BOUNDARY_TOKEN}.{next(_BOUNDARIES)}")
    for child in children:
        node.attach(child)
    return node


def _body_nodes(parts: Sequence[BodyPart], inline: Sequence[FilePart]) -> tuple[str | None, list[Message]]:
    """The body as (multipart subtype, children), or (None, [single leaf])."""
    leaves = [_text_part(Message(), p) for p in parts] or [_text_part(Message(), BodyPart("text/plain", ""))]
    if inline and len(leaves) == 1:
        return "related", [leaves[0], *(_file_part(f) for f in inline)]
    if inline:
        types = [p.get_content_type() for p in leaves]
        index = types.index("text/html") if "text/html" in types else 0
        leaves[index] = _container("related", [leaves[index], *(_file_part(f) for f in inline)])
    kinds = sorted(split_type(p.content_type, "text/plain") for p in parts)
    if len(parts) == 2 and kinds == [("text", "html"), ("text", "plain")]:
        if split_type(parts[0].content_type, "text/plain") == ("text", "html"):
            leaves.reverse()  # plain first: the last alternative is the preferred one
        return "alternative", leaves
    if len(leaves) == 1:
        return None, leaves
    return "mixed", leaves


def _address_list(mailboxes: Sequence[Mailbox]) -> str:
    return ", ".join(email.utils.formataddr(m) for m in mailboxes)


def build_message(
    *,
    sender: Mailbox | None,
    to: Sequence[Mailbox],
    cc: Sequence[Mailbox] = (),
    reply_to: Mailbox | None = None,
    subject: str | None,
    parts: Sequence[BodyPart],
    headers: Sequence[tuple[str, str]] = (),
    files: Sequence[FilePart] = (),
    message_id: str | None = None,
    date: float | None = None,
) -> Message:
    """Build the message that would have been delivered. Raises `MimeError` on unrenderable input.

    Bcc recipients are envelope-only and never appear in the headers.
    """
    top: list[tuple[str, str]] = []
    if sender:
        top.append(("From", email.utils.formataddr(sender)))
    if to:
        top.append(("To", _address_list(to)))
    if cc:
        top.append(("Cc", _address_list(cc)))
    if reply_to:
        top.append(("Reply-To", email.utils.formataddr(reply_to)))
    if subject is not None:
        top.append(("Subject", subject))
    top.append(("Date", email.utils.formatdate(date, localtime=False)))
    top.append(("Message-ID", message_id or email.utils.make_msgid(domain="sandbox.invalid")))
    top.extend(headers)
    for name, value in top:
        if CONTROL_CHARS.search(value) or CONTROL_CHARS.search(name):
            raise MimeError(f"header {name!r} contains a line break")

    msg = Message()
    for name, value in top:
        msg[name] = value
    msg["MIME-Version"] = "1.0"
    if len(parts) <= 1 and not files:  # a single part: the message itself is that part
        _text_part(msg, parts[0] if parts else BodyPart("text/plain", ""))
        return msg
    subtype, children = _body_nodes(parts, [f for f in files if f.inline])
    attachments = [_file_part(f) for f in files if not f.inline]
    if attachments:
        if subtype == "mixed":
            children.extend(attachments)
        else:
            body = children[0] if subtype is None else _container(subtype, children)
            subtype, children = "mixed", [body, *attachments]
    if subtype is None:  # one part plus nothing else can only be the single-part case above
        raise MimeError("nothing to render")
    _container(subtype, children, node=msg)
    return msg


def render(msg: Message) -> bytes:
    """The message as it would go over SMTP (CRLF line ends)."""
    return msg.as_bytes(policy=WIRE_POLICY)


def parse(raw: bytes) -> EmailMessage:
    """Bytes -> `EmailMessage` (the modern API: `get_body()`, `iter_attachments()`, decoded headers)."""
    parsed = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(parsed, EmailMessage)
    return parsed


def read_headers(raw: bytes) -> Message:
    """Only the top-level headers of a MIME document (cheap)."""
    return BytesHeaderParser(policy=policy.compat32).parsebytes(raw)


def decoded(value: Any) -> str:
    """A header value with RFC 2047 encoded-words decoded."""
    try:
        return str(email.header.make_header(email.header.decode_header(str(value))))
    except (LookupError, ValueError, UnicodeError):
        return str(value)


def summarize(msg: EmailMessage) -> dict[str, Any]:
    """A compact JSON-ready view: headers, the part tree, attachment names and inline images.

    `headers` maps each header name to its (decoded) value; repeated headers are joined with ", ".
    `parts` lists every part in walk order as `{content_type, depth, ...}`; leaf parts also carry
    `size` (decoded bytes), and `filename`, `disposition`, `content_id` when present.
    `text` / `html` are the decoded bodies with `\\n` line ends (or None).
    """
    headers: dict[str, str] = {}
    for name, value in msg.items():
        text = str(value)
        headers[name] = f"{headers[name]}, {text}" if name in headers else text

    parts: list[dict[str, Any]] = []
    attachments: list[str] = []
    inline_images: list[dict[str, Any]] = []

    def walk(part: EmailMessage, depth: int) -> None:
        entry: dict[str, Any] = {"content_type": part.get_content_type(), "depth": depth}
        parts.append(entry)
        if part.is_multipart():
            for sub in part.iter_parts():
                if isinstance(sub, EmailMessage):
                    walk(sub, depth + 1)
            return
        payload = part.get_payload(decode=True)
        entry["size"] = len(payload) if isinstance(payload, bytes) else 0
        disposition = part.get_content_disposition()
        filename = part.get_filename()
        cid = part.get("Content-ID")
        if disposition:
            entry["disposition"] = disposition
        if filename:
            entry["filename"] = filename
        if cid:
            entry["content_id"] = str(cid)
        if disposition == "attachment":
            attachments.append(filename or "")
        elif cid and disposition == "inline":
            inline_images.append(
                {"content_id": str(cid).strip("<>"), "content_type": part.get_content_type(), "filename": filename}
            )

    walk(msg, 0)
    return {
        "headers": headers,
        "content_type": msg.get_content_type(),
        "parts": parts,
        "attachments": attachments,
        "inline_images": inline_images,
        "text": _body_text(msg, "plain"),
        "html": _body_text(msg, "html"),
    }


def _body_text(msg: EmailMessage, subtype: str) -> str | None:
    part = msg.get_body((subtype,))
    if not isinstance(part, EmailMessage) or part.get_content_type() != f"text/{subtype}":
        return None
    try:
        content = part.get_content()
    except (LookupError, ValueError):
        return None
    return content.replace("\r\n", "\n") if isinstance(content, str) else None
