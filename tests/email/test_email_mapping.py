"""An ``EmailMessage`` as each JSON vendor's message: the mappings as pure functions, one rule each.

``paubox_client._email.message_from_email`` and the platform's (tested through sendclean_client;
poweremail_client holds a copy of the same module) run before any I/O in ``send_email_message``.
Every refusal names the header or the ``msg.walk()`` part it is about.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from email.message import EmailMessage
from typing import Any

import paubox_client
import pytest
import sendclean_client
from paubox_client._email import message_from_email as paubox_message
from paubox_client._operations import check_message as check_paubox_message
from sendclean_client._email import message_from_email as platform_message
from sendclean_client._operations import check_message as check_platform_message

PNG = b"\x89PNG\r\n\x1a\n fake image bytes"
PDF = b"%PDF-1.4 \x00\xff binary"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def rich(**changes: str | None) -> EmailMessage:
    """Text + HTML, a PDF attachment, addresses of every kind and an X- header; ``changes`` replace
    headers (``None`` removes one; ``Reply_To`` -> ``Reply-To``)."""
    headers: dict[str, str | None] = {
        "From": "Clinic Ünï <clinic@example.com>",
        "To": 'Zoë Doe <zoe@example.com>, "Doe, Bob" <bob@example.com>',
        "Cc": "carol@example.com",
        "Bcc": "Audit <audit@example.com>",
        "Reply-To": "Desk <desk@example.com>",
        "Subject": "Résultats ✓",
        "X-Campaign": "spring",
    }
    headers.update({name.replace("_", "-"): value for name, value in changes.items()})
    msg = EmailMessage()
    for name, value in headers.items():
        if value is not None:
            msg[name] = value
    msg.set_content("Plain ✓\n")
    msg.add_alternative("<p>Rich ✓</p>\n", subtype="html")
    msg.add_attachment(PDF, "application", "pdf", filename="résumé.pdf")
    return msg


def with_inline(msg: EmailMessage, maintype: str = "image", subtype: str = "png") -> EmailMessage:
    """``msg`` with a part of this type related to its HTML part, Content-ID ``<logo@example.com>``
    (walk index 5: mixed, alternative, plain, related, html, the part)."""
    html = next(part for part in msg.walk() if part.get_content_type() == "text/html")
    assert isinstance(html, EmailMessage)
    html.add_related(PNG, maintype, subtype, cid="<logo@example.com>")
    return msg


def without_filename(msg: EmailMessage) -> EmailMessage:
    msg.add_attachment(b"PK\x03\x04", "application", "zip")
    return msg


def attachment_only() -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "clinic@example.com"
    msg["To"] = "zoe@example.com"
    msg.add_attachment(PDF, "application", "pdf", filename="a.pdf")
    return msg


def with_header(name: str, *values: str) -> EmailMessage:
    msg = rich()
    for value in values:
        msg[name] = value
    return msg


# --------------------------------------------------------------------------- Paubox


def test_paubox_message_carries_every_field() -> None:
    msg = rich()
    msg["List-Unsubscribe"] = "<https://example.com/u>"

    message = paubox_message(msg)

    assert message.to_dict() == {
        "recipients": ["Zoë Doe <zoe@example.com>", '"Doe, Bob" <bob@example.com>'],
        "cc": ["carol@example.com"],
        "bcc": ["Audit <audit@example.com>"],
        "headers": {
            "subject": "Résultats ✓",
            "from": "Clinic Ünï <clinic@example.com>",
            "reply-to": "Desk <desk@example.com>",
            "List-Unsubscribe": "<https://example.com/u>",
            "X-Campaign": "spring",
        },
        "content": {"text/plain": "Plain ✓\n", "text/html": "<p>Rich ✓</p>\n"},
        "attachments": [{"fileName": "résumé.pdf", "contentType": "application/pdf", "content": b64(PDF)}],
    }


def test_paubox_message_passes_the_clients_own_checks() -> None:
    check_paubox_message(paubox_message(rich()))


def test_paubox_message_without_a_subject_has_an_empty_one() -> None:
    assert paubox_message(rich(Subject=None)).headers.subject == ""


def test_paubox_message_leaves_out_what_the_email_does_not_have() -> None:
    msg = EmailMessage()
    msg["From"] = "clinic@example.com"
    msg["To"] = "zoe@example.com"
    msg["Subject"] = "Hi"
    msg.set_content("<p>Only HTML</p>", subtype="html")

    assert paubox_message(msg).to_dict() == {
        "recipients": ["zoe@example.com"],
        "headers": {"subject": "Hi", "from": "clinic@example.com"},
        "content": {"text/html": "<p>Only HTML</p>\n"},
    }


PAUBOX_REFUSALS: list[tuple[Callable[[], EmailMessage], str]] = [
    (lambda: with_inline(rich()), "msg.parts[5]"),
    (lambda: rich(From=None), "msg['From']"),
    (lambda: rich(To=None), "msg['To']"),  # Cc and Bcc only
    (lambda: rich(Reply_To="a@example.com, b@example.com"), "msg['Reply-To']"),
    (lambda: with_header("X-Campaign", "again"), "msg['X-Campaign']"),
    (lambda: with_header("x-campaign", "other case"), "msg['x-campaign']"),
    (lambda: without_filename(rich()), "msg.parts[5]"),
    (attachment_only, "msg"),
]


@pytest.mark.parametrize(
    ("build", "field"),
    PAUBOX_REFUSALS,
    ids=[
        "inline-image",
        "no-from",
        "no-to",
        "two-reply-to",
        "repeated-x-header",
        "x-header-in-two-cases",
        "no-file-name",
        "no-body",
    ],
)
def test_paubox_refuses_what_it_cannot_carry(build: Callable[[], EmailMessage], field: str) -> None:
    with pytest.raises(paubox_client.InvalidRequestError) as raised:
        paubox_message(build())

    assert raised.value.field == field


def test_paubox_refusals_do_not_show_the_message() -> None:
    with pytest.raises(paubox_client.InvalidRequestError) as raised:
        paubox_message(with_inline(rich()))

    text = str(raised.value)
    assert not any(secret in text for secret in ("zoe@", "Résultats", "Rich", "résumé"))


# --------------------------------------------------------------------------- SendClean / PowerEmail


def test_platform_message_carries_every_field() -> None:
    message = platform_message(with_inline(rich()))

    assert message.to_dict() == {
        "html": "<p>Rich ✓</p>\n",
        "text": "Plain ✓\n",
        "subject": "Résultats ✓",
        "from_email": "clinic@example.com",
        "from_name": "Clinic Ünï",
        "to": [
            {"email": "zoe@example.com", "name": "Zoë Doe", "type": "to"},
            {"email": "bob@example.com", "name": "Doe, Bob", "type": "to"},
            {"email": "carol@example.com", "type": "cc"},
            {"email": "audit@example.com", "name": "Audit", "type": "bcc"},
        ],
        "headers": {"Reply-To": "Desk <desk@example.com>", "X-Campaign": "spring"},
        "attachments": [{"type": "application/pdf", "name": "résumé.pdf", "content": b64(PDF)}],
        "images": [{"type": "image/png", "name": "logo@example.com", "content": b64(PNG)}],
    }


def test_platform_message_passes_the_clients_own_checks() -> None:
    check_platform_message(platform_message(with_inline(rich())))


def test_platform_message_puts_the_headers_it_knows_in_their_fields() -> None:
    msg = rich()
    for name, value in [
        ("x-unique-id", "order-42"),  # any case
        ("X-STes-TrackOpen", "no"),
        ("X-STes-TrackClick", "html"),
        ("X-STes-Autotext", "yes"),
        ("X-STes-AutoHtml", "no"),
        ("X-STes-TrackingDomain", "t.example.com"),
        ("X-STes-SigningDomain", "s.example.com"),
        ("X-STes-ReturnPathDomain", "r.example.com"),
    ]:
        msg[name] = value

    headers = platform_message(msg).headers

    assert isinstance(headers, sendclean_client.MessageHeaders)
    assert (headers.x_unique_id, headers.x_s_tes_track_open, headers.x_s_tes_track_click) == ("order-42", "no", "html")
    assert (headers.x_s_tes_autotext, headers.x_s_tes_auto_html) == ("yes", "no")
    assert (headers.x_s_tes_tracking_domain, headers.x_s_tes_signing_domain, headers.x_s_tes_return_path_domain) == (
        "t.example.com",
        "s.example.com",
        "r.example.com",
    )
    assert headers.additional_properties == {"X-Campaign": "spring"}


def test_platform_message_leaves_out_what_the_email_does_not_have() -> None:
    msg = EmailMessage()
    msg["Bcc"] = "audit@example.com"
    msg.set_content("Only text")

    assert platform_message(msg).to_dict() == {
        "text": "Only text\n",
        "to": [{"email": "audit@example.com", "type": "bcc"}],
    }


def _not_a_message() -> Any:
    return "From: a@example.com\n\nHello"


PLATFORM_REFUSALS: list[tuple[Callable[[], Any], str]] = [
    (lambda: with_inline(rich(), "text", "css"), "msg.parts[5]"),
    (lambda: rich(To=None, Cc=None, Bcc=None), "msg['To']"),
    (lambda: rich(Reply_To="a@example.com, b@example.com"), "msg['Reply-To']"),
    (lambda: with_header("X-Campaign", "again"), "msg['X-Campaign']"),
    (lambda: with_header("X-STes-TrackOpen", "Yes"), "msg['X-STes-TrackOpen']"),
    (lambda: with_header("X-STes-TrackClick", "all"), "msg['X-STes-TrackClick']"),
    (lambda: without_filename(rich()), "msg.parts[5]"),
    (attachment_only, "msg"),
    (_not_a_message, "msg"),
]


@pytest.mark.parametrize(
    ("build", "field"),
    PLATFORM_REFUSALS,
    ids=[
        "inline-not-an-image",
        "no-recipient",
        "two-reply-to",
        "repeated-x-header",
        "track-open-value",
        "track-click-value",
        "no-file-name",
        "no-body",
        "not-a-message",
    ],
)
def test_platform_refuses_what_it_cannot_carry(build: Callable[[], Any], field: str) -> None:
    with pytest.raises(sendclean_client.InvalidRequestError) as raised:
        platform_message(build())

    assert raised.value.field == field
