"""One send per vendor of files built by the helpers, read back from the MIME the sandbox kept:
each part's decoded bytes, content type, file name and (inline) Content-ID."""

from __future__ import annotations

import importlib
from email.message import EmailMessage
from pathlib import Path

import paubox_client
import pytest
import smtpcom_client
from support.clients import make_client, paubox_message, platform_message, smtpcom_message

from sandbox.testing import SandboxHandle

# Every byte value: the round trip through base64, JSON and MIME must be lossless.
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 4
CSV = "name,result\r\nJané,négatif\r\n".encode()
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(255, -1, -1))


def stored_parts(mime: EmailMessage) -> dict[str, tuple[str, str | None, bytes]]:
    """File name -> (content type, Content-ID without <>, decoded bytes) of every attachment or inline part."""
    found: dict[str, tuple[str, str | None, bytes]] = {}
    for part in mime.walk():
        if part.get_content_disposition() in ("attachment", "inline"):
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            cid = part.get("Content-ID")
            found[part.get_filename() or ""] = (part.get_content_type(), cid and str(cid).strip("<>"), payload)
    return found


def only_mime(sandbox: SandboxHandle, vendor: str) -> EmailMessage:
    (message,) = sandbox.messages(vendor)
    return message.mime


def test_paubox_sends_the_files_it_built(sandbox: SandboxHandle, tmp_path: Path) -> None:
    (tmp_path / "results.pdf").write_bytes(PDF)
    message = paubox_message(
        attachments=[
            paubox_client.attachment_from_path(tmp_path / "results.pdf"),
            paubox_client.attachment_from_bytes(CSV, "résultats.csv"),
        ]
    )
    with make_client("paubox", base_url=sandbox.base_url("paubox")) as client:
        client.send_message(message)
    assert stored_parts(only_mime(sandbox, "paubox")) == {
        "results.pdf": ("application/pdf", None, PDF),
        "résultats.csv": ("text/csv", None, CSV),
    }


def test_smtpcom_sends_the_attachment_and_inline_image_it_built(sandbox: SandboxHandle, tmp_path: Path) -> None:
    (tmp_path / "invoice.pdf").write_bytes(PDF)
    (tmp_path / "logo.png").write_bytes(PNG)
    message = smtpcom_message(
        body=smtpcom_client.MessageBody(
            parts=[smtpcom_client.MessagePart(type_="text/html", content='<p><img src="cid:logo.png"> Thanks</p>')],
            attachments=[
                smtpcom_client.attachment_from_path(tmp_path / "invoice.pdf"),
                smtpcom_client.inline_image_from_path(tmp_path / "logo.png"),
            ],
        )
    )
    with make_client("smtpcom", base_url=sandbox.base_url("smtpcom")) as client:
        client.send_message(message)
    mime = only_mime(sandbox, "smtpcom")
    assert stored_parts(mime) == {
        "invoice.pdf": ("application/pdf", None, PDF),
        "logo.png": ("image/png", "logo.png", PNG),
    }
    related = mime.get_body(("related",))
    assert related is not None and "logo.png" in {p.get_filename() for p in related.iter_parts()}


@pytest.mark.parametrize("brand", ["sendclean", "poweremail"])
def test_platform_sends_the_attachment_and_inline_image_it_built(
    brand: str, sandbox: SandboxHandle, tmp_path: Path
) -> None:
    package = importlib.import_module(f"{brand}_client")
    (tmp_path / "invoice.pdf").write_bytes(PDF)
    message = platform_message(
        brand,
        html='<p><img src="cid:brand-logo"> Hello</p>',
        attachments=[package.attachment_from_path(tmp_path / "invoice.pdf", filename="Invoice 2026-11.pdf")],
        images=[package.inline_image_from_bytes(PNG, "brand-logo", content_type="image/png")],
    )
    with make_client(brand, base_url=sandbox.base_url(brand)) as client:
        client.send_mail(message)
    assert stored_parts(only_mime(sandbox, brand)) == {
        "Invoice 2026-11.pdf": ("application/pdf", None, PDF),
        "brand-logo": ("image/png", "brand-logo", PNG),
    }
