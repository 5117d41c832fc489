"""The forms the vendors' own current libraries use, through the clients (shared/notes/vendor-realworld.md).

Each test sends through the public client over ``httpx.MockTransport`` and checks what a user
would notice: the exact request on the wire, or the typed result or error an answer decodes to.
The spec side of each fact is in tests/fidelity/test_realworld.py, the sandbox side in tests/e2e.
"""

from __future__ import annotations

import json

import httpx
import poweremail_client
import pytest
import sendclean_client
from paubox_client import Attachment, Message, MessageContent, MessageHeaders, Paubox
from smtpcom_client import (
    EmailAddress,
    InvalidRequestError,
    MessageAttachment,
    MessageBody,
    Originator,
    Recipients,
    SendMessageRequest,
    SendMimeMessageRequest,
    SMTPcom,
)

KEY = "vendor-forms-key-0123"
NO_RETRY = {"max_retries": 0}


class Wire:
    """Records each request and answers with one canned response."""

    def __init__(self, status: int = 200, body: object = None) -> None:
        self.status, self.body, self.requests = status, body, list[httpx.Request]()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        return httpx.Response(self.status, json=self.body)

    @property
    def only(self) -> httpx.Request:
        (request,) = self.requests
        return request


@pytest.fixture(autouse=True)
def _no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PAUBOX_API_USERNAME", "PAUBOX_API_KEY", "PAUBOX_BASE_URL", "SMTPCOM_API_KEY", "SMTPCOM_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


# ----------------------------------------------------------------------------------- SMTP.com

SMTP_ACCEPTED = {"status": "success", "data": {"message": "accepted, msg_id: m-1"}}


def smtpcom(wire: Wire, **options: object) -> SMTPcom:
    from smtpcom_client import RetryPolicy

    return SMTPcom(KEY, transport=httpx.MockTransport(wire), retry=RetryPolicy(**NO_RETRY), **options)  # type: ignore[arg-type]


def envelope(body: MessageBody | None = None) -> SendMessageRequest:
    request = SendMessageRequest(
        channel="test_channel",
        recipients=Recipients(to=[EmailAddress(address="test_to@example.com", name="To Name")]),
        originator=Originator(from_=EmailAddress(address="test_from@example.com", name="From Name")),
        subject="Test",
    )
    if body is not None:
        request.body = body
    return request


def test_smtpcom_sends_bearer_by_default() -> None:
    wire = Wire(body=SMTP_ACCEPTED)
    with smtpcom(wire) as client:
        client.send_message(envelope(MessageBody(attachments=[MessageAttachment(filename="a.txt", content="aGk=")])))
    request = wire.only
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert "x-smtpcom-api" not in request.headers and not request.url.query


def test_smtpcom_sends_a_body_of_attachments_alone() -> None:
    """SMTP.com's own Python library: `body` carries only `attachments`, with `encoding: base64`."""
    attachment = MessageAttachment(
        filename="test.pdf",
        content="Y11eZUZZB1UBeOdBU1WeBUWSeS1W",
        disposition="inline",
        cid="ome_content_id",
        encoding="base64",
    )
    wire = Wire(body=SMTP_ACCEPTED)
    with smtpcom(wire) as client:
        client.send_message(envelope(MessageBody(attachments=[attachment])))
    assert json.loads(wire.only.content)["body"] == {
        "attachments": [
            {
                "disposition": "inline",
                "filename": "test.pdf",
                "cid": "ome_content_id",
                "encoding": "base64",
                "content": "Y11eZUZZB1UBeOdBU1WeBUWSeS1W",
            }
        ]
    }


def test_smtpcom_sends_line_wrapped_base64_as_given() -> None:
    """WP Mail SMTP wraps attachment content with chunk_split (CRLF every 76 characters)."""
    content = "QUFB" * 19 + "\r\n" + "QUFB\r\n"
    wire = Wire(body=SMTP_ACCEPTED)
    with smtpcom(wire) as client:
        client.send_message(
            envelope(MessageBody(attachments=[MessageAttachment(filename="a.bin", content=content, encoding="base64")]))
        )
    assert json.loads(wire.only.content)["body"]["attachments"][0]["content"] == content


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(None, id="no-body"),
        pytest.param(MessageBody(), id="empty-body"),
        pytest.param(MessageBody(parts=[], attachments=[]), id="empty-lists"),
    ],
)
def test_smtpcom_refuses_a_message_without_parts_or_attachments(body: MessageBody | None) -> None:
    wire = Wire(body=SMTP_ACCEPTED)
    with smtpcom(wire) as client, pytest.raises(InvalidRequestError) as caught:
        client.send_message(envelope(body))
    assert caught.value.field.startswith("message.body")
    assert "at least one part" in str(caught.value) and "attachment" in str(caught.value)
    assert wire.requests == []


def test_smtpcom_sends_mime_with_lf_line_ends_unchanged() -> None:
    mime = "MIME-Version: 1.0\nSubject: test\nContent-Type: text/plain\n\nHello\n"
    request = SendMimeMessageRequest(
        mime=mime,
        channel="test_channel",
        recipients=Recipients(to=[EmailAddress(address="test_to@example.com")]),
        originator=Originator(from_=EmailAddress(address="test_from@example.com")),
    )
    wire = Wire(body=SMTP_ACCEPTED)
    with smtpcom(wire) as client:
        client.send_mime(request)
    assert json.loads(wire.only.content)["mime"] == mime


# ------------------------------------------------------------------------------------- Paubox

PAUBOX_SENT = {"sourceTrackingId": "t-1", "customHeaders": {}, "data": "Service OK"}


def paubox_message(attachment_content: str | None = None) -> Message:
    message = Message(
        recipients=["recipient@host.com"],
        headers=MessageHeaders(subject="sample email", from_="sender@authorized_domain.com"),
        content=MessageContent(textplain="Hello World!"),
    )
    if attachment_content is not None:
        message.attachments = [
            Attachment(file_name="hello_world.txt", content_type="text/plain", content=attachment_content)
        ]
    return message


def paubox(wire: Wire, **options: object) -> Paubox:
    from paubox_client import RetryPolicy

    return Paubox(KEY, transport=httpx.MockTransport(wire), retry=RetryPolicy(**NO_RETRY), **options)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("options", "url"),
    [
        pytest.param({}, "https://api.paubox.com/v1/email/messages", id="key-only-gateway"),
        pytest.param({"api_username": "clinic"}, "https://api.paubox.net/v1/clinic/messages", id="username-legacy"),
    ],
)
def test_paubox_base_url_follows_the_credentials(options: dict[str, str], url: str) -> None:
    wire = Wire(body=PAUBOX_SENT)
    with paubox(wire, **options) as client:
        client.send_message(paubox_message())
    assert str(wire.only.url) == url
    assert wire.only.headers["authorization"] == f"Token token={KEY}"


def test_paubox_sends_attachment_content_with_a_trailing_newline() -> None:
    """Paubox's MuleSoft RAML example: "content": "SGVsbG8gV29ybGQh\\n"."""
    wire = Wire(body=PAUBOX_SENT)
    with paubox(wire) as client:
        client.send_message(paubox_message("SGVsbG8gV29ybGQh\n"))
    sent = json.loads(wire.only.content)["data"]["message"]["attachments"][0]["content"]
    assert sent == "SGVsbG8gV29ybGQh\n"


def test_paubox_decodes_null_custom_headers() -> None:
    """paubox-node test/sendBulkMessages.test.js stubs `customHeaders: null`."""
    wire = Wire(
        body={
            "messages": [
                {
                    "sourceTrackingId": "3d38ab13-0af8-4028-bd45-999999999999",
                    "customHeaders": None,
                    "data": "Service OK",
                }
            ]
        }
    )
    with paubox(wire) as client:
        result = client.send_bulk_messages([paubox_message()])
    assert isinstance(result.messages, list)
    assert result.messages[0].custom_headers is None
    assert result.messages[0].source_tracking_id == "3d38ab13-0af8-4028-bd45-999999999999"


def test_paubox_decodes_empty_string_receipt_values() -> None:
    """paubox-rust: "The API returns empty strings instead of `null` for absent timestamps"."""
    status = {"deliveryStatus": "pending", "deliveryTime": "", "openedStatus": "", "openedTime": ""}
    answer = {
        "sourceTrackingId": "track-abc",
        "data": {
            "message": {"id": "msg-2", "message_deliveries": [{"recipient": "pending@example.com", "status": status}]}
        },
        "errors": [],
    }
    with paubox(Wire(body=answer)) as client:
        receipt = client.get_message_receipt("track-abc")
    delivered = receipt.data.message.message_deliveries[0].status
    assert (delivered.delivery_status, delivered.delivery_time, delivered.opened_status, delivered.opened_time) == (
        "pending",
        "",
        "",
        "",
    )


# ------------------------------------------------------------------------ SendClean/PowerEmail

BRANDS = [pytest.param(sendclean_client, id="sendclean"), pytest.param(poweremail_client, id="poweremail")]


def brand_client(package: object, wire: Wire, **options: object) -> object:
    name = "SendClean" if package is sendclean_client else "PowerEmail"
    cls = getattr(package, name)
    retry = package.RetryPolicy(max_retries=0)  # type: ignore[attr-defined]
    return cls(
        "owner",
        "platform-token-0123",
        smtp_user_name="smtp",
        transport=httpx.MockTransport(wire),
        retry=retry,
        **options,
    )


def brand_message(package: object) -> object:
    models = package.models  # type: ignore[attr-defined]
    return models.Message(
        html="<p>Hi</p>", subject="Hi", from_email="a@example.com", to=[models.Recipient(email="b@example.com")]
    )


@pytest.mark.parametrize("package", BRANDS)
@pytest.mark.parametrize(
    "base_url",
    [
        "https://api.unifiedrml.com/v1.0",
        "https://rapidemail.rmlconnect.net/v1.0",
        "http://rapidemail.rmlconnect.net/v1.0/",
    ],
)
def test_platform_takes_any_host_as_base_url(package: object, base_url: str) -> None:
    wire = Wire(body={"status": "success", "message": "queued"})
    client = brand_client(package, wire, base_url=base_url)
    client.send_mail(brand_message(package))  # type: ignore[attr-defined]
    assert str(wire.only.url) == base_url.rstrip("/") + "/messages/sendMail"


@pytest.mark.parametrize("package", BRANDS)
@pytest.mark.parametrize(
    ("status", "body", "error_name"),
    [
        (
            200,
            {"status": "error", "code": "-1", "type": "AuthenticationError", "message": "Token MissMatch"},
            "AuthenticationError",
        ),
        (
            200,
            {"status": "error", "code": -1, "type": "ValidationError", "message": "to is required"},
            "BadRequestError",
        ),
        (200, {"status": "error", "code": "-1", "type": "GeneralError", "message": "try later"}, "ServerError"),
        (
            401,
            {"status": "error", "code": "-1", "type": "AuthenticationError", "message": "Token MissMatch"},
            "AuthenticationError",
        ),
    ],
)
def test_platform_error_named_in_type_raises_the_typed_error(
    package: object, status: int, body: dict[str, object], error_name: str
) -> None:
    client = brand_client(package, Wire(status, body))
    with pytest.raises(getattr(package, error_name)) as caught:
        client.send_mail(brand_message(package))  # type: ignore[attr-defined]
    error = caught.value.error
    assert isinstance(error, package.models.ErrorEnvelope)  # type: ignore[attr-defined]
    assert (error.type_, error.code) == (body["type"], body["code"])
    assert str(body["message"]) in str(caught.value)
