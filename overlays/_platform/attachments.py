# pyright: strict
"""``Attachment`` and ``InlineImage`` models of the SendClean platform from a file or from bytes.

    message.attachments = [attachment_from_path("invoice.pdf")]
    message.images = [inline_image_from_path("logo.png")]  # the HTML says <img src="cid:logo.png">

The content type is guessed from the file name with ``mimetypes`` (``application/octet-stream``
when the name says nothing) unless ``content_type=`` is given; the content is base64-encoded. An
``InlineImage``'s ``name`` is its Content-ID, and its type must be ``image/*``.

The platform documents no size limit (neither its API pages nor the examples in use give one), so
none is checked here: only that the file exists, is readable and is not empty. Problems raise
``InvalidRequestError`` naming the argument, before any network I/O. The helpers read the file
synchronously; in async code call them through ``asyncio.to_thread`` if the files are large.
"""

from __future__ import annotations

import os

from ._runtime.files import file_from_bytes, file_from_path, inline_from_bytes, inline_from_path
from .models import Attachment, InlineImage


def attachment_from_path(
    path: str | os.PathLike[str], *, content_type: str | None = None, filename: str | None = None
) -> Attachment:
    """An ``Attachment`` holding the file at ``path``, shown to the recipient as ``filename``
    (default: the file's own name)."""
    file = file_from_path(path, filename=filename, content_type=content_type, limit=None)
    return Attachment(type_=file.content_type, name=file.filename, content=file.content)


def attachment_from_bytes(
    data: bytes | bytearray | memoryview, filename: str, *, content_type: str | None = None
) -> Attachment:
    """An ``Attachment`` holding ``data`` (``bytes``, ``bytearray`` or ``memoryview``) as ``filename``."""
    file = file_from_bytes(data, filename=filename, content_type=content_type, limit=None)
    return Attachment(type_=file.content_type, name=file.filename, content=file.content)


def inline_image_from_path(
    path: str | os.PathLike[str], *, content_id: str | None = None, content_type: str | None = None
) -> InlineImage:
    """An ``InlineImage`` from the file at ``path``, referred to in HTML as ``cid:<content_id>``
    (default: the file's own name, e.g. ``cid:logo.png``)."""
    file = inline_from_path(path, cid=content_id, content_type=content_type, limit=None)
    return InlineImage(type_=file.content_type, name=file.content_id, content=file.content)


def inline_image_from_bytes(
    data: bytes | bytearray | memoryview, content_id: str, *, content_type: str | None = None
) -> InlineImage:
    """An ``InlineImage`` holding ``data``, referred to in HTML as ``cid:<content_id>``; without
    ``content_type`` the type is guessed from ``content_id`` (``"logo.png"`` is ``image/png``)."""
    file = inline_from_bytes(data, cid=content_id, content_type=content_type, limit=None)
    return InlineImage(type_=file.content_type, name=file.content_id, content=file.content)
