"""What the vendors' own current libraries send, checked against the specs (shared/notes/vendor-realworld.md).

One test per fact: the payload, copied from the source the note names, validates against the spec,
and the fact's documented negative is still rejected. Sources are named as `repository path`;
the payloads are verbatim except where a comment says what was filled in.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from spec_tools import SPECS_DIR, errors_for, load_spec

# ------------------------------------------------------------------------------------- Paubox

# Paubox/paubox-mulesoft paubox-secure-email-api.raml: the request example; attachment content ends with "\n".
MULESOFT_SEND: dict[str, Any] = {
    "data": {
        "message": {
            "recipients": ["recipient@host.com", "Recipient Name <recipient2@host.com>"],
            "bcc": ["recipient3@host.com", "Recipient Name <recipient4@host.com>"],
            "headers": {
                "subject": "sample email",
                "from": "sender@authorized_domain.com",
                "reply-to": "Sender Name <sender@authorized_domain.com>",
            },
            "allowNonTLS": False,
            "content": {
                "text/plain": "Hello World!",
                "text/html": "<html><body><h1>Hello World!</h1></body></html>",
            },
            "attachments": [
                {"fileName": "hello_world.txt", "contentType": "text/plain", "content": "SGVsbG8gV29ybGQh\n"}
            ],
        }
    }
}

# Paubox/paubox-node test/sendBulkMessages.test.js: the stubbed bulk response, as JSON.
NODE_BULK_NULL_HEADERS: dict[str, Any] = {
    "messages": [
        {"sourceTrackingId": "3d38ab13-0af8-4028-bd45-999999999999", "customHeaders": None, "data": "Service OK"},
        {"sourceTrackingId": "3d38ab13-0af8-4028-bd45-000000000000", "customHeaders": None, "data": "Service OK"},
    ]
}

# Paubox/paubox-rust tests/email_mock_tests.rs (get_email_disposition_empty_timestamps_become_none).
RUST_EMPTY_TIMESTAMPS: dict[str, Any] = {
    "sourceTrackingId": "track-abc",
    "data": {
        "message": {
            "id": "msg-2",
            "message_deliveries": [
                {
                    "recipient": "pending@example.com",
                    "status": {
                        "deliveryStatus": "pending",
                        "deliveryTime": "",
                        "openedStatus": "unopened",
                        "openedTime": "",
                    },
                }
            ],
        }
    },
    "errors": [],
}


def test_paubox_gateway_is_the_first_server_and_needs_no_username() -> None:
    """Paubox/paubox-go client.go: defaultBaseURL = "https://api.paubox.com/v1/email", key only."""
    servers = load_spec("paubox")["servers"]
    assert servers[0]["url"] == "https://api.paubox.com/v1/email"
    assert "variables" not in servers[0]
    legacy = servers[1]
    assert legacy["url"] == "https://api.paubox.net/v1/{api_username}" and "api_username" in legacy["variables"]
    # Negative: the bare /v1 prefix is not routed (Paubox MCP server) and is not offered.
    assert all(server["url"].rstrip("/") != "https://api.paubox.com/v1" for server in servers)


def test_paubox_bulk_response_with_null_custom_headers() -> None:
    assert errors_for("paubox", "BulkSendResponse", NODE_BULK_NULL_HEADERS) == []
    wrong = copy.deepcopy(NODE_BULK_NULL_HEADERS)
    wrong["messages"][0]["customHeaders"] = "X-Custom-Header"
    assert any("customHeaders" in e for e in errors_for("paubox", "BulkSendResponse", wrong))


@pytest.mark.parametrize(
    "content",
    [
        pytest.param("SGVsbG8gV29ybGQh\n", id="mulesoft-trailing-lf"),
        # Ruby's Base64.encode64: a line break after every 60 characters and at the end.
        pytest.param("QUFB" * 15 + "\n" + "QUFB" * 5 + "\n", id="ruby-encode64"),
        pytest.param("QUFB" * 19 + "\r\n" + "QUFB\r\n", id="crlf-wrapped"),
    ],
)
def test_paubox_attachment_content_may_be_line_wrapped(content: str) -> None:
    send = copy.deepcopy(MULESOFT_SEND)
    send["data"]["message"]["attachments"][0]["content"] = content
    assert errors_for("paubox", "SingleSendRequest", send) == []


def test_paubox_mulesoft_example_validates_and_non_base64_content_is_rejected() -> None:
    assert errors_for("paubox", "SingleSendRequest", MULESOFT_SEND) == []
    wrong = copy.deepcopy(MULESOFT_SEND)
    wrong["data"]["message"]["attachments"][0]["content"] = "Hello World!"
    errors = errors_for("paubox", "SingleSendRequest", wrong)
    assert any(e.startswith("data/message/attachments/0/content:") for e in errors), errors


def test_paubox_receipt_with_empty_string_timestamps_and_status() -> None:
    assert errors_for("paubox", "MessageReceiptResponse", RUST_EMPTY_TIMESTAMPS) == []
    # paubox-perl-sdk rewrites openedStatus "" to "unopened": the API sends "" there.
    perl = copy.deepcopy(RUST_EMPTY_TIMESTAMPS)
    perl["data"]["message"]["message_deliveries"][0]["status"]["openedStatus"] = ""
    assert errors_for("paubox", "MessageReceiptResponse", perl) == []
    # Negative: a delivery status still needs its deliveryStatus.
    wrong = copy.deepcopy(RUST_EMPTY_TIMESTAMPS)
    del wrong["data"]["message"]["message_deliveries"][0]["status"]["deliveryStatus"]
    assert any("deliveryStatus" in e for e in errors_for("paubox", "MessageReceiptResponse", wrong))


# ----------------------------------------------------------------------------------- SMTP.com

# SMTP.com's hand-written Python library (pip install smtpcom), unit test `test_mail`: attachments, no parts.
LIBRARY_ATTACHMENTS_ONLY: dict[str, Any] = {
    "channel": "test_channel",
    "recipients": {"to": [{"name": "To Name", "address": "test_to@example.com"}]},
    "originator": {"from": {"name": "From Name", "address": "test_from@example.com"}},
    "body": {
        "attachments": [
            {
                "content": "Y11eZUZZB1UBeOdBU1WeBUWSeS1W",
                "disposition": "inline",
                "filename": "test.pdf",
                "cid": "ome_content_id",
                "encoding": "base64",
            }
        ]
    },
    "subject": "Test",
}

# The same test's MIME case: bare LF line ends.
LIBRARY_LF_MIME: dict[str, Any] = {
    "channel": "test_channel",
    "recipients": {"to": [{"name": "To Name", "address": "test_to@example.com"}]},
    "originator": {"from": {"name": "From Name", "address": "test_from@example.com"}},
    "mime": 'Content-Type: multipart/alternative; boundary="===============3888813205838512298=="\n'
    "MIME-Version: 1.0\nSubject: test\n\n--===============3888813205838512298==\nContent-Type: text/html; "
    'charset="us-ascii"\nMIME-Version: 1.0\nContent-Transfer-Encoding: 7bit\n\n\n'
    '<html>\n    <head></head>\n    <body>Hi! The link: <a href="https://google.com">'
    "A link to the Google</a><br/>\n</body>\n\n</html>\n\n--===============3888813205838512298==--\n",
}

# awesomemotive/WP-Mail-SMTP src/Providers/SMTPcom/Mailer.php: no `body` when the content is empty.
WP_NO_BODY: dict[str, Any] = {
    "channel": "my_channel",
    "recipients": {"to": [{"address": "jane@example.com"}]},
    "originator": {"from": {"address": "noreply@example.com"}},
    "subject": "Ping",
}

# The same Mailer.php: a part with charset and (older releases) encoding; an attachment
# chunk_split() into CRLF-terminated lines, `encoding: base64`, an empty cid.
WP_PART_AND_ATTACHMENT: dict[str, Any] = {
    **WP_NO_BODY,
    "body": {
        "parts": [{"type": "text/plain", "content": "Invoice attached.", "charset": "UTF-8", "encoding": "8bit"}],
        "attachments": [
            {
                "content": "JVBERi0xLjQK\r\n",
                "type": "application/pdf",
                "encoding": "base64",
                "filename": "invoice.pdf",
                "disposition": "attachment",
                "cid": "",
            }
        ],
    },
}


def test_smtpcom_bearer_is_a_security_scheme_of_every_operation() -> None:
    """WP-Mail-SMTP Mailer.php and SMTPAPIClient send `Authorization: Bearer <key>`."""
    spec = load_spec("smtpcom")
    schemes = spec["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {**schemes["bearerAuth"], "type": "http", "scheme": "bearer"}
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            assert {"bearerAuth": []} in operation["security"], f"{method.upper()} {path}"
            # Negative: each requirement is one scheme on its own (the key travels one way), and
            # every scheme named exists.
            assert all(
                len(requirement) == 1 and set(requirement) <= set(schemes) for requirement in operation["security"]
            )


def test_smtpcom_body_of_attachments_alone() -> None:
    assert errors_for("smtpcom", "SendMessageRequest", LIBRARY_ATTACHMENTS_ONLY) == []
    empties: list[dict[str, Any]] = [{}, {"attachments": []}, {"parts": []}]
    for empty in empties:
        wrong = {**LIBRARY_ATTACHMENTS_ONLY, "body": empty}
        assert any(e.startswith("body") for e in errors_for("smtpcom", "SendMessageRequest", wrong)), empty


def test_smtpcom_request_without_a_body() -> None:
    assert errors_for("smtpcom", "SendMessageRequest", WP_NO_BODY) == []
    wrong = {k: v for k, v in WP_NO_BODY.items() if k != "channel"}
    assert any("'channel' is a required property" in e for e in errors_for("smtpcom", "SendMessageRequest", wrong))


def test_smtpcom_attachment_and_part_encoding() -> None:
    assert errors_for("smtpcom", "SendMessageRequest", WP_PART_AND_ATTACHMENT) == []
    wrong = copy.deepcopy(WP_PART_AND_ATTACHMENT)
    wrong["body"]["attachments"][0]["disposition"] = "embedded"
    errors = errors_for("smtpcom", "SendMessageRequest", wrong)
    assert any(e.startswith("body/attachments/0/disposition:") for e in errors), errors


def test_smtpcom_mime_with_lf_line_ends() -> None:
    assert "\r" not in LIBRARY_LF_MIME["mime"]
    assert errors_for("smtpcom", "SendMimeMessageRequest", LIBRARY_LF_MIME) == []
    wrong = {k: v for k, v in LIBRARY_LF_MIME.items() if k != "mime"}
    assert any("'mime' is a required property" in e for e in errors_for("smtpcom", "SendMimeMessageRequest", wrong))


def test_smtpcom_part_type_is_optional_and_the_spec_says_so_once() -> None:
    """SMTP.com's PHP SDK sends `['content' => $body]`; MessagePart requires only `content`."""
    spec = load_spec("smtpcom")
    assert spec["components"]["schemas"]["MessagePart"]["required"] == ["content"]
    assert errors_for("smtpcom", "MessagePart", {"content": "Hello"}) == []
    assert any(
        "'content' is a required property" in e for e in errors_for("smtpcom", "MessagePart", {"type": "text/plain"})
    )
    # The contradiction is gone: no description claims the spec requires a part's type.
    text = (SPECS_DIR / "smtpcom.yaml").read_text(encoding="utf-8")
    assert "this spec requires `type`" not in text


# ------------------------------------------------------------------------ SendClean/PowerEmail

# The platform's error body as the doc's return-value table describes it (`type`), with
# PowerEmail's string code; the third-party TypeScript wrapper reads `res.type`.
TYPE_NAMED_ERROR: dict[str, Any] = {
    "status": "error",
    "code": "-1",
    "type": "AuthenticationError",
    "message": "Token MissMatch",
}

# A third-party caller of https://api.unifiedrml.com/v1.0/messages/sendMail (credentials and
# addresses replaced by placeholders; the rapidemail.rmlconnect.net callers send "X-Unique-Id": "id ").
OTHER_HOST_SEND: dict[str, Any] = {
    "owner_id": "owner",
    "token": "token",
    "smtp_user_name": "smtp-user",
    "message": {
        "html": "<p>Report attached</p>",
        "subject": "Daily report",
        "from_email": "alerts@example.com",
        "from_name": "Alerts",
        "to": [{"email": "ops@example.com", "name": "Ops", "type": "to"}, {"email": "cc@example.com", "type": "cc"}],
        "headers": {"Reply-To": "alerts@example.com", "X-Unique-Id": "id "},
        "attachments": [],
        "images": [],
    },
}


@pytest.mark.parametrize("vendor", ["sendclean", "poweremail"])
def test_platform_error_named_in_type_with_a_string_code(vendor: str) -> None:
    assert errors_for(vendor, "ErrorEnvelope", TYPE_NAMED_ERROR) == []
    named = {**TYPE_NAMED_ERROR, "code": -1, "name": TYPE_NAMED_ERROR["type"]}
    del named["type"]
    assert errors_for(vendor, "ErrorEnvelope", named) == []
    # Negatives: an error body that names no error class, or whose code is neither number nor string.
    nameless = {k: v for k, v in TYPE_NAMED_ERROR.items() if k != "type"}
    assert errors_for(vendor, "ErrorEnvelope", nameless)
    assert errors_for(vendor, "ErrorEnvelope", {**TYPE_NAMED_ERROR, "code": True})


@pytest.mark.parametrize("vendor", ["sendclean", "poweremail"])
def test_platform_is_served_on_other_hosts(vendor: str) -> None:
    servers = [server["url"] for server in load_spec(vendor)["servers"]]
    assert "https://{host}/v1.0" in servers
    assert errors_for(vendor, "SendMailRequest", OTHER_HOST_SEND) == []
    wrong = {k: v for k, v in OTHER_HOST_SEND.items() if k != "owner_id"}
    assert any("'owner_id' is a required property" in e for e in errors_for(vendor, "SendMailRequest", wrong))
