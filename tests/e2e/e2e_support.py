"""Helpers for the end-to-end tests: client factories and reading what the sandbox kept.

Awaiting a sync-or-async result is ``support.clients.resolve``; the clients themselves come from
``support.clients.make_client`` with the sandbox's base URL.
"""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

from support.clients import make_client, resolve

from sandbox.store import RequestRecord, StoredMessage
from sandbox.testing import SandboxHandle

BRANDS = ("sendclean", "poweremail")


class Clients:
    """Builds overlay clients (sync or async) pointed at the sandbox, and closes them all at the end."""

    def __init__(self, sandbox: SandboxHandle, *, is_async: bool) -> None:
        self.sandbox = sandbox
        self.is_async = is_async
        self._opened: list[Any] = []

    def make(self, vendor: str, **options: Any) -> Any:
        """A client of ``vendor`` with the sandbox's credentials and base URL; ``options`` override them."""
        options.setdefault("base_url", self.sandbox.base_url(vendor))
        client = make_client(vendor, async_=self.is_async, **options)
        self._opened.append(client)
        return client

    def paubox(self, **options: Any) -> Any:
        return self.make("paubox", **options)

    def smtpcom(self, **options: Any) -> Any:
        return self.make("smtpcom", **options)

    def brand(self, brand: str, **options: Any) -> Any:
        return self.make(brand, **options)

    async def aclose(self) -> None:
        for client in self._opened:
            await resolve(client.aclose() if self.is_async else client.close())
        self._opened.clear()


# ------------------------------------------------------------------------------ sandbox records


def only_message(sandbox: SandboxHandle, vendor: str) -> StoredMessage:
    messages = sandbox.messages(vendor)
    assert len(messages) == 1, [m.summary()["headers"] for m in messages]
    return messages[0]


def vendor_requests(sandbox: SandboxHandle, vendor: str, method: str, path_suffix: str) -> list[RequestRecord]:
    """The requests of `vendor` with this method whose path ends with `path_suffix`, oldest first."""
    return [r for r in sandbox.requests(vendor) if r.method == method and r.path.endswith(path_suffix)]


def envelope(message: StoredMessage) -> dict[str, list[str]]:
    """The envelope recipients by kind: `{"to": [...], "cc": [...], "bcc": [...]}` (bare addresses)."""
    out: dict[str, list[str]] = {"to": [], "cc": [], "bcc": []}
    for recipient in message.recipients:
        out[recipient.kind].append(recipient.address)
    return out


def attachments(mime: EmailMessage) -> dict[str, tuple[str, bytes]]:
    """filename -> (content type, decoded bytes) of every `Content-Disposition: attachment` part."""
    found: dict[str, tuple[str, bytes]] = {}
    for part in mime.walk():
        if part.get_content_disposition() == "attachment":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            found[part.get_filename() or ""] = (part.get_content_type(), payload)
    return found


def inline_parts(mime: EmailMessage) -> dict[str, tuple[str, bytes, str]]:
    """Content-ID (without <>) -> (content type, decoded bytes, parent multipart type) of inline parts."""
    found: dict[str, tuple[str, bytes, str]] = {}

    def walk(node: EmailMessage) -> None:
        for part in node.iter_parts():
            assert isinstance(part, EmailMessage)
            if part.is_multipart():
                walk(part)
            elif part.get_content_disposition() == "inline" and part.get("Content-ID"):
                payload = part.get_payload(decode=True)
                assert isinstance(payload, bytes)
                cid = str(part["Content-ID"]).strip("<>")
                found[cid] = (part.get_content_type(), payload, node.get_content_type())

    walk(mime)
    return found


def body_text(mime: EmailMessage, subtype: str) -> str:
    part = mime.get_body((subtype,))
    assert isinstance(part, EmailMessage), f"no text/{subtype} body"
    content = part.get_content()
    assert isinstance(content, str)
    return content.replace("\r\n", "\n")
