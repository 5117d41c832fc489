"""``parse_email``: a stdlib message taken apart, one rule per test, as a pure function.

The runtime is copied into every package; these tests use paubox_client's copy. Both APIs of the
``email`` package are covered where they store things differently: ``EmailMessage``
(``policy.default``, decoded header objects) and compat32 ``Message`` (raw strings with RFC 2047
encoded-words, as ``email.mime`` and Django's ``SafeMIME*`` classes build them).
"""

from __future__ import annotations

import email
from collections.abc import Callable
from email import policy
from email.message import EmailMessage, Message
from email.mime.application import MIMEApplication
from email.mime.base import MIMEBase
from email.mime.image import MIMEImage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

import pytest
from paubox_client import InvalidRequestError
from paubox_client._runtime.email_parts import FilePart, ParsedEmail, parse_email

PNG = b"\x89PNG\r\n\x1a\n fake image bytes"
PDF = b"%PDF-1.4 \x00\xff binary"


def modern(**headers: str) -> EmailMessage:
    """A text-only ``EmailMessage`` with these headers (``Reply_To`` -> ``Reply-To``)."""
    msg = EmailMessage()
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content("Hello\n")
    return msg


def compat32_from(raw: str) -> Message:
    """A compat32 ``Message`` parsed from text, as it would arrive from a mailbox or a queue."""
    return email.message_from_string(raw)


def refusal(msg: Message) -> str:
    """The field the ``InvalidRequestError`` names."""
    with pytest.raises(InvalidRequestError) as raised:
        parse_email(msg)
    return raised.value.field


# --------------------------------------------------------------------------- addresses and subject


def _modern_addresses() -> Message:
    return modern(
        From="Clinic Ünï <clinic@example.com>",
        To='Zoë Doe <zoe@example.com>, "Doe, Bob" <bob@example.com>',
        Cc="carol@example.com",
        Bcc="Audit <audit@example.com>, audit2@example.com",
        Reply_To="Desk <desk@example.com>, help@example.com",
    )


def _compat32_addresses() -> Message:
    return compat32_from(
        "From: =?utf-8?b?Q2xpbmljIMOcbsOv?= <clinic@example.com>\n"
        'To: =?utf-8?q?Zo=C3=AB_Doe?= <zoe@example.com>,\n "Doe, Bob" <bob@example.com>\n'
        "Cc: carol@example.com\n"
        "Bcc: Audit <audit@example.com>, audit2@example.com\n"
        "Reply-To: Desk <desk@example.com>, help@example.com\n"
        "\n"
        "Hello\n"
    )


@pytest.mark.parametrize("build", [_modern_addresses, _compat32_addresses], ids=["EmailMessage", "compat32"])
def test_addresses_are_read_from_every_header_with_display_names_decoded(build: Callable[[], Message]) -> None:
    parsed = parse_email(build())

    assert parsed.sender == ("Clinic Ünï", "clinic@example.com")
    assert parsed.to == [("Zoë Doe", "zoe@example.com"), ("Doe, Bob", "bob@example.com")]
    assert parsed.cc == [("", "carol@example.com")]
    assert parsed.bcc == [("Audit", "audit@example.com"), ("", "audit2@example.com")]
    assert parsed.reply_to == [("Desk", "desk@example.com"), ("", "help@example.com")]


EIGHT_BIT = (
    "From: Zoë <zoe@example.com>\nTo: bob@example.com\nSubject: Résumé\nX-Note: café\n"
    "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nHellö\n"
).encode()


@pytest.mark.parametrize("parse_policy", [policy.compat32, policy.default], ids=["compat32", "default"])
def test_raw_utf8_headers_are_read_as_utf8(parse_policy: policy.Policy) -> None:
    parsed = parse_email(email.message_from_bytes(EIGHT_BIT, policy=parse_policy))

    assert (parsed.sender, parsed.subject, parsed.headers) == (
        ("Zoë", "zoe@example.com"),
        "Résumé",
        [("X-Note", "café")],
    )


def test_raw_8bit_headers_that_are_not_utf8_are_refused() -> None:
    assert refusal(email.message_from_bytes(b"Subject: R\xe9sum\xe9\n\nHello\n")) == "msg['Subject']"


def test_an_empty_group_names_no_recipient() -> None:
    parsed = parse_email(modern(From="a@example.com", To="undisclosed-recipients:;", Bcc="b@example.com"))

    assert parsed.to == []
    assert parsed.bcc == [("", "b@example.com")]


def test_a_second_sender_is_refused() -> None:
    assert refusal(modern(From="a@example.com, b@example.com", To="c@example.com")) == "msg['From']"


def test_an_address_header_without_an_address_is_refused() -> None:
    assert refusal(modern(From="a@example.com", To="not an address")) == "msg['To']"


@pytest.mark.parametrize(
    "build",
    [
        lambda: modern(Subject="Résultats ✓ du labo"),
        lambda: compat32_from("Subject: =?utf-8?q?R=C3=A9sultats_=E2=9C=93?=\n du labo\n\nHello\n"),
    ],
    ids=["EmailMessage", "compat32"],
)
def test_the_subject_is_decoded_and_unfolded(build: Callable[[], Message]) -> None:
    assert parse_email(build()).subject == "Résultats ✓ du labo"


def test_a_message_without_a_subject_has_none() -> None:
    assert parse_email(modern(From="a@example.com")).subject is None


def test_a_second_subject_is_refused() -> None:
    assert refusal(compat32_from("Subject: one\nSubject: two\n\nHello\n")) == "msg['Subject']"


# --------------------------------------------------------------------------- headers


def test_x_headers_keep_their_order_and_repeats_in_any_case() -> None:
    msg = modern(From="a@example.com")
    msg["X-Campaign"] = "spring"
    msg["x-lower"] = "kept as written"
    msg["X-Campaign"] = "again"

    assert parse_email(msg).headers == [
        ("X-Campaign", "spring"),
        ("x-lower", "kept as written"),
        ("X-Campaign", "again"),
    ]


def test_x_header_values_are_decoded_and_unfolded_in_compat32() -> None:
    msg = compat32_from("X-Note: =?utf-8?q?caf=C3=A9?=\n au lait\n\nHello\n")

    assert parse_email(msg).headers == [("X-Note", "café au lait")]


def test_list_unsubscribe_headers_are_carried() -> None:
    msg = modern(From="a@example.com")
    msg["List-Unsubscribe"] = "<https://example.com/u>"
    msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"

    assert parse_email(msg).headers == [
        ("List-Unsubscribe", "<https://example.com/u>"),
        ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
    ]


def test_headers_that_describe_the_mime_itself_are_left_out() -> None:
    msg = modern(From="a@example.com", Date="Tue, 01 Jan 2030 00:00:00 -0000", Message_ID="<1@example.com>")
    msg["Content-Language"] = "fr"
    assert {"MIME-Version", "Content-Type", "Content-Transfer-Encoding"} <= set(msg.keys())

    assert parse_email(msg).headers == []


@pytest.mark.parametrize("name", ["Keywords", "In-Reply-To", "References", "Sender"])
def test_a_header_the_vendors_cannot_carry_is_refused(name: str) -> None:
    msg = modern(From="a@example.com")
    msg[name] = "<something@example.com>"

    assert refusal(msg) == f"msg[{name!r}]"


def test_a_header_value_with_a_line_break_is_refused() -> None:
    msg = Message()
    msg["X-Injected"] = "a\nBcc: victim@example.com"
    msg.set_payload("Hello\n")

    assert refusal(msg) == "msg['X-Injected']"


# --------------------------------------------------------------------------- the body


def _alternative() -> EmailMessage:
    msg = EmailMessage()
    msg.set_content("Plain ✓\n")
    msg.add_alternative("<p>Rich ✓</p>\n", subtype="html")
    return msg


def _alternative_in_mixed() -> EmailMessage:
    msg = _alternative()
    msg.add_attachment(PDF, "application", "pdf", filename="a.pdf")
    return msg


def _alternative_in_related() -> Message:
    related = MIMEMultipart("related")
    alternative = MIMEMultipart("alternative")
    alternative.attach(MIMEText("Plain ✓\n", "plain", "utf-8"))
    alternative.attach(MIMEText("<p>Rich ✓</p>\n", "html", "utf-8"))
    related.attach(alternative)
    image = MIMEImage(PNG, "png")
    image["Content-ID"] = "<logo>"
    related.attach(image)
    return related


def _related_in_alternative() -> EmailMessage:
    msg = _alternative()
    html = next(part for part in msg.walk() if part.get_content_type() == "text/html")
    assert isinstance(html, EmailMessage)
    html.add_related(PNG, "image", "png", cid="<logo>")
    return msg


def _compat32_quoted_printable_latin1() -> Message:
    return compat32_from(
        "MIME-Version: 1.0\n"
        'Content-Type: multipart/alternative; boundary="b"\n'
        "\n"
        "--b\n"
        'Content-Type: text/plain; charset="iso-8859-1"\n'
        "Content-Transfer-Encoding: quoted-printable\n"
        "\n"
        "Plain caf=E9\n"
        "--b\n"
        "Content-Type: text/html; charset=utf-8\n"
        "Content-Transfer-Encoding: base64\n"
        "\n"
        "PHA+UmljaCDinJM8L3A+Cg==\n"
        "--b--\n"
    )


@pytest.mark.parametrize(
    ("build", "text"),
    [
        (_alternative, "Plain ✓\n"),
        (_alternative_in_mixed, "Plain ✓\n"),
        (_alternative_in_related, "Plain ✓\n"),
        (_related_in_alternative, "Plain ✓\n"),
        (_compat32_quoted_printable_latin1, "Plain café"),
    ],
    ids=["alternative", "in-mixed", "in-related", "related-in-alternative", "compat32-qp-base64"],
)
def test_the_text_and_html_alternatives_are_found_at_any_depth(build: Callable[[], Message], text: str) -> None:
    parsed = parse_email(build())

    assert (parsed.text, parsed.html) == (text, "<p>Rich ✓</p>\n")


@pytest.mark.parametrize("subtype", ["plain", "html"])
def test_a_single_part_message_is_its_one_body(subtype: str) -> None:
    msg = EmailMessage()
    msg.set_content("Only ✓\n", subtype=subtype)

    parsed = parse_email(msg)

    assert (parsed.text, parsed.html) == (("Only ✓\n", None) if subtype == "plain" else (None, "Only ✓\n"))


def test_the_body_of_a_mixed_message_without_an_alternative() -> None:
    msg = MIMEMultipart("mixed")
    msg.attach(MIMEText("Plain\n", "plain", "utf-8"))
    msg.attach(MIMEApplication(PDF, "pdf", Name="a.pdf"))

    parsed = parse_email(msg)

    assert (parsed.text, parsed.html) == ("Plain\n", None)
    assert parsed.attachments == [FilePart(PDF, "application/pdf", "a.pdf", None, "msg.parts[2]")]


def test_a_text_part_in_an_unknown_charset_is_refused() -> None:
    msg = compat32_from("Content-Type: text/plain; charset=x-no-such-charset\n\nHello\n")

    assert refusal(msg) == "msg.parts[0]"


def test_a_text_part_that_is_not_valid_in_its_charset_is_refused() -> None:
    msg = Message()
    msg["Content-Type"] = 'text/plain; charset="utf-8"'
    msg["Content-Transfer-Encoding"] = "base64"
    msg.set_payload("/w==\n")  # the byte 0xff

    assert refusal(msg) == "msg.parts[0]"


# --------------------------------------------------------------------------- attachments and inline parts


def test_attachments_keep_file_name_content_type_and_bytes() -> None:
    msg = _alternative()
    msg.add_attachment(PDF, "application", "pdf", filename="résumé.pdf")  # RFC 2231 file name
    msg.add_attachment("a,b\n1,2\n", subtype="csv", filename="data.csv")  # a text attachment

    parsed = parse_email(msg)

    assert parsed.attachments == [
        FilePart(PDF, "application/pdf", "résumé.pdf", None, "msg.parts[4]"),
        FilePart(b"a,b\n1,2\n", "text/csv", "data.csv", None, "msg.parts[5]"),
    ]
    assert parsed.inline == []


def test_a_non_text_part_without_a_disposition_is_an_attachment() -> None:
    msg = MIMEMultipart("mixed")
    msg.attach(MIMEText("Plain\n", "plain", "utf-8"))
    part = MIMEBase("application", "zip")
    part.set_payload(b"PK\x03\x04")
    msg.attach(part)

    assert parse_email(msg).attachments == [FilePart(b"PK\x03\x04", "application/zip", None, None, "msg.parts[2]")]


def test_a_text_plain_part_marked_as_attachment_is_an_attachment_not_a_body() -> None:
    msg = _alternative()
    msg.add_attachment("second text\n", filename="notes.txt")

    parsed = parse_email(msg)

    assert parsed.text == "Plain ✓\n"
    assert parsed.attachments == [FilePart(b"second text\n", "text/plain", "notes.txt", None, "msg.parts[4]")]


def test_a_compat32_rfc2047_file_name_is_decoded() -> None:
    msg = MIMEMultipart("mixed")
    msg.attach(MIMEText("Plain\n", "plain", "utf-8"))
    pdf = MIMEApplication(PDF, "pdf")
    pdf["Content-Disposition"] = 'attachment; filename="=?utf-8?q?r=C3=A9sum=C3=A9.pdf?="'
    msg.attach(pdf)

    assert [part.filename for part in parse_email(msg).attachments] == ["résumé.pdf"]


@pytest.mark.parametrize("build", [_alternative_in_related, _related_in_alternative], ids=["related", "in-alternative"])
def test_a_related_part_with_a_content_id_is_inline(build: Callable[[], Message]) -> None:
    msg = build()
    index = next(n for n, part in enumerate(msg.walk()) if part.get_content_type() == "image/png")

    parsed = parse_email(msg)

    assert parsed.inline == [FilePart(PNG, "image/png", None, "logo", f"msg.parts[{index}]")]
    assert parsed.attachments == []


def test_an_attachment_with_a_content_id_stays_an_attachment() -> None:
    msg = _alternative()
    msg.add_attachment(PNG, "image", "png", filename="photo.png", cid="<photo>")

    parsed = parse_email(msg)

    assert [part.filename for part in parsed.attachments] == ["photo.png"]
    assert parsed.inline == []


# --------------------------------------------------------------------------- parts that fit nowhere


def _forwarded() -> EmailMessage:
    inner = modern(From="x@example.com", Subject="inner")
    msg = _alternative()
    msg.add_attachment(inner)  # message/rfc822
    return msg


def _second_plain_in_mixed() -> Message:
    msg = MIMEMultipart("mixed")
    msg.attach(MIMEText("one\n", "plain", "utf-8"))
    msg.attach(MIMEText("two\n", "plain", "utf-8"))
    return msg


def _signed() -> Message:
    msg = MIMEMultipart("mixed")
    signed = MIMEMultipart("signed", protocol="application/pgp-signature")
    signed.attach(MIMEText("Plain\n", "plain", "utf-8"))
    signed.attach(MIMEApplication(b"sig", "pgp-signature"))
    msg.attach(signed)
    return msg


def _encrypted() -> Message:
    msg = MIMEMultipart("encrypted", protocol="application/pgp-encrypted")
    msg.attach(MIMEApplication(b"Version: 1", "pgp-encrypted"))
    msg.attach(MIMEApplication(b"-----BEGIN PGP MESSAGE-----", "octet-stream"))
    return msg


def _calendar_alternative() -> Message:
    msg = MIMEMultipart("alternative")
    msg.attach(MIMEText("Plain\n", "plain", "utf-8"))
    msg.attach(MIMEText("BEGIN:VCALENDAR\n", "calendar", "utf-8"))
    return msg


def _multipart_attachment() -> Message:
    msg = MIMEMultipart("mixed")
    msg.attach(MIMEText("Plain\n", "plain", "utf-8"))
    inner = MIMEMultipart("mixed")
    inner["Content-Disposition"] = "attachment"
    inner.attach(MIMEText("x\n", "plain", "utf-8"))
    msg.attach(inner)
    return msg


def _multipart_without_parts() -> Message:
    return compat32_from("Content-Type: multipart/mixed\n\nno boundary, so no parts\n")


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (_forwarded, "msg.parts[4]"),
        (_second_plain_in_mixed, "msg.parts[2]"),
        (_signed, "msg.parts[1]"),
        (_encrypted, "msg.parts[0]"),
        (_calendar_alternative, "msg.parts[2]"),
        (_multipart_attachment, "msg.parts[2]"),
        (_multipart_without_parts, "msg.parts[0]"),
    ],
    ids=[
        "message-rfc822",
        "second-text-plain",
        "signed",
        "encrypted",
        "calendar-alternative",
        "multipart-attachment",
        "multipart-without-parts",
    ],
)
def test_a_part_that_fits_nowhere_is_refused_by_its_walk_index(build: Callable[[], Message], field: str) -> None:
    assert refusal(build()) == field


def test_something_that_is_not_a_message_is_refused() -> None:
    with pytest.raises(InvalidRequestError) as raised:
        parse_email("From: a@example.com\n\nHello")  # type: ignore[arg-type]

    assert raised.value.field == "msg"


# --------------------------------------------------------------------------- Django's compat32 messages


def test_a_django_message_is_parsed_like_any_compat32_message() -> None:
    mail = pytest.importorskip("django.core.mail")
    django_msg = mail.EmailMultiAlternatives(
        subject="Résumé ✓",
        body="Hello ✓",
        from_email="Clinic Ünï <clinic@example.com>",
        to=["Zoë <zoe@example.com>"],
        cc=["carol@example.com"],
        reply_to=["Desk <desk@example.com>"],
        # Date and Message-ID given, and the encoding set, so that no Django settings are needed
        headers={"Date": "Tue, 01 Jan 2030 00:00:00 -0000", "Message-ID": "<1@example.com>", "X-Campaign": "spring ✓"},
    )
    django_msg.encoding = "utf-8"
    django_msg.attach_alternative("<p>Hello ✓</p>", "text/html")
    django_msg.attach("report.pdf", PDF, "application/pdf")
    msg = django_msg.message()
    assert not isinstance(msg, EmailMessage)  # Django 4.2/5.x: a compat32 SafeMIMEMultipart

    assert parse_email(msg) == ParsedEmail(
        sender=("Clinic Ünï", "clinic@example.com"),
        to=[("Zoë", "zoe@example.com")],
        cc=[("", "carol@example.com")],
        reply_to=[("Desk", "desk@example.com")],
        subject="Résumé ✓",
        text="Hello ✓",
        html="<p>Hello ✓</p>",
        attachments=[FilePart(PDF, "application/pdf", "report.pdf", None, "msg.parts[4]")],
        headers=[("X-Campaign", "spring ✓")],
    )


def test_parsing_leaves_the_message_as_it_was() -> None:
    msg = _modern_addresses()
    before = msg.as_bytes(policy=policy.default)

    parse_email(msg)

    assert msg.as_bytes(policy=policy.default) == before
