"""Small validation helpers shared by the vendor modules.

Each vendor module collects `Problem`s (a field path and a message) and turns them into that
vendor's own error envelope, so validation never raises into the server.
"""

from __future__ import annotations

import base64
import binascii
import email.utils
import json
import re
from dataclasses import dataclass
from typing import Any

CONTROL_CHARS = re.compile(r"[\r\n\x00]")
_ADDR = re.compile(r"^[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"]+$")
_SIMPLE_MAILBOX = re.compile(r"^([A-Za-z0-9 .'_-]*[A-Za-z0-9.'_-])\s*<([^<>\s]+)>$")
_HEADER_NAME = re.compile(r"^[!-9;-~]+$")  # printable ASCII except ':' and space


@dataclass(frozen=True, slots=True)
class Problem:
    """One validation failure: `field` is a dotted path such as `data.message.recipients[0]`."""

    field: str
    message: str


class BadJson(ValueError):
    """The request body is not a JSON document."""


def parse_json(body: bytes) -> Any:
    """Decode a JSON request body. Raises `BadJson` with a short reason."""
    if not body.strip():
        raise BadJson("request body is empty")
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadJson(f"request body is not valid JSON: {exc}") from exc


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON, as the vendors send it."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def is_email(address: str) -> bool:
    """A bare `local@domain` address (no display name)."""
    return bool(_ADDR.match(address))


def parse_mailbox(value: str) -> tuple[str, str] | None:
    """`"Name <a@b>"` or `"a@b"` -> `(name, "a@b")`; None when the address is not valid."""
    if CONTROL_CHARS.search(value):
        return None
    stripped = value.strip()
    if _ADDR.match(stripped):  # fast paths for the two common forms
        return "", stripped
    simple = _SIMPLE_MAILBOX.match(stripped)
    if simple and _ADDR.match(simple.group(2)):
        return simple.group(1), simple.group(2)
    name, addr = email.utils.parseaddr(value)
    if not addr or not is_email(addr):
        return None
    if "<" in value and not stripped.endswith(">"):
        return None
    return name, addr


def decode_base64(value: str) -> bytes | None:
    """Strict base64 (whitespace such as MIME line breaks is ignored); None when invalid."""
    compact = "".join(value.split())
    try:
        return base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        return None


def header_problem(name: str, value: str) -> str | None:
    """Why `name: value` cannot be a mail header, or None when it can."""
    if not _HEADER_NAME.match(name):
        return "is not a valid header name"
    if CONTROL_CHARS.search(value):
        return "must not contain line breaks"
    return None


def looks_like_base64_html(value: str) -> str | None:
    """Paubox SDKs (Node, C#, Java, PHP) base64-encode `text/html`; return the decoded HTML if so."""
    if "<" in value or len(value) < 8:
        return None
    raw = decode_base64(value)
    if raw is None:
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text if "<" in text else None
