"""Input checks that run before any network I/O; each failure names the offending field."""

from __future__ import annotations

import binascii
import re
from collections.abc import Iterable, Mapping
from typing import cast

from .errors import InvalidRequestError

_WHITESPACE = re.compile(rb"\s+")


def as_text(value: object) -> str | None:
    """``value`` when it is a string, else None (models use ``UNSET`` and None for absent fields)."""
    return value if isinstance(value, str) else None


def no_line_breaks(field: str, value: str | None) -> None:
    """Reject CR or LF in a header value, subject or address (header injection)."""
    if value is not None and ("\r" in value or "\n" in value):
        raise InvalidRequestError(field, "must not contain CR or LF characters")


def no_line_breaks_in_all(field: str, values: Iterable[str] | None) -> None:
    for index, value in enumerate(values or ()):
        no_line_breaks(f"{field}[{index}]", value)


def no_line_breaks_in_map(field: str, values: Mapping[str, object] | None) -> None:
    for name, value in (values or {}).items():
        no_line_breaks(f"{field}[{name!r}]", name)
        if isinstance(value, str):
            no_line_breaks(f"{field}[{name!r}]", value)
        elif isinstance(value, list):
            items = cast(list[object], value)
            no_line_breaks_in_all(f"{field}[{name!r}]", [v for v in items if isinstance(v, str)])


def base64_text(field: str, value: str) -> None:
    """Reject content that is not valid base64 (line breaks, as in MIME, are allowed)."""
    try:
        binascii.a2b_base64(_WHITESPACE.sub(b"", value.encode("ascii")), strict_mode=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise InvalidRequestError(field, "must be base64-encoded file content") from None


def required_text(field: str, value: str | None) -> None:
    if value is None or not value.strip():
        raise InvalidRequestError(field, "is required")
