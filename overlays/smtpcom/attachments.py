# pyright: strict
"""SMTP.com ``MessageAttachment`` models from a file or from bytes: attachments and inline images.

    from smtpcom_client import attachment_from_path, inline_image_from_path

    body.attachments = [attachment_from_path("invoice.pdf"), inline_image_from_path("logo.png")]
    # the HTML part refers to the image as <img src="cid:logo.png">

The content type is guessed from the file name with ``mimetypes`` (``application/octet-stream``
when the name says nothing) unless ``content_type=`` is given; the content is base64-encoded and
sent with ``encoding="base64"``. An attachment has ``disposition="attachment"``; an inline image
has ``disposition="inline"`` and a ``cid`` (its Content-ID), and must have an ``image/*`` type.

Problems raise ``InvalidRequestError`` naming the argument, before any network I/O and, for a file,
before it is read: a missing, unreadable or empty file, a file name with line breaks, a malformed
content type, ``message/rfc822`` (SMTP.com refuses it; an ``.eml`` file is guessed as that), or
content whose base64 text alone reaches ``MAX_MESSAGE_BYTES``, SMTP.com's limit for a whole message.
The helpers read the file synchronously; in async code call them through ``asyncio.to_thread`` if
the files are large.
"""

from __future__ import annotations

import os

from ._runtime.errors import InvalidRequestError
from ._runtime.files import (
    FileContent,
    InlineContent,
    SizeLimit,
    file_from_bytes,
    file_from_path,
    inline_from_bytes,
    inline_from_path,
)
from .helpers import MAX_MESSAGE_BYTES
from .models import MessageAttachment

# The attachment travels as base64 inside the message, so its base64 text counts against the
# whole message's limit ("messages of MAX_MESSAGE_BYTES bytes or more are refused").
_LIMIT = SizeLimit(
    MAX_MESSAGE_BYTES - 1,
    encoded=True,
    rule=f"SMTP.com refuses messages of {MAX_MESSAGE_BYTES:,} bytes (MAX_MESSAGE_BYTES) or more, "
    "and an attachment is sent base64-encoded",
)


def _no_rfc822(content_type: str, how: str) -> str:
    if content_type == "message/rfc822":
        raise InvalidRequestError(
            "content_type",
            f"SMTP.com does not allow message/rfc822 attachments ({how}); "
            "content_type='application/octet-stream' attaches the file as plain bytes",
        )
    return content_type


def _model(file: FileContent | InlineContent) -> MessageAttachment:
    if isinstance(file, FileContent):
        return MessageAttachment(
            filename=file.filename,
            content=file.content,
            type_=file.content_type,
            disposition="attachment",
            encoding="base64",
        )
    return MessageAttachment(
        filename=file.filename,
        content=file.content,
        type_=file.content_type,
        disposition="inline",
        cid=file.content_id,
        encoding="base64",
    )


def attachment_from_path(
    path: str | os.PathLike[str], *, content_type: str | None = None, filename: str | None = None
) -> MessageAttachment:
    """An attachment holding the file at ``path``, shown to the recipient as ``filename``
    (default: the file's own name)."""
    return _model(file_from_path(path, filename=filename, content_type=content_type, limit=_LIMIT, rule=_no_rfc822))


def attachment_from_bytes(
    data: bytes | bytearray | memoryview, filename: str, *, content_type: str | None = None
) -> MessageAttachment:
    """An attachment holding ``data`` (``bytes``, ``bytearray`` or ``memoryview``) as ``filename``."""
    return _model(file_from_bytes(data, filename=filename, content_type=content_type, limit=_LIMIT, rule=_no_rfc822))


def inline_image_from_path(
    path: str | os.PathLike[str], *, content_id: str | None = None, content_type: str | None = None
) -> MessageAttachment:
    """An inline image from the file at ``path``, referred to in HTML as ``cid:<content_id>``
    (default: the file's own name, e.g. ``cid:logo.png``)."""
    return _model(inline_from_path(path, cid=content_id, content_type=content_type, limit=_LIMIT, rule=_no_rfc822))


def inline_image_from_bytes(
    data: bytes | bytearray | memoryview, content_id: str, *, content_type: str | None = None
) -> MessageAttachment:
    """An inline image holding ``data``, referred to in HTML as ``cid:<content_id>``; without
    ``content_type`` the type is guessed from ``content_id`` (``"logo.png"`` is ``image/png``).
    Its file name is the Content-ID."""
    return _model(inline_from_bytes(data, cid=content_id, content_type=content_type, limit=_LIMIT, rule=_no_rfc822))
