"""Files and bytes made ready to attach, written once for every vendor.

Each vendor's ``attachments.py`` calls ``file_from_path`` / ``file_from_bytes`` (or the inline
variants) with its size rule and content-type rule, and maps the ``FileContent`` onto its model.
The pieces:

* ``attachment_name`` / ``media_type`` / ``content_id``: the file name shown to the recipient, the
  content type (guessed with ``mimetypes`` from the file name, or the caller's, checked) and the
  Content-ID of an inline image. Pure: no I/O.
* ``SizeLimit``: a vendor's size rule, measured on the bytes or on their base64 text.
* ``read_path`` / ``take_bytes``: the content, with the size rule applied first (from the file's
  ``stat`` size, before a byte of it is read) and again on what was actually read.
* ``encode``: base64, unwrapped.

Every problem raises ``InvalidRequestError`` naming the argument (``path``, ``data``, ``filename``,
``content_type``, ``content_id``); no ``OSError`` escapes. Messages name the problem, never the path
or the file name, which can carry personal data.
"""

from __future__ import annotations

import base64
import mimetypes
import os
import re
import stat
from collections.abc import Callable
from typing import Final, cast

from attrs import define

from .errors import InvalidRequestError

#: Used when the file name says nothing (no extension, or one ``mimetypes`` does not know).
DEFAULT_CONTENT_TYPE: Final = "application/octet-stream"

# ``mimetypes`` reports "report.csv.gz" as text/csv with encoding "gzip": the bytes are the archive.
_COMPRESSED: Final = {
    "gzip": "application/gzip",
    "bzip2": "application/x-bzip2",
    "xz": "application/x-xz",
    "compress": "application/x-compress",
    "br": "application/x-brotli",
}
# RFC 6838 restricted-name: ``type/subtype``, no parameters, no spaces.
_MEDIA_TYPE: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}")
_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f]")
# A Content-ID is printable ASCII without spaces or angle brackets (they are added in the header).
_CONTENT_ID: Final = re.compile(r"[!-;=?-~]+")


@define(frozen=True)
class SizeLimit:
    """A vendor's size rule: sizes above ``max_bytes`` are refused with ``rule`` as the explanation.

    With ``encoded`` the size measured is that of the base64 text sent, not of the file.
    """

    max_bytes: int
    encoded: bool
    rule: str

    def measure(self, size: int) -> int:
        return encoded_size(size) if self.encoded else size

    @property
    def max_file_bytes(self) -> int:
        """The largest file (in bytes before encoding) that passes."""
        return self.max_bytes // 4 * 3 if self.encoded else self.max_bytes

    def check(self, field: str, size: int) -> None:
        measured = self.measure(size)
        if measured > self.max_bytes:
            as_sent = f" ({measured:,} once base64-encoded)" if self.encoded else ""
            raise InvalidRequestError(field, f"is {size:,} bytes{as_sent}; {self.rule}")


def encoded_size(size: int) -> int:
    """The length of the base64 text of ``size`` bytes (unwrapped, padded)."""
    return (size + 2) // 3 * 4


def encode(data: bytes) -> str:
    """``data`` as base64 text, on one line."""
    return base64.b64encode(data).decode("ascii")


def attachment_name(field: str, value: object) -> str:
    """A file name to show the recipient: a non-empty string without control characters."""
    if not isinstance(value, str):
        raise InvalidRequestError(field, f"must be a str, got {type(value).__name__}")
    if not value.strip():
        raise InvalidRequestError(field, "must not be empty")
    if _CONTROL.search(value):
        raise InvalidRequestError(field, "must not contain line breaks or other control characters")
    return value


def path_text(path: object) -> str:
    """``path`` as a ``str`` (``str`` or ``os.PathLike[str]``), else ``InvalidRequestError``."""
    if isinstance(path, str):
        text = path
    elif isinstance(path, os.PathLike):
        fspath = cast(object, os.fspath(cast("os.PathLike[str]", path)))  # or bytes: checked next
        if not isinstance(fspath, str):
            raise InvalidRequestError("path", "must be a str or an os.PathLike of str (not bytes)")
        text = fspath
    else:
        raise InvalidRequestError("path", f"must be a str or an os.PathLike, got {type(path).__name__}")
    if not text:
        raise InvalidRequestError("path", "must not be empty")
    if "\x00" in text:
        raise InvalidRequestError("path", "must not contain a NUL character")
    return text


def name_of_path(path: str) -> str:
    """The file name part of ``path`` (what the recipient sees unless ``filename=`` is given)."""
    return os.path.basename(path.rstrip("/" + os.sep))


def guess_content_type(filename: str) -> str:
    """The content type ``mimetypes`` knows for ``filename``'s extension, else ``DEFAULT_CONTENT_TYPE``."""
    # Only the last path component, behind "./": ``guess_type`` reads "data:x.png" as a data URL.
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    guessed, encoding = mimetypes.guess_type("./" + name)
    if encoding is not None:
        return _COMPRESSED.get(encoding, DEFAULT_CONTENT_TYPE)
    return guessed or DEFAULT_CONTENT_TYPE


def media_type(filename: str, content_type: object) -> str:
    """``content_type`` when given (a bare ``type/subtype``), else the type guessed from ``filename``."""
    if content_type is None:
        return guess_content_type(filename)
    if not isinstance(content_type, str):
        raise InvalidRequestError("content_type", f"must be a str, got {type(content_type).__name__}")
    value = content_type.strip()
    if not _MEDIA_TYPE.fullmatch(value):
        raise InvalidRequestError(
            "content_type", "must be a media type such as 'application/pdf' (type/subtype, no parameters)"
        )
    return value.lower()


def image_type(content_type: str, how: str) -> str:
    """``content_type`` if it is ``image/*``; ``how`` says where the type came from, for the error."""
    if not content_type.startswith("image/"):
        raise InvalidRequestError(
            "content_type",
            f"an inline image needs an image/* type, not {content_type!r} ({how}; content_type= sets it)",
        )
    return content_type


def content_id(value: object) -> str:
    """A Content-ID without its angle brackets (one enclosing pair is removed): printable ASCII, no spaces."""
    if not isinstance(value, str):
        raise InvalidRequestError("content_id", f"must be a str, got {type(value).__name__}")
    cid = value[1:-1] if len(value) >= 2 and value[0] == "<" and value[-1] == ">" else value
    if not cid:
        raise InvalidRequestError("content_id", "must not be empty")
    if not _CONTENT_ID.fullmatch(cid):
        raise InvalidRequestError(
            "content_id", "must be printable ASCII without spaces or angle brackets (e.g. 'logo' or 'logo@example.com')"
        )
    return cid


def _unreadable(error: OSError) -> InvalidRequestError:
    # ``strerror`` ("No such file or directory") only: ``str(error)`` would repeat the path.
    if isinstance(error, FileNotFoundError):
        return InvalidRequestError("path", "no such file")
    if isinstance(error, PermissionError):
        return InvalidRequestError("path", "cannot be read: permission denied")
    reason = error.strerror or type(error).__name__
    return InvalidRequestError("path", f"cannot be read: {reason}")


def read_path(path: str, limit: SizeLimit | None) -> bytes:
    """The bytes of the regular file at ``path``. ``limit`` is checked on the size ``stat`` reports
    before anything is read, and again on the bytes read (a file can grow; ``/proc`` files say 0)."""
    try:
        info = os.stat(path)
    except OSError as error:
        raise _unreadable(error) from None
    if stat.S_ISDIR(info.st_mode):
        raise InvalidRequestError("path", "is a directory, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise InvalidRequestError("path", "is not a regular file (a pipe, socket or device cannot be attached)")
    if limit is not None:
        limit.check("path", info.st_size)
    try:
        with open(path, "rb") as file:
            data = file.read() if limit is None else file.read(limit.max_file_bytes + 1)
    except OSError as error:
        raise _unreadable(error) from None
    if limit is not None and len(data) > limit.max_file_bytes:
        raise InvalidRequestError("path", f"grew past the limit while it was read; {limit.rule}")
    if not data:
        raise InvalidRequestError("path", "is an empty file; an attachment needs content")
    return data


def take_bytes(data: object, limit: SizeLimit | None) -> bytes:
    """``data`` (``bytes``, ``bytearray`` or ``memoryview``) as ``bytes``, non-empty and within ``limit``."""
    if isinstance(data, str):
        raise InvalidRequestError("data", "must be bytes, not str: encode the text first (text.encode())")
    if not isinstance(data, bytes | bytearray | memoryview):
        raise InvalidRequestError("data", f"must be bytes, got {type(data).__name__}")
    raw = data.tobytes() if isinstance(data, memoryview) else bytes(data)
    if limit is not None:
        limit.check("data", len(raw))
    if not raw:
        raise InvalidRequestError("data", "is empty; an attachment needs content")
    return raw


#: A vendor's rule on the content type: ``(content type, where it came from) -> content type``.
TypeRule = Callable[[str, str], str]


def any_type(content_type: str, how: str) -> str:
    """The vendor takes any content type."""
    return content_type


@define(frozen=True)
class FileContent:
    """What every vendor's attachment model is made of. ``content`` is base64 text."""

    filename: str
    content_type: str
    content: str


@define(frozen=True)
class InlineContent:
    """An inline image: a ``FileContent`` with the Content-ID (without angle brackets) it is known by."""

    content_id: str
    filename: str
    content_type: str
    content: str


def _typed(filename: str, content_type: object, guessed_from: str, *rules: TypeRule) -> str:
    kind = media_type(filename, content_type)
    how = "as given" if content_type is not None else f"guessed from {guessed_from}"
    for rule in rules:
        kind = rule(kind, how)
    return kind


def _derived_name(path: str) -> str:
    name = name_of_path(path)
    if not name.strip():
        raise InvalidRequestError("path", "ends with no file name")
    return attachment_name("path", name)


def file_from_path(
    path: object, *, filename: object, content_type: object, limit: SizeLimit | None, rule: TypeRule = any_type
) -> FileContent:
    """The file at ``path``: every argument is checked, then its size, before the file is read."""
    where = path_text(path)
    name = _derived_name(where) if filename is None else attachment_name("filename", filename)
    kind = _typed(name, content_type, "the file name", rule)
    return FileContent(name, kind, encode(read_path(where, limit)))


def file_from_bytes(
    data: object, *, filename: object, content_type: object, limit: SizeLimit | None, rule: TypeRule = any_type
) -> FileContent:
    """``data`` under the name ``filename`` (which also gives the guessed content type)."""
    name = attachment_name("filename", filename)
    kind = _typed(name, content_type, "the file name", rule)
    return FileContent(name, kind, encode(take_bytes(data, limit)))


def inline_from_path(
    path: object, *, cid: object, content_type: object, limit: SizeLimit | None, rule: TypeRule = any_type
) -> InlineContent:
    """An inline image from the file at ``path``; its Content-ID defaults to the file name."""
    where = path_text(path)
    name = _derived_name(where)
    if cid is None and not _CONTENT_ID.fullmatch(name):
        raise InvalidRequestError(
            "content_id", "the file name cannot serve as the Content-ID (spaces or non-ASCII): pass content_id="
        )
    identifier = content_id(name if cid is None else cid)
    kind = _typed(name, content_type, "the file name", image_type, rule)
    return InlineContent(identifier, name, kind, encode(read_path(where, limit)))


def inline_from_bytes(
    data: object, *, cid: object, content_type: object, limit: SizeLimit | None, rule: TypeRule = any_type
) -> InlineContent:
    """An inline image from ``data``; without ``content_type`` the type is guessed from the Content-ID
    (``"logo.png"`` is ``image/png``)."""
    identifier = content_id(cid)
    kind = _typed(identifier, content_type, "the content_id", image_type, rule)
    return InlineContent(identifier, identifier, kind, encode(take_bytes(data, limit)))
