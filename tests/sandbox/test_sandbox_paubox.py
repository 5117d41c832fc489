"""Paubox Email API v1 on the sandbox: auth, send, bulk send, receipts, validation, MIME."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest

from sandbox.config import PAUBOX_API_KEY, PAUBOX_OTHER_API_KEY, PAUBOX_OTHER_USERNAME
from sandbox.testing import SandboxHandle

AUTH = {"Authorization": f"Token token={PAUBOX_API_KEY}"}
UNAUTHORIZED = {
    "errors": [
        {
            "code": 401,
            "status": "invalid_access_token",
            "title": "Invalid Access Token",
            "details": "Access token is missing or does not match endpoint username",
        }
    ]
}


def message(**changes: Any) -> dict[str, Any]:
    msg: dict[str, Any] = {
        "recipients": ["Jane Doe <jane@example.com>"],
        "headers": {"subject": "Lab results", "from": "Clinic <clinic@example.org>"},
        "content": {"text/plain": "Your results are ready.", "text/html": "<p>Your results are ready.</p>"},
    }
    msg.update(changes)
    return msg


def send(http: httpx.Client, sb: SandboxHandle, msg: dict[str, Any] | None = None, **headers: str) -> httpx.Response:
    return http.post(
        sb.base_url("paubox") + "/messages", json={"data": {"message": msg or message()}}, headers=headers or AUTH
    )


def receipt(http: httpx.Client, sb: SandboxHandle, tracking_id: str) -> httpx.Response:
    return http.get(sb.base_url("paubox") + "/message_receipt", params={"sourceTrackingId": tracking_id}, headers=AUTH)


# ------------------------------------------------------------------------------------ auth
@pytest.mark.parametrize("value", [f"Token token={PAUBOX_API_KEY}", f"Bearer {PAUBOX_API_KEY}"])
def test_accepts_token_and_bearer_forms(http: httpx.Client, sandbox: SandboxHandle, value: str) -> None:
    response = send(http, sandbox, Authorization=value)
    assert response.status_code == 200
    assert response.json()["data"] == "Service OK"


@pytest.mark.parametrize(
    "value",
    [
        "Token token=wrong-key",
        PAUBOX_API_KEY,  # the key alone, without the `Token token=` prefix
        f"Token {PAUBOX_API_KEY}",
        f"Token token={PAUBOX_OTHER_API_KEY}",  # valid key of another username
        "",
    ],
)
def test_rejects_wrong_or_malformed_key_with_401(http: httpx.Client, sandbox: SandboxHandle, value: str) -> None:
    response = (
        send(http, sandbox, Authorization=value)
        if value
        else http.post(sandbox.base_url("paubox") + "/messages", json={"data": {"message": message()}})
    )
    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED
    assert sandbox.messages("paubox") == []


def test_gateway_path_needs_only_the_key(http: httpx.Client, sandbox: SandboxHandle) -> None:
    """`/v1/email` (https://api.paubox.com/v1/email): the key alone names the account."""
    gateway = sandbox.url + "/paubox/v1/email"
    other = {"Authorization": f"Token token={PAUBOX_OTHER_API_KEY}"}
    sent = http.post(gateway + "/messages", json={"data": {"message": message()}}, headers=other)
    assert sent.status_code == 200, sent.text
    (stored,) = sandbox.messages("paubox")
    assert stored.meta["username"] == PAUBOX_OTHER_USERNAME
    found = http.get(gateway + "/message_receipt", params={"sourceTrackingId": stored.id}, headers=other)
    assert found.status_code == 200
    wrong = http.post(
        gateway + "/messages", json={"data": {"message": message()}}, headers={"Authorization": "Token token=nope"}
    )
    assert (wrong.status_code, wrong.json()) == (401, UNAUTHORIZED)


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("null", {"deliveryTime": None, "openedStatus": None}),
        ("empty", {"deliveryTime": "", "openedStatus": ""}),
        ("absent", {}),
    ],
)
def test_unset_receipt_values_follow_the_configured_style(
    http: httpx.Client, sandbox: SandboxHandle, style: str, expected: dict[str, Any]
) -> None:
    sandbox.configure(paubox_unset_style=style, paubox_processing_reads=5)
    tracking_id = send(http, sandbox).json()["sourceTrackingId"]
    status = receipt(http, sandbox, tracking_id).json()["data"]["message"]["message_deliveries"][0]["status"]
    assert status == {
        "deliveryStatus": "processing",
        **expected,
        **({"openedTime": expected["openedStatus"]} if expected else {}),
    }


def test_null_custom_headers_when_configured(http: httpx.Client, sandbox: SandboxHandle) -> None:
    assert send(http, sandbox).json()["customHeaders"] == {}
    sandbox.configure(paubox_null_custom_headers=True)
    assert send(http, sandbox).json()["customHeaders"] is None
    with_header = message(headers={**message()["headers"], "X-Campaign": "c1"})
    assert send(http, sandbox, with_header).json()["customHeaders"] == {"X-Campaign": "c1"}


def test_attachment_content_with_trailing_newline(http: httpx.Client, sandbox: SandboxHandle) -> None:
    """Paubox's MuleSoft RAML example: `"content": "SGVsbG8gV29ybGQh\\n"`."""
    attachment = {"fileName": "hello_world.txt", "contentType": "text/plain", "content": "SGVsbG8gV29ybGQh\n"}
    assert send(http, sandbox, message(attachments=[attachment])).status_code == 200
    (stored,) = sandbox.messages("paubox")
    (part,) = [p for p in stored.mime.walk() if p.get_filename() == "hello_world.txt"]
    assert part.get_payload(decode=True) == b"Hello World!"


def test_key_must_belong_to_the_username_in_the_path(http: httpx.Client, sandbox: SandboxHandle) -> None:
    url = sandbox.base_url("paubox", username=PAUBOX_OTHER_USERNAME) + "/messages"
    ok = http.post(
        url, json={"data": {"message": message()}}, headers={"Authorization": f"Token token={PAUBOX_OTHER_API_KEY}"}
    )
    assert ok.status_code == 200
    wrong = http.post(url, json={"data": {"message": message()}}, headers=AUTH)
    assert wrong.status_code == 401
    assert wrong.json() == UNAUTHORIZED
    unknown = http.post(sandbox.url + "/paubox/v1/nobody/messages", json={"data": {"message": message()}}, headers=AUTH)
    assert unknown.status_code == 401


# ------------------------------------------------------------------------------ send flow
def test_send_then_receipt_moves_from_processing_to_delivered(http: httpx.Client, sandbox: SandboxHandle) -> None:
    sent = send(http, sandbox, message(headers={"subject": "Hi", "from": "a@example.org", "X-Campaign": "c1"}))
    assert sent.status_code == 200
    body = sent.json()
    assert set(body) == {"sourceTrackingId", "customHeaders", "data"}
    assert body["customHeaders"] == {"X-Campaign": "c1"}
    tracking_id = body["sourceTrackingId"]

    first = receipt(http, sandbox, tracking_id)
    assert first.status_code == 200
    first_msg = first.json()["data"]["message"]
    assert first.json()["sourceTrackingId"] == tracking_id
    assert first_msg["message_deliveries"] == [
        {
            "recipient": "jane@example.com",
            "status": {"deliveryStatus": "processing", "deliveryTime": None, "openedStatus": None, "openedTime": None},
        }
    ]

    second = receipt(http, sandbox, tracking_id).json()["data"]["message"]
    status = second["message_deliveries"][0]["status"]
    assert status["deliveryStatus"] == "delivered"
    assert status["deliveryTime"]
    assert second["id"] == first_msg["id"] == sandbox.messages("paubox")[0].mime["Message-ID"]
    assert second["total_opens"] == 0 and second["unsubscribed"] is False
    assert (
        receipt(http, sandbox, tracking_id).json()["data"]["message"]["message_deliveries"][0]["status"][
            "deliveryStatus"
        ]
        == "delivered"
    )


def test_processing_reads_is_configurable(http: httpx.Client, sandbox: SandboxHandle) -> None:
    sandbox.configure(paubox_processing_reads=3)
    tracking_id = send(http, sandbox).json()["sourceTrackingId"]
    states = [
        receipt(http, sandbox, tracking_id).json()["data"]["message"]["message_deliveries"][0]["status"][
            "deliveryStatus"
        ]
        for _ in range(5)
    ]
    assert states == ["processing"] * 3 + ["delivered"] * 2


@pytest.mark.parametrize(("delay_ms", "expected"), [(0, "delivered"), (600_000, "processing")])
def test_time_based_delivery(http: httpx.Client, sandbox: SandboxHandle, delay_ms: int, expected: str) -> None:
    sandbox.configure(paubox_delivery_delay_ms=delay_ms)
    tracking_id = send(http, sandbox).json()["sourceTrackingId"]
    deliveries = receipt(http, sandbox, tracking_id).json()["data"]["message"]["message_deliveries"]
    assert deliveries[0]["status"]["deliveryStatus"] == expected


def test_unknown_tracking_id_is_404_with_the_id_echoed(http: httpx.Client, sandbox: SandboxHandle) -> None:
    response = receipt(http, sandbox, "this-message-does-not-exist")
    assert response.status_code == 404
    assert response.json() == {
        "errors": [
            {
                "code": 404,
                "status": "message_not_found",
                "title": "Message was not found",
                "details": "Message with this tracking id was not found",
            }
        ],
        "sourceTrackingId": "this-message-does-not-exist",
    }


def test_receipts_are_private_to_the_username(http: httpx.Client, sandbox: SandboxHandle) -> None:
    tracking_id = send(http, sandbox).json()["sourceTrackingId"]
    other = http.get(
        sandbox.base_url("paubox", username=PAUBOX_OTHER_USERNAME) + "/message_receipt",
        params={"sourceTrackingId": tracking_id},
        headers={"Authorization": f"Token token={PAUBOX_OTHER_API_KEY}"},
    )
    assert other.status_code == 404
    assert other.json()["sourceTrackingId"] == tracking_id


def test_receipt_without_tracking_id_is_400(http: httpx.Client, sandbox: SandboxHandle) -> None:
    response = http.get(sandbox.base_url("paubox") + "/message_receipt", headers=AUTH)
    assert response.status_code == 400
    assert response.json()["errors"][0]["details"] == "sourceTrackingId is required"


def test_multi_recipient_receipt_lists_every_recipient(http: httpx.Client, sandbox: SandboxHandle) -> None:
    msg = message(recipients=["a@example.com", "bounce-me@example.com"], cc=["c@example.com"], bcc=["d@example.com"])
    tracking_id = send(http, sandbox, msg).json()["sourceTrackingId"]
    receipt(http, sandbox, tracking_id)
    data = receipt(http, sandbox, tracking_id).json()["data"]["message"]
    statuses = {d["recipient"]: d["status"] for d in data["message_deliveries"]}
    assert list(statuses) == ["a@example.com", "bounce-me@example.com", "c@example.com", "d@example.com"]
    assert statuses["bounce-me@example.com"]["deliveryStatus"] == "hard bounced"
    assert statuses["a@example.com"]["deliveryStatus"] == "delivered"
    assert "openedStatus" not in statuses["a@example.com"]  # open data: single-recipient messages only
    assert "total_opens" not in data


def test_bulk_send_returns_ids_in_request_order(http: httpx.Client, sandbox: SandboxHandle) -> None:
    messages = [message(headers={"subject": f"m{i}", "from": "a@example.org"}) for i in range(4)]
    response = http.post(
        sandbox.base_url("paubox") + "/bulk_messages", json={"data": {"messages": messages}}, headers=AUTH
    )
    assert response.status_code == 200
    items = response.json()["messages"]
    assert [item["data"] for item in items] == ["Service OK"] * 4
    by_id = {m.id: m.subject for m in sandbox.messages("paubox")}
    assert [by_id[item["sourceTrackingId"]] for item in items] == ["m0", "m1", "m2", "m3"]
    for item in items:
        assert receipt(http, sandbox, item["sourceTrackingId"]).status_code == 200


def test_bulk_send_with_one_invalid_message_stores_nothing(http: httpx.Client, sandbox: SandboxHandle) -> None:
    messages = [message(), message(recipients=[])]
    response = http.post(
        sandbox.base_url("paubox") + "/bulk_messages", json={"data": {"messages": messages}}, headers=AUTH
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["details"] == "data.messages[1].recipients should contain at least 1 item"
    assert sandbox.messages("paubox") == []


# ----------------------------------------------------------------------------- validation
INVALID = [
    ("missing recipients", {"recipients": None}, "data.message.recipients is required"),
    ("empty recipients", {"recipients": []}, "data.message.recipients should contain at least 1 item"),
    (
        "bad recipient",
        {"recipients": ["testuser"]},
        "data.message.recipients[0] is not a valid email address: 'testuser'",
    ),
    (
        "too many recipients",
        {"recipients": [f"r{i}@example.com" for i in range(101)]},
        "data.message.recipients should contain at most 100 items",
    ),
    ("missing from", {"headers": {"subject": "x"}}, "data.message.headers.from is required"),
    ("missing subject", {"headers": {"from": "a@example.org"}}, "data.message.headers.subject is required"),
    (
        "no content",
        {"content": {"text/plain": None, "text/html": None}},
        "data.message.content must include text/plain or text/html",
    ),
    ("missing content", {"content": None}, "data.message.content is required"),
    (
        "bad base64",
        {"attachments": [{"fileName": "a.pdf", "contentType": "application/pdf", "content": "not base64!"}]},
        "data.message.attachments[0].content is not valid base64",
    ),
    (
        "attachment without name",
        {"attachments": [{"contentType": "text/plain", "content": "SGk="}]},
        "data.message.attachments[0].fileName is required",
    ),
    ("string boolean", {"forceSecureNotification": "true"}, "data.message.forceSecureNotification must be a boolean"),
    (
        "header line break",
        {"headers": {"subject": "a\r\nBcc: x@y.z", "from": "a@example.org"}},
        "data.message.headers.subject must not contain line breaks",
    ),
]


@pytest.mark.parametrize(("changes", "details"), [(c, d) for _, c, d in INVALID], ids=[i for i, _, _ in INVALID])
def test_validation_errors_are_400_with_errors_array(
    http: httpx.Client, sandbox: SandboxHandle, changes: dict[str, Any], details: str
) -> None:
    msg = {k: v for k, v in message(**changes).items() if v is not None}
    response = send(http, sandbox, msg)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {"code": 400, "title": "Invalid Request", "details": details} in errors
    assert sandbox.messages("paubox") == []


@pytest.mark.parametrize(
    ("body", "details"),
    [
        (b"{not json", "body request body is not valid JSON"),
        (b"{}", "data is required"),
        (b'{"data": {}}', "data.message is required"),
        (b'{"data": {"message": message}}', "body request body is not valid JSON"),
    ],
)
def test_malformed_bodies_are_400(http: httpx.Client, sandbox: SandboxHandle, body: bytes, details: str) -> None:
    response = http.post(
        sandbox.base_url("paubox") + "/messages", content=body, headers={**AUTH, "Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["details"].startswith(details)


def test_unverified_from_domain_is_rejected_when_domains_are_configured(
    http: httpx.Client, sandbox: SandboxHandle
) -> None:
    sandbox.configure(paubox_verified_domains=("example.org",))
    assert send(http, sandbox).status_code == 200
    bad = send(http, sandbox, message(headers={"subject": "x", "from": "a@elsewhere.com"}))
    assert bad.status_code == 400
    assert (
        bad.json()["errors"][0]["details"]
        == "data.message.headers.from domain elsewhere.com is not verified for this account"
    )


def test_nulls_for_optional_fields_are_accepted(http: httpx.Client, sandbox: SandboxHandle) -> None:
    msg = message(cc=None, bcc=None, attachments=None)
    msg["headers"] = {"subject": "x", "from": "a@example.org", "reply-to": None, "List-Unsubscribe": None}
    msg["content"] = {"text/plain": "hi", "text/html": None}
    assert send(http, sandbox, msg).status_code == 200


# ----------------------------------------------------------------------------------- MIME
def test_mime_of_a_paubox_message(http: httpx.Client, sandbox: SandboxHandle) -> None:
    html = "<html><body><h1>Hello</h1></body></html>"
    msg = message(
        recipients=["Jane Doe <jane@example.com>"],
        cc=["cc@example.com"],
        bcc=["hidden@example.com"],
        headers={
            "subject": "Results",
            "from": "Clinic <clinic@example.org>",
            "reply-to": "Desk <desk@example.org>",
            "List-Unsubscribe": "<mailto:u@example.org>",
            "X-Custom": "42",
        },
        content={"text/plain": "Hello", "text/html": base64.b64encode(html.encode()).decode()},
        attachments=[{"fileName": "report.pdf", "contentType": "application/pdf", "content": "JVBERi0xLjQK"}],
    )
    assert send(http, sandbox, msg).status_code == 200
    stored = sandbox.messages("paubox")[0]
    summary = stored.summary()
    headers = summary["headers"]
    assert headers["From"] == "Clinic <clinic@example.org>"
    assert headers["To"] == "Jane Doe <jane@example.com>"
    assert headers["Cc"] == "cc@example.com"
    assert "Bcc" not in headers and b"hidden@example.com" not in stored.raw
    assert headers["Reply-To"] == "Desk <desk@example.org>"
    assert headers["List-Unsubscribe"] == "<mailto:u@example.org>"
    assert headers["X-Custom"] == "42"
    assert summary["content_type"] == "multipart/mixed"
    assert [p["content_type"] for p in summary["parts"]] == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/html",
        "application/pdf",
    ]
    assert summary["attachments"] == ["report.pdf"]
    assert summary["html"].strip() == html  # base64-encoded HTML (Node/C#/Java/PHP SDKs) is decoded
    assert [r.kind for r in stored.recipients] == ["to", "cc", "bcc"]
