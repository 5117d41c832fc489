"""Helpers for the end-to-end tests: client factories, awaiting sync-or-async results, MIME reading."""

from __future__ import annotations

import importlib
import inspect
from email.message import EmailMessage
from typing import Any, TypeVar

from sandbox import config as sb
from sandbox.store import RequestRecord, StoredMessage
from sandbox.testing import SandboxHandle

T = TypeVar("T")

BRANDS = ("sendclean", "poweremail")
#: The class name of each brand's client.
BRAND_CLASS = {"sendclean": "SendClean", "poweremail": "PowerEmail"}


async def resolve(value: T | Any) -> Any:
    """The result of a sync call as is, or the awaited result of an async one."""
    return await value if inspect.isawaitable(value) else value


class Clients:
    """Builds overlay clients (sync or async) pointed at the sandbox, and closes them all at the end."""

    def __init__(self, sandbox: SandboxHandle, *, is_async: bool) -> None:
        self.sandbox = sandbox
        self.is_async = is_async
        self._opened: list[Any] = []

    def _keep(self, client: T) -> T:
        self._opened.append(client)
        return client

    def paubox(self, **kwargs: Any) -> Any:
        import paubox_client

        cls = paubox_client.AsyncPaubox if self.is_async else paubox_client.Paubox
        kwargs.setdefault("api_key", sb.PAUBOX_API_KEY)
        kwargs.setdefault("api_username", sb.PAUBOX_USERNAME)
        kwargs.setdefault("base_url", self.sandbox.base_url("paubox"))
        return self._keep(cls(**kwargs))

    def smtpcom(self, **kwargs: Any) -> Any:
        import smtpcom_client

        cls = smtpcom_client.AsyncSMTPcom if self.is_async else smtpcom_client.SMTPcom
        kwargs.setdefault("api_key", sb.SMTPCOM_API_KEY)
        return self._keep(cls(base_url=self.sandbox.base_url("smtpcom"), **kwargs))

    def brand(self, brand: str, **kwargs: Any) -> Any:
        package = importlib.import_module(f"{brand}_client")
        name = BRAND_CLASS[brand]
        cls = getattr(package, f"Async{name}" if self.is_async else name)
        account = self.sandbox.config.brand(brand)
        kwargs.setdefault("owner_id", account.owner_id)
        kwargs.setdefault("token", account.token)
        kwargs.setdefault("smtp_user_name", account.smtp_user_names[0])
        kwargs.setdefault("base_url", self.sandbox.base_url(brand))
        return self._keep(cls(**kwargs))

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
