"""Issue 10 item 1: one rich ``EmailMessage`` through all four clients against the sandbox.

SMTP.com sends the MIME itself; Paubox, SendClean and PowerEmail turn the message into JSON and
the sandbox renders the MIME each vendor would deliver. On every field a vendor can carry, the MIME
the sandbox kept must say what the original message says: From, To, Cc, Reply-To, the subject, the
text and HTML bodies, the attachments (name, type, bytes), the inline image by Content-ID (all but
Paubox, which has no inline images and refuses the part) and the X- header. Bcc is in the envelope
and nowhere in the MIME.
"""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

import paubox_client
import poweremail_client
import pytest
import sendclean_client
import smtpcom_client
from support.clients import VENDORS

from sandbox.config import SMTPCOM_CHANNEL
from sandbox.store import StoredMessage
from sandbox.testing import SandboxHandle

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR fake image bytes"
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3 \x00\xff binary"
CSV = b"name,score\nZo\xc3\xab,10\n"
BCC = "audit-trail@example.com"
#: The walk index of the inline image in ``rich_message()``: mixed, alternative, plain, related, html, png.
IMAGE_PART = "msg.parts[5]"


def rich_message(*, inline_image: bool = True) -> EmailMessage:
    """Text + HTML, an inline image related to the HTML, two attachments, To/Cc/Bcc/Reply-To, an X- header."""
    msg = EmailMessage()
    msg["From"] = "Clinic Ünï <clinic@sandbox.example.com>"
    msg["To"] = 'Zoë Doe <zoe@example.com>, "Doe, Bob" <bob@example.com>'
    msg["Cc"] = "Carol <carol@example.com>"
    msg["Bcc"] = f"Audit <{BCC}>"
    msg["Reply-To"] = "Front Desk <desk@sandbox.example.com>"
    msg["Subject"] = "Vos résultats ✓"
    msg["X-Campaign"] = "spring-2030"
    msg.set_content("Hello Zoë,\n\nYour results are ready ✓\n")
    msg.add_alternative('<p>Hello Zoë,</p><p>Your results are ready ✓</p><img src="cid:logo@clinic">\n', subtype="html")
    if inline_image:
        html = next(part for part in msg.walk() if part.get_content_type() == "text/html")
        assert isinstance(html, EmailMessage)
        html.add_related(PNG, "image", "png", cid="<logo@clinic>")
    msg.add_attachment(PDF, "application", "pdf", filename="résultats.pdf")
    msg.add_attachment(CSV, "text", "csv", filename="scores.csv")
    return msg


def addresses(msg: EmailMessage, name: str) -> list[tuple[str, str]]:
    header = msg[name]
    return [] if header is None else [(a.display_name, a.addr_spec) for a in header.addresses]


def body(msg: EmailMessage, subtype: str) -> str | None:
    part = msg.get_body((subtype,))
    if part is None or part.get_content_type() != f"text/{subtype}":
        return None
    content = part.get_content()
    assert isinstance(content, str)
    return content.replace("\r\n", "\n")


def view(msg: EmailMessage) -> dict[str, Any]:
    """Every field the four vendors can carry, as read back from a MIME message."""
    attachments: dict[str, tuple[str, bytes]] = {}
    inline: dict[str, tuple[str, bytes]] = {}
    for part in msg.walk():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        cid = part.get("Content-ID")
        if part.get_content_disposition() == "attachment":
            attachments[part.get_filename() or ""] = (part.get_content_type(), payload)
        elif cid is not None:
            inline[str(cid).strip("<>")] = (part.get_content_type(), payload)
    return {
        "from": addresses(msg, "From"),
        "to": addresses(msg, "To"),
        "cc": addresses(msg, "Cc"),
        "reply-to": addresses(msg, "Reply-To"),
        "subject": str(msg["Subject"]),
        "text": body(msg, "plain"),
        "html": body(msg, "html"),
        "attachments": attachments,
        "inline": inline,
        "x-campaign": str(msg["X-Campaign"]),
    }


def client_options(sandbox: SandboxHandle, vendor: str) -> dict[str, Any]:
    return {**VENDORS[vendor].credentials(), "base_url": sandbox.base_url(vendor)}


def assert_bcc_only_in_the_envelope(stored: StoredMessage) -> None:
    assert [r.address for r in stored.recipients if r.kind == "bcc"] == [BCC]
    assert "Bcc" not in stored.mime
    assert BCC.encode() not in stored.raw


async def test_one_email_message_agrees_across_all_four_vendors(sandbox: SandboxHandle) -> None:
    msg = rich_message()
    expected = view(msg)
    assert expected["inline"] == {"logo@clinic": ("image/png", PNG)}  # the test's own premise
    assert set(expected["attachments"]) == {"résultats.pdf", "scores.csv"}

    with smtpcom_client.SMTPcom(**client_options(sandbox, "smtpcom")) as smtpcom:
        smtpcom.send_email_message(msg, channel=SMTPCOM_CHANNEL)
    with sendclean_client.SendClean(**client_options(sandbox, "sendclean")) as sendclean:
        sendclean.send_email_message(msg)
    with poweremail_client.PowerEmail(**client_options(sandbox, "poweremail")) as poweremail:
        poweremail.send_email_message(msg)
    async with sendclean_client.AsyncSendClean(**client_options(sandbox, "sendclean")) as async_sendclean:
        await async_sendclean.send_email_message(msg)
    with paubox_client.Paubox(**client_options(sandbox, "paubox")) as paubox:
        with pytest.raises(paubox_client.InvalidRequestError) as refused:
            paubox.send_email_message(msg)
        assert refused.value.field == IMAGE_PART
        assert sandbox.requests("paubox") == []  # refused before any I/O
        paubox.send_email_message(rich_message(inline_image=False))

    stored = {vendor: sandbox.messages(vendor) for vendor in ("smtpcom", "sendclean", "poweremail", "paubox")}
    assert {vendor: len(found) for vendor, found in stored.items()} == {
        "smtpcom": 1,
        "sendclean": 2,  # sync, then async
        "poweremail": 1,
        "paubox": 1,
    }
    for vendor in ("smtpcom", "sendclean", "poweremail"):
        for message in stored[vendor]:
            assert view(message.mime) == expected, vendor
    assert view(stored["paubox"][0].mime) == {**expected, "inline": {}}
    for found in stored.values():
        for message in found:
            assert_bcc_only_in_the_envelope(message)
