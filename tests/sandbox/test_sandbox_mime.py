"""The MIME the sandbox keeps: structure, encodings, non-ASCII text, and render errors."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from sandbox.config import PAUBOX_API_KEY, SMTPCOM_API_KEY, SMTPCOM_CHANNEL
from sandbox.mime import BodyPart, FilePart, MimeError, build_message, parse, render, summarize
from sandbox.testing import SandboxHandle


def test_non_ascii_headers_and_filenames_round_trip() -> None:
    msg = build_message(
        sender=("Jöhn Dœ", "j@example.org"),
        to=[("Zoë, Ann", "z@example.com"), ("", "b@example.com")],
        subject="Grüße — " * 12,
        parts=[BodyPart("text/plain", "Grüße\r\nline 2"), BodyPart("text/html", "<p>Grüße</p>")],
        headers=[("X-Tag", "ünïcode")],
        files=[FilePart("résumé.pdf", "application/pdf", b"%PDF-1.4")],
    )
    raw = render(msg)
    assert raw.isascii()  # encoded words, RFC 2231 parameters, quoted-printable
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    summary = summarize(parse(raw))
    assert summary["headers"]["From"] == "Jöhn Dœ <j@example.org>"
    assert summary["headers"]["To"] == '"Zoë, Ann" <z@example.com>, b@example.com'
    assert summary["headers"]["Subject"] == "Grüße — " * 12
    assert summary["headers"]["X-Tag"] == "ünïcode"
    assert summary["attachments"] == ["résumé.pdf"]
    assert summary["text"] == "Grüße\nline 2"


@pytest.mark.parametrize("cte", ["7bit", "8bit", "quoted-printable", "base64", None])
def test_content_transfer_encodings(cte: str | None) -> None:
    text = "plain ascii text" if cte == "7bit" else "naïve café"
    msg = build_message(
        sender=None, to=[("", "a@example.com")], subject="s", parts=[BodyPart("text/plain", text, cte=cte)]
    )
    parsed = parse(render(msg))
    assert parsed["Content-Transfer-Encoding"] == (cte or "quoted-printable")
    assert parsed.get_content() == text


@pytest.mark.parametrize(
    ("part", "error"),
    [
        (BodyPart("text/plain", "café", cte="7bit"), "7bit encoding cannot carry non-ASCII content"),
        (BodyPart("text/plain", "x", charset="klingon"), "unknown charset 'klingon'"),
        (BodyPart("text/plain", "€", charset="iso-8859-1"), "content cannot be encoded as iso-8859-1"),
        (BodyPart("text/plain", "x", cte="uuencode"), "unsupported encoding 'uuencode'"),
    ],
)
def test_unrenderable_content(part: BodyPart, error: str) -> None:
    with pytest.raises(MimeError, match=error):
        build_message(sender=None, to=[("", "a@example.com")], subject="s", parts=[part])


def test_header_injection_is_refused() -> None:
    with pytest.raises(MimeError, match="line break"):
        build_message(sender=None, to=[], subject="s", parts=[], headers=[("X-A", "1\r\nBcc: evil@example.com")])


def test_html_only_with_inline_image_is_related() -> None:
    msg = build_message(
        sender=None,
        to=[("", "a@example.com")],
        subject="s",
        parts=[BodyPart("text/html", '<img src="cid:logo">')],
        files=[FilePart("logo.png", "image/png", b"\x89PNG", inline=True, cid="logo")],
    )
    summary = summarize(parse(render(msg)))
    assert [p["content_type"] for p in summary["parts"]] == ["multipart/related", "text/html", "image/png"]
    assert summary["inline_images"] == [{"content_id": "logo", "content_type": "image/png", "filename": "logo.png"}]


def smtp_send(http: httpx.Client, sb: SandboxHandle, parts: list[dict[str, Any]]) -> httpx.Response:
    body = {
        "channel": SMTPCOM_CHANNEL,
        "recipients": {"to": [{"address": "a@example.com"}]},
        "originator": {"from": {"name": "Grüße GmbH", "address": "b@example.org"}},
        "subject": "Grüße\naus Köln",  # SMTP.com allows multiline subjects
        "body": {"parts": parts},
    }
    return http.post(sb.base_url("smtpcom") + "/v4/messages", json=body, headers={"X-SMTPCOM-API": SMTPCOM_API_KEY})


def test_smtpcom_charsets_and_default_base64(http: httpx.Client, sandbox: SandboxHandle) -> None:
    response = smtp_send(http, sandbox, [{"type": "text/plain", "charset": "ISO-8859-1", "content": "Grüße"}])
    assert response.status_code == 200
    stored = sandbox.messages("smtpcom")[0]
    assert stored.mime["Content-Type"] == 'text/plain; charset="iso-8859-1"'
    assert stored.mime["Content-Transfer-Encoding"] == "base64"  # the vendor's default encoding
    assert stored.mime.get_content() == "Grüße"
    summary = stored.summary()
    assert summary["headers"]["Subject"] == "Grüße aus Köln"
    assert summary["headers"]["From"] == "Grüße GmbH <b@example.org>"


@pytest.mark.parametrize(
    ("part", "message"),
    [
        (
            {"type": "text/plain", "encoding": "7bit", "content": "café"},
            "cannot be rendered: 7bit encoding cannot carry non-ASCII content",
        ),
        ({"type": "text/plain", "charset": "klingon", "content": "x"}, "cannot be rendered: unknown charset 'klingon'"),
    ],
)
def test_smtpcom_unrenderable_parts_are_400(
    http: httpx.Client, sandbox: SandboxHandle, part: dict[str, Any], message: str
) -> None:
    response = smtp_send(http, sandbox, [part])
    assert response.status_code == 400
    assert response.json() == {"status": "fail", "data": {"body": message}}
    assert sandbox.messages("smtpcom") == []


def test_paubox_non_ascii(http: httpx.Client, sandbox: SandboxHandle) -> None:
    body = {
        "data": {
            "message": {
                "recipients": ["Zoë Ärzt <zoe@example.com>"],
                "headers": {"subject": "Ihre Befunde — Grüße", "from": "Praxis Müller <praxis@example.org>"},
                "content": {"text/plain": "Grüße"},
            }
        }
    }
    response = http.post(
        sandbox.base_url("paubox") + "/messages", json=body, headers={"Authorization": f"Token token={PAUBOX_API_KEY}"}
    )
    assert response.status_code == 200
    stored = sandbox.messages("paubox")[0]
    assert stored.raw.isascii()
    headers = stored.summary()["headers"]
    assert (headers["To"], headers["From"], headers["Subject"]) == (
        "Zoë Ärzt <zoe@example.com>",
        "Praxis Müller <praxis@example.org>",
        "Ihre Befunde — Grüße",
    )
    assert stored.subject == "Ihre Befunde — Grüße"
