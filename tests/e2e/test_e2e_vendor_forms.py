"""The forms the vendors' own current libraries use, end to end against the sandbox, sync and async.

One case per form of shared/notes/vendor-realworld.md: the sandbox accepts what the client sends,
and the client decodes what the sandbox answers in that form.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest
from e2e_support import Clients, attachments, only_message, vendor_requests
from support.clients import platform_message, resolve

from sandbox import config as sb
from sandbox.testing import SandboxHandle

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"


# ----------------------------------------------------------------------------------- SMTP.com


def smtpcom_request(body: Any) -> Any:
    from smtpcom_client import EmailAddress, Originator, Recipients, SendMessageRequest

    return SendMessageRequest(
        channel=sb.SMTPCOM_CHANNEL,
        recipients=Recipients(to=[EmailAddress(address="jane@example.com")]),
        originator=Originator(from_=EmailAddress(address="noreply@shop.example.com")),
        subject="Your invoice",
        body=body,
    )


async def test_smtpcom_attachments_alone_with_wrapped_base64(sandbox: SandboxHandle, clients: Clients) -> None:
    from smtpcom_client import MessageAttachment, MessageBody

    wrapped = base64.encodebytes(PDF).decode().replace("\n", "\r\n")  # WP Mail SMTP's chunk_split
    attachment = MessageAttachment(filename="invoice.pdf", type_="application/pdf", content=wrapped, encoding="base64")
    await resolve(clients.smtpcom().send_message(smtpcom_request(MessageBody(attachments=[attachment]))))
    (request,) = vendor_requests(sandbox, "smtpcom", "POST", "/v4/messages")
    assert request.headers["authorization"] == f"Bearer {sb.SMTPCOM_API_KEY}"  # the default auth
    assert "parts" not in request.json()["body"]
    assert attachments(only_message(sandbox, "smtpcom").mime) == {"invoice.pdf": ("application/pdf", PDF)}


async def test_smtpcom_mime_with_lf_line_ends(sandbox: SandboxHandle, clients: Clients) -> None:
    from smtpcom_client import EmailAddress, Originator, Recipients, SendMimeMessageRequest

    mime = "From: noreply@shop.example.com\nTo: jane@example.com\nSubject: LF only\nMIME-Version: 1.0\n\nHello\n"
    request = SendMimeMessageRequest(
        mime=mime,
        channel=sb.SMTPCOM_CHANNEL,
        recipients=Recipients(to=[EmailAddress(address="jane@example.com")]),
        originator=Originator(from_=EmailAddress(address="noreply@shop.example.com")),
    )
    await resolve(clients.smtpcom().send_mime(request))
    stored = only_message(sandbox, "smtpcom")
    assert stored.mime["Subject"] == "LF only"
    assert stored.mime.get_content().strip() == "Hello"


# ------------------------------------------------------------------------------------- Paubox


def paubox_message(attachment_content: str | None = None) -> Any:
    from paubox_client import Attachment, Message, MessageContent, MessageHeaders

    message = Message(
        recipients=["jane@example.com"],
        headers=MessageHeaders(subject="Results", from_="clinic@sandbox.example.com"),
        content=MessageContent(textplain="Your results are ready."),
    )
    if attachment_content is not None:
        message.attachments = [
            Attachment(file_name="hello_world.txt", content_type="text/plain", content=attachment_content)
        ]
    return message


async def test_paubox_key_only_gateway(sandbox: SandboxHandle, clients: Clients) -> None:
    client = clients.paubox(
        api_key=sb.PAUBOX_OTHER_API_KEY, api_username=None, base_url=f"{sandbox.url}/paubox/v1/email"
    )
    sent = await resolve(client.send_message(paubox_message()))
    stored = only_message(sandbox, "paubox")
    assert (stored.id, stored.meta["username"]) == (sent.id, sb.PAUBOX_OTHER_USERNAME)
    receipt = await resolve(client.get_message_receipt(sent.id))
    assert receipt.source_tracking_id == sent.id
    assert all(r.path.startswith("/paubox/v1/email/") for r in sandbox.requests("paubox"))


async def test_paubox_attachment_with_trailing_newline(sandbox: SandboxHandle, clients: Clients) -> None:
    await resolve(clients.paubox().send_message(paubox_message("SGVsbG8gV29ybGQh\n")))
    assert attachments(only_message(sandbox, "paubox").mime) == {"hello_world.txt": ("text/plain", b"Hello World!")}


async def test_paubox_null_custom_headers(sandbox: SandboxHandle, clients: Clients) -> None:
    sandbox.configure(paubox_null_custom_headers=True)
    result = await resolve(clients.paubox().send_bulk_messages([paubox_message(), paubox_message()]))
    assert [item.custom_headers for item in result.messages] == [None, None]
    assert [item.source_tracking_id for item in result.messages] == [m.id for m in sandbox.messages("paubox")]


async def test_paubox_empty_string_receipt_values(sandbox: SandboxHandle, clients: Clients) -> None:
    sandbox.configure(paubox_unset_style="empty", paubox_processing_reads=5)
    client = clients.paubox()
    sent = await resolve(client.send_message(paubox_message()))
    receipt = await resolve(client.get_message_receipt(sent.id))
    status = receipt.data.message.message_deliveries[0].status
    assert (status.delivery_status, status.delivery_time, status.opened_status, status.opened_time) == (
        "processing",
        "",
        "",
        "",
    )


# ------------------------------------------------------------------------ SendClean/PowerEmail


@pytest.fixture(params=["sendclean", "poweremail"])
def brand(request: pytest.FixtureRequest) -> str:
    return str(request.param)


async def test_platform_type_named_error_with_string_code(sandbox: SandboxHandle, clients: Clients, brand: str) -> None:
    import importlib

    package = importlib.import_module(f"{brand}_client")
    sandbox.configure(platform_error_style="type", platform_error_code_as_string=True)
    with pytest.raises(package.AuthenticationError) as caught:
        await resolve(clients.brand(brand, token="not-the-token").send_mail(platform_message(brand)))
    assert (caught.value.error.type_, caught.value.error.code) == ("AuthenticationError", "-1")
    assert sandbox.messages(brand) == []


async def test_platform_on_another_host_name(sandbox: SandboxHandle, clients: Clients, brand: str) -> None:
    other_host = sandbox.base_url(brand).replace("127.0.0.1", "localhost")
    await resolve(clients.brand(brand, base_url=other_host).send_mail(platform_message(brand)))
    (request,) = sandbox.requests(brand)
    assert request.headers["host"] == f"localhost:{sandbox.port}"
    assert only_message(sandbox, brand).mime["Subject"] == "Greetings"
