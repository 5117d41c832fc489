"""SMTP.com API v4 on the sandbox: auth, send, MIME send, message listing filters/paging, validation."""

from __future__ import annotations

import base64
import email.utils
import time
from typing import Any

import httpx
import pytest

from sandbox.config import SMTPCOM_API_KEY, SMTPCOM_CHANNEL
from sandbox.testing import SandboxHandle

KEY = {"X-SMTPCOM-API": SMTPCOM_API_KEY}
INVALID_KEY = {"status": "fail", "data": {"api_key": "invalid"}}
SENDER_NOT_FOUND = {"status": "fail", "data": {"error": "sender not found"}}


def message(**changes: Any) -> dict[str, Any]:
    msg: dict[str, Any] = {
        "channel": SMTPCOM_CHANNEL,
        "recipients": {"to": [{"name": "Jane", "address": "jane@example.com"}]},
        "originator": {"from": {"name": "Shop", "address": "noreply@shop.example"}},
        "subject": "Your order",
        "body": {"parts": [{"type": "text/plain", "content": "Thanks!"}]},
    }
    msg.update(changes)
    return msg


def send(http: httpx.Client, sb: SandboxHandle, msg: dict[str, Any] | None = None) -> httpx.Response:
    return http.post(sb.base_url("smtpcom") + "/v4/messages", json=msg or message(), headers=KEY)


def msg_id_of(response: httpx.Response) -> str:
    text: str = response.json()["data"]["message"]
    assert text.startswith("accepted, msg_id: ")
    return text.removeprefix("accepted, msg_id: ")


def listing(http: httpx.Client, sb: SandboxHandle, **params: Any) -> httpx.Response:
    query = {"start": int(time.time()) - 3600, "limit": 100, "offset": 0, "channel": SMTPCOM_CHANNEL, **params}
    return http.get(sb.base_url("smtpcom") + "/v4/messages", params=query, headers=KEY)


# ------------------------------------------------------------------------------------ auth
@pytest.mark.parametrize("how", ["query", "header", "basic", "bearer"])
def test_every_auth_method_works(http: httpx.Client, sandbox: SandboxHandle, how: str) -> None:
    url = sandbox.base_url("smtpcom") + "/v4/messages"
    options: dict[str, dict[str, Any]] = {
        "query": {"params": {"api_key": SMTPCOM_API_KEY}},
        "header": {"headers": KEY},
        "basic": {"auth": ("api", SMTPCOM_API_KEY)},
        "bearer": {"headers": {"Authorization": f"Bearer {SMTPCOM_API_KEY}"}},
    }
    response = http.post(url, json=message(), **options[how])
    assert response.status_code == 200
    assert response.json()["status"] == "success"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"params": {"api_key": "wrong"}},
        {"headers": {"X-SMTPCOM-API": "wrong"}},
        {"auth": ("api", "wrong")},
        {"auth": ("admin", SMTPCOM_API_KEY)},  # Basic user must be the literal `api`
        {"headers": {"Authorization": "Bearer wrong"}},
        {},
    ],
    ids=["query", "header", "basic", "basic-user", "bearer", "none"],
)
def test_wrong_key_is_401(http: httpx.Client, sandbox: SandboxHandle, kwargs: dict[str, Any]) -> None:
    for method, path in (("POST", "/v4/messages"), ("POST", "/v4/messages/mime"), ("GET", "/v4/messages")):
        response = http.request(method, sandbox.base_url("smtpcom") + path, json=message(), **kwargs)
        assert response.status_code == 401
        assert response.json() == INVALID_KEY
    assert sandbox.messages("smtpcom") == []


# ----------------------------------------------------------------------------- send/list
def test_sent_message_appears_in_the_listing(http: httpx.Client, sandbox: SandboxHandle) -> None:
    msg = message(
        recipients={"to": [{"address": "a@example.com"}], "cc": [{"address": "b@example.com"}]},
        custom_headers={"X-SMTPAPI": '{"unique_args": {"userID": "123"}}', "X-Tags": ["one", "two"]},
    )
    sent = send(http, sandbox, msg)
    assert sent.status_code == 200
    assert set(sent.json()["data"]) == {"message"}  # observed shape: "accepted, msg_id: <id>"
    msg_id = msg_id_of(sent)

    items = listing(http, sandbox).json()["data"]["items"]
    assert [(i["msg_id"], i["msg_data"]["rcpt_to"]) for i in items] == [
        (msg_id, "a@example.com"),
        (msg_id, "b@example.com"),
    ]
    item = items[0]
    assert item["channel"] == SMTPCOM_CHANNEL
    assert item["smtp_vars"] == {"userID": "123"}
    assert item["msg_data"] == {"rcpt_to": "a@example.com", "from": "noreply@shop.example", "subject": "Your order"}
    assert item["details"]["delivery"]["event"] == "delivered"
    assert item["details"]["delivery"]["code"] == "250"
    assert email.utils.parsedate_to_datetime(item["msg_time"]).timestamp() == pytest.approx(time.time(), abs=60)
    stored = sandbox.messages("smtpcom")[0]
    assert stored.mime.get_all("X-Tags") == ["one", "two"]


def test_mime_send_appears_in_the_listing(http: httpx.Client, sandbox: SandboxHandle) -> None:
    raw = (
        "From: Shop <noreply@shop.example>\r\nTo: jane@example.com\r\nSubject: Prepared\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nHi\r\n"
    )
    body = {"mime": raw, "channel": "transactional", "recipients": {"to": [{"address": "jane@example.com"}]}}
    response = http.post(sandbox.base_url("smtpcom") + "/v4/messages/mime", json=body, headers=KEY)
    assert response.status_code == 200
    msg_id = msg_id_of(response)
    items = listing(http, sandbox, channel="transactional").json()["data"]["items"]
    assert [(i["msg_id"], i["msg_data"]["subject"], i["msg_data"]["from"]) for i in items] == [
        (msg_id, "Prepared", "noreply@shop.example")
    ]
    stored = sandbox.messages("smtpcom")[0]
    assert stored.meta["operation"] == "mime"
    assert stored.summary()["text"] == "Hi\n"


def test_listing_filters_by_channel(http: httpx.Client, sandbox: SandboxHandle) -> None:
    a = msg_id_of(send(http, sandbox, message(channel="transactional")))
    b = msg_id_of(send(http, sandbox, message(channel="marketing")))
    assert [i["msg_id"] for i in listing(http, sandbox, channel="transactional").json()["data"]["items"]] == [a]
    assert [i["msg_id"] for i in listing(http, sandbox, channel="marketing").json()["data"]["items"]] == [b]
    assert listing(http, sandbox).json()["data"]["items"] == []


def test_listing_filters_by_time_window(http: httpx.Client, sandbox: SandboxHandle) -> None:
    msg_id = msg_id_of(send(http, sandbox))
    sent_at = sandbox.messages("smtpcom")[0].created_at
    before, after = int(sent_at) - 60, int(sent_at) + 60

    def ids(**params: Any) -> list[str]:
        return [i["msg_id"] for i in listing(http, sandbox, **params).json()["data"]["items"]]

    assert ids(start=before) == [msg_id]
    assert ids(start=before, end=after) == [msg_id]
    assert ids(start=after) == []
    assert ids(start=before - 60, end=before) == []
    assert ids(start=email.utils.formatdate(before)) == [msg_id]  # RFC 2822
    assert ids(start=email.utils.formatdate(before), end=email.utils.formatdate(before + 1)) == []


def test_listing_filters_by_event_and_msg_id(http: httpx.Client, sandbox: SandboxHandle) -> None:
    good = msg_id_of(send(http, sandbox))
    bad = msg_id_of(send(http, sandbox, message(recipients={"to": [{"address": "bounce@example.com"}]})))

    def ids(**params: Any) -> list[str]:
        return [i["msg_id"] for i in listing(http, sandbox, **params).json()["data"]["items"]]

    assert ids(event="delivered") == [good]
    assert ids(event="failed") == [bad]
    assert ids(event="accepted") == [good, bad]
    assert ids(msg_id=bad) == [bad]
    assert ids(msg_id=bad, event="delivered") == []
    failed = listing(http, sandbox, event="failed").json()["data"]["items"][0]["details"]["delivery"]
    assert failed["code"] == "550"


def test_queued_until_the_configured_delivery_delay(http: httpx.Client, sandbox: SandboxHandle) -> None:
    sandbox.configure(smtpcom_delivery_delay_ms=600_000)
    send(http, sandbox)
    item = listing(http, sandbox).json()["data"]["items"][0]
    assert item["details"]["delivery"] == {"retries": 0, "event": "queued"}
    assert listing(http, sandbox, event="delivered").json()["data"]["items"] == []


def test_listing_pages_with_limit_and_offset(http: httpx.Client, sandbox: SandboxHandle) -> None:
    sent = [msg_id_of(send(http, sandbox, message(subject=f"s{i}"))) for i in range(5)]

    def page(offset: int) -> list[str]:
        return [i["msg_id"] for i in listing(http, sandbox, limit=2, offset=offset).json()["data"]["items"]]

    assert [page(0), page(2), page(4), page(6)] == [sent[0:2], sent[2:4], sent[4:5], []]


def test_unknown_channel_is_404_sender_not_found(http: httpx.Client, sandbox: SandboxHandle) -> None:
    post = send(http, sandbox, message(channel="nope"))
    mime = http.post(
        sandbox.base_url("smtpcom") + "/v4/messages/mime",
        json={"mime": "Subject: x\r\n\r\nx", "channel": "nope", "recipients": {"to": [{"address": "a@example.com"}]}},
        headers=KEY,
    )
    get = listing(http, sandbox, channel="nope")
    for response in (post, mime, get):
        assert response.status_code == 404
        assert response.json() == SENDER_NOT_FOUND
    assert sandbox.messages("smtpcom") == []


def test_bulk_list_creates_one_message_per_recipient(http: httpx.Client, sandbox: SandboxHandle) -> None:
    msg = message(
        recipients={"bulk_list": [{"address": "a@example.com"}, {"name": "B", "address": "b@example.com"}]},
        originator={"reply_to": {"address": "help@shop.example"}},
    )
    msg_id = msg_id_of(send(http, sandbox, msg))
    stored = sandbox.messages("smtpcom")
    assert [(m.id, m.summary()["headers"]["To"]) for m in stored] == [
        (msg_id, "a@example.com"),
        (msg_id, "B <b@example.com>"),
    ]
    assert stored[0].summary()["headers"]["Reply-To"] == "help@shop.example"


def test_documented_response_style(http: httpx.Client, sandbox: SandboxHandle) -> None:
    sandbox.configure(smtpcom_response_style="both")
    data = send(http, sandbox).json()["data"]
    assert data == {"message": f"accepted, msg_id: {data['msg_id']}", "msg_id": data["msg_id"]}


# ----------------------------------------------------------------------------- validation
INVALID = [
    ("missing channel", {"channel": None}, {"channel": "must be provided"}),
    ("blank channel", {"channel": " "}, {"channel": "could not be blank"}),
    ("missing recipients", {"recipients": None}, {"recipients": "must be provided"}),
    (
        "no recipients",
        {"recipients": {"to": []}},
        {"recipients": "at least one of to, cc, bcc or bulk_list must be given"},
    ),
    (
        "bulk_list combined",
        {"recipients": {"to": [{"address": "a@example.com"}], "bulk_list": [{"address": "b@example.com"}]}},
        {"recipients.bulk_list": "cannot be combined with to, cc or bcc"},
    ),
    (
        "bad address",
        {"recipients": {"to": [{"address": "nope"}]}},
        {"recipients.to[0].address": "is not a valid email address"},
    ),
    ("missing originator", {"originator": None}, {"originator": "must be provided"}),
    ("empty originator", {"originator": {}}, {"originator": "at least one of from or reply_to must be specified"}),
    ("body not an object", {"body": []}, {"body": "must be an object"}),
    ("no parts", {"body": {"parts": []}}, {"body.parts": "must contain at least one part (or give attachments)"}),
    (
        "no parts, no attachments",
        {"body": {"attachments": []}},
        {"body.parts": "must contain at least one part (or give attachments)"},
    ),
    (
        "part without content",
        {"body": {"parts": [{"type": "text/plain"}]}},
        {"body.parts[0].content": "must be provided"},
    ),
    (
        "rfc822 part",
        {"body": {"parts": [{"type": "message/rfc822", "content": "x"}]}},
        {"body.parts[0].type": "message/rfc822 is prohibited"},
    ),
    (
        "bad base64",
        {
            "body": {
                "parts": [{"type": "text/plain", "content": "x"}],
                "attachments": [{"filename": "a.bin", "encoding": "base64", "content": "%%%"}],
            }
        },
        {"body.attachments[0].content": "is not valid base64"},
    ),
    ("long subject", {"subject": "x" * 999}, {"subject": "is too long (maximum is 998 characters)"}),
    (
        "header injection",
        {"custom_headers": {"X-A": "1\r\nBcc: x@y.z"}},
        {"custom_headers.X-A": "must not contain line breaks"},
    ),
]


@pytest.mark.parametrize(("changes", "data"), [(c, d) for _, c, d in INVALID], ids=[i for i, _, _ in INVALID])
def test_send_validation_errors(
    http: httpx.Client, sandbox: SandboxHandle, changes: dict[str, Any], data: dict[str, str]
) -> None:
    msg = {k: v for k, v in message(**changes).items() if v is not None}
    response = send(http, sandbox, msg)
    assert response.status_code == 400
    assert response.json() == {"status": "fail", "data": data}
    assert sandbox.messages("smtpcom") == []


def test_part_without_type_is_accepted_as_plain_text(http: httpx.Client, sandbox: SandboxHandle) -> None:
    """The vendor's own SDK examples send parts with only content; the spec requires only content."""
    response = send(http, sandbox, message(body={"parts": [{"content": "Hi there"}]}))
    assert response.status_code == 200, response.text
    (stored,) = sandbox.messages("smtpcom")
    assert stored.summary()["text"] == "Hi there"


def test_body_of_attachments_alone_is_accepted(http: httpx.Client, sandbox: SandboxHandle) -> None:
    """SMTP.com's own Python library sends bodies with attachments and no parts."""
    pdf = b"%PDF-1.4\n%\xe2\xe3"
    attachment = {"content": base64.b64encode(pdf).decode() + "\r\n", "filename": "a.pdf", "encoding": "base64"}
    response = send(http, sandbox, message(body={"attachments": [attachment]}))
    assert response.status_code == 200, response.text
    (stored,) = sandbox.messages("smtpcom")
    (part,) = [p for p in stored.mime.walk() if p.get_filename() == "a.pdf"]
    assert part.get_payload(decode=True) == pdf


def test_request_without_a_body_is_an_empty_message(http: httpx.Client, sandbox: SandboxHandle) -> None:
    """WP Mail SMTP leaves `body` out when the content is empty."""
    response = send(http, sandbox, {k: v for k, v in message().items() if k != "body"})
    assert response.status_code == 200, response.text
    (stored,) = sandbox.messages("smtpcom")
    assert stored.summary()["text"] == ""


def test_mime_send_validation(http: httpx.Client, sandbox: SandboxHandle) -> None:
    response = http.post(sandbox.base_url("smtpcom") + "/v4/messages/mime", json={"recipients": {}}, headers=KEY)
    assert response.status_code == 400
    assert response.json() == {
        "status": "fail",
        "data": {
            "mime": "must be provided",
            "channel": "must be provided",
            "recipients": "at least one of to, cc, bcc or bulk_list must be given",
        },
    }


def test_listing_without_required_params_is_400(http: httpx.Client, sandbox: SandboxHandle) -> None:
    response = http.get(sandbox.base_url("smtpcom") + "/v4/messages", headers=KEY)
    assert response.status_code == 400
    assert response.json() == {
        "status": "fail",
        "data": {
            "start": "could not be blank",
            "limit": "must be provided",
            "offset": "must be provided",
            "channel": "must be provided",
        },
    }


@pytest.mark.parametrize(
    ("params", "data"),
    [
        ({"limit": 0}, {"limit": "must be an integer between 1 and 1000"}),
        ({"limit": 1001}, {"limit": "must be an integer between 1 and 1000"}),
        ({"offset": -1}, {"offset": "must be an integer >= 0"}),
        ({"start": "yesterday"}, {"start": "is not a valid RFC 2822 or UNIX epoch time"}),
        ({"event": "opened"}, {"event": "must be one of accepted, delivered, failed"}),
    ],
)
def test_listing_param_validation(
    http: httpx.Client, sandbox: SandboxHandle, params: dict[str, Any], data: dict[str, str]
) -> None:
    response = listing(http, sandbox, **params)
    assert response.status_code == 400
    assert response.json() == {"status": "fail", "data": data}


def test_invalid_json_is_400(http: httpx.Client, sandbox: SandboxHandle) -> None:
    response = http.post(
        sandbox.base_url("smtpcom") + "/v4/messages",
        content=b"{oops",
        headers={**KEY, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["status"] == "fail"
    assert response.json()["data"]["body"].startswith("request body is not valid JSON")


# ----------------------------------------------------------------------------------- MIME
def test_mime_of_a_structured_send(http: httpx.Client, sandbox: SandboxHandle) -> None:
    msg = message(
        originator={
            "from": {"name": "Shop", "address": "noreply@shop.example"},
            "reply_to": {"address": "help@shop.example"},
        },
        recipients={"to": [{"address": "a@example.com"}], "bcc": [{"address": "hidden@example.com"}]},
        body={
            "parts": [
                {"type": "text/plain", "charset": "UTF-8", "content": "Hi"},
                {
                    "type": "text/html",
                    "charset": "UTF-8",
                    "encoding": "quoted-printable",
                    "content": '<img src="cid:logo">',
                },
            ],
            "attachments": [
                {"type": "application/pdf", "filename": "a.pdf", "encoding": "base64", "content": "JVBERi0xLjQK"},
                {
                    "type": "image/png",
                    "filename": "logo.png",
                    "cid": "logo",
                    "disposition": "inline",
                    "encoding": "base64",
                    "content": "iVBORw0KGgo=",
                },
            ],
        },
    )
    assert send(http, sandbox, msg).status_code == 200
    stored = sandbox.messages("smtpcom")[0]
    summary = stored.summary()
    assert summary["headers"]["Reply-To"] == "help@shop.example"
    assert [p["content_type"] for p in summary["parts"]] == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "multipart/related",
        "text/html",
        "image/png",
        "application/pdf",
    ]
    assert summary["attachments"] == ["a.pdf"]
    assert summary["inline_images"] == [{"content_id": "logo", "content_type": "image/png", "filename": "logo.png"}]
    html_part = next(p for p in stored.mime.walk() if p.get_content_type() == "text/html")
    assert html_part["Content-Transfer-Encoding"] == "quoted-printable"
    assert b"hidden@example.com" not in stored.raw
    assert [r.kind for r in stored.recipients] == ["to", "bcc"]
