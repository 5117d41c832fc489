# pyright: strict
"""Paubox ``Attachment`` models from a file or from bytes.

    from paubox_client import attachment_from_path

    message.attachments = [attachment_from_path("results.pdf")]

The content type is guessed from the file name with ``mimetypes`` (``application/octet-stream``
when the name says nothing) unless ``content_type=`` is given; the content is base64-encoded.
Paubox has no inline images: its JSON has no field for them, so there is no ``inline_image_*``.

Problems raise ``InvalidRequestError`` naming the argument, before any network I/O and, for a file,
before it is read: a missing, unreadable or empty file, a file name with line breaks, a malformed
content type, or a file over the size limit. The helpers read the file synchronously; in async
code call them through ``asyncio.to_thread`` if the files are large.
"""

from __future__ import annotations

import os

from ._runtime.files import SizeLimit, file_from_bytes, file_from_path
from .models import Attachment

#: Paubox accepts at most this many bytes of attachments per message. Its documentation gives two
#: limits ("Max attachment size (total per message) 10 MB" and, elsewhere, 50 MB); the stricter
#: one is used, read as 10**7 bytes of file content (before base64), as SMTP.com's "10Mb" is.
MAX_ATTACHMENT_BYTES = 10_000_000

_LIMIT = SizeLimit(
    MAX_ATTACHMENT_BYTES,
    encoded=False,
    rule=f"Paubox accepts at most 10 MB ({MAX_ATTACHMENT_BYTES:,} bytes, MAX_ATTACHMENT_BYTES) of attachments per message",
)


def attachment_from_path(
    path: str | os.PathLike[str], *, content_type: str | None = None, filename: str | None = None
) -> Attachment:
    """An ``Attachment`` holding the file at ``path``, shown to the recipient as ``filename``
    (default: the file's own name)."""
    file = file_from_path(path, filename=filename, content_type=content_type, limit=_LIMIT)
    return Attachment(file_name=file.filename, content_type=file.content_type, content=file.content)


def attachment_from_bytes(
    data: bytes | bytearray | memoryview, filename: str, *, content_type: str | None = None
) -> Attachment:
    """An ``Attachment`` holding ``data`` (``bytes``, ``bytearray`` or ``memoryview``) as ``filename``."""
    file = file_from_bytes(data, filename=filename, content_type=content_type, limit=_LIMIT)
    return Attachment(file_name=file.filename, content_type=file.content_type, content=file.content)
