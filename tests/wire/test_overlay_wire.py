"""Every overlay call on the wire, through the public sync and async clients.

Each test sends through a client over ``httpx.MockTransport`` (``support.clients.mock_client``)
and checks the exact request: method, full URL with its query, the headers the client sets
(credentials, User-Agent, content type; nothing else), the JSON body byte for byte; and the typed
result the answer decodes to. Then the views and settings every call shares: ``with_raw_response``,
timeouts, the caller's User-Agent.

Validation and decoding rules are tested once each as pure functions elsewhere; the vendor forms
(what the vendors' own libraries send) are in test_vendor_forms.py.
"""

from __future__ import annotations

import base64
import copy
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from email.message import EmailMessage
from types import ModuleType
from typing import Any

import httpx
import paubox_client
import poweremail_client
import pytest
import sendclean_client
import smtpcom_client
from paubox_client import Attachment, Message, MessageContent, MessageHeaders
from smtpcom_client import (
    EmailAddress,
    MessageBody,
    MessagePart,
    Originator,
    Recipients,
    SendMessageRequest,
    SendMimeMessageRequest,
)
from support.clients import Recorder, mock_client, resolve

FLAVOURS = [pytest.param(False, id="sync"), pytest.param(True, id="async")]
#: For the behaviours of the shared base: each package once, the sync and the async client both covered.
PACKAGES_ONCE = [
    pytest.param("paubox", False, id="paubox-sync"),
    pytest.param("smtpcom", True, id="smtpcom-async"),
    pytest.param("sendclean", False, id="sendclean-sync"),
    pytest.param("poweremail", True, id="poweremail-async"),
]
PACKAGES: dict[str, ModuleType] = {
    "paubox": paubox_client,
    "smtpcom": smtpcom_client,
    "sendclean": sendclean_client,
    "poweremail": poweremail_client,
}
#: Headers httpx adds to every request by itself; everything else on a request is the client's doing.
HTTPX_OWN = frozenset({"host", "accept", "accept-encoding", "connection", "content-length"})
JSON = "application/json"


@pytest.fixture(params=FLAVOURS)
def async_(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


@pytest.fixture(autouse=True)
def _no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for prefix in ("PAUBOX", "SMTPCOM", "SENDCLEAN", "POWEREMAIL"):
        for setting in ("API_KEY", "API_USERNAME", "BASE_URL", "OWNER_ID", "TOKEN", "APP_DOMAIN", "SMTP_USER_NAME"):
            monkeypatch.delenv(f"{prefix}_{setting}", raising=False)


async def run(client: Any, call: Callable[[Any], object]) -> Any:
    """``call(client)``, awaited for an async client; the client is closed afterwards."""
    try:
        return await resolve(call(client))
    finally:
        await resolve(client.aclose() if hasattr(client, "aclose") else client.close())


def client_headers(request: httpx.Request) -> dict[str, str]:
    """The headers the client put on ``request`` (those httpx adds by itself left out)."""
    return {name: value for name, value in request.headers.items() if name not in HTTPX_OWN}


def answer(body: bytes, status: int = 200, **headers: str) -> httpx.Response:
    return httpx.Response(status, content=body, headers={"content-type": JSON, **headers})


# ------------------------------------------------------------------------------------- Paubox

PAUBOX_KEY = "pbx-7f3a9c2e41d84b06a5e1c9d2"
PAUBOX_USER = "clinic-ops"
PAUBOX_BASE = f"https://api.paubox.net/v1/{PAUBOX_USER}"
PAUBOX_HEADERS = {"authorization": f"Token token={PAUBOX_KEY}", "user-agent": paubox_client.USER_AGENT}
SENT_ID = "3d38ab13-0af8-4028-bd45-52e882e0d584"
PAUBOX_SENT = b'{"sourceTrackingId":"' + SENT_ID.encode() + b'","customHeaders":{},"data":"Service OK"}'
TRACKING_ID = "6e1cf9a4-7bde-4834-8200-ed424b50c8a7"
RECEIPT = json.dumps(
    {
        "sourceTrackingId": TRACKING_ID,
        "data": {
            "message": {
                "id": "<f4a9b518-439c-497d-b87f-dfc9cc19194b@example.org>",
                "message_deliveries": [
                    {
                        "recipient": "jane@example.com",
                        "status": {
                            "deliveryStatus": "delivered",
                            "deliveryTime": "Mon, 23 Apr 2018 13:27:34 -0700",
                            "openedStatus": None,
                            "openedTime": None,
                        },
                    }
                ],
            }
        },
    }
).encode()


def paubox(recorder: Recorder, async_: bool, **options: Any) -> Any:
    return mock_client("paubox", recorder, async_=async_, api_key=PAUBOX_KEY, api_username=PAUBOX_USER, **options)


def paubox_message(to: str = "jane@example.com") -> Message:
    return Message(
        recipients=[to],
        headers=MessageHeaders(subject="Lab results", from_="clinic@example.org"),
        content=MessageContent(textplain="Your results are ready."),
    )


def paubox_minimal_bytes(to: str = "jane@example.com") -> bytes:
    return (
        b'{"recipients":["' + to.encode() + b'"],"headers":{"subject":"Lab results","from":"clinic@example.org"},'
        b'"content":{"text/plain":"Your results are ready."}}'
    )


def paubox_bulk_bytes(*recipients: str) -> bytes:
    return b'{"data":{"messages":[' + b",".join(paubox_minimal_bytes(to) for to in recipients) + b"]}}"


def paubox_full_message() -> Message:
    headers = MessageHeaders(
        subject="Lab results",
        from_="Clinic <clinic@example.org>",
        reply_to="help@example.org",
        list_unsubscribe="<mailto:unsubscribe@example.org?subject=unsubscribe>",
        list_unsubscribe_post="List-Unsubscribe=One-Click",
    )
    headers["X-Campaign-Id"] = "lab-results-2026"
    return Message(
        recipients=["jane@example.com", "Recipient Name <recipient2@example.com>"],
        cc=["Zoë <zoe@example.com>"],
        bcc=["audit@example.org"],
        headers=headers,
        content=MessageContent(textplain="Your results are ready.", texthtml="<p>Your results are ready.</p>"),
        attachments=[Attachment(file_name="results.txt", content_type="text/plain", content="YWxsIGNsZWFy")],
        allow_non_tls=False,
        force_secure_notification=True,
    )


PAUBOX_FULL_BYTES = (
    b'{"data":{"message":{"recipients":["jane@example.com","Recipient Name <recipient2@example.com>"],'
    b'"headers":{"X-Campaign-Id":"lab-results-2026","subject":"Lab results","from":"Clinic <clinic@example.org>",'
    b'"reply-to":"help@example.org","List-Unsubscribe":"<mailto:unsubscribe@example.org?subject=unsubscribe>",'
    b'"List-Unsubscribe-Post":"List-Unsubscribe=One-Click"},'
    b'"content":{"text/plain":"Your results are ready.","text/html":"<p>Your results are ready.</p>"},'
    b'"cc":["Zo\xc3\xab <zoe@example.com>"],"bcc":["audit@example.org"],'
    b'"attachments":[{"fileName":"results.txt","contentType":"text/plain","content":"YWxsIGNsZWFy"}],'
    b'"allowNonTLS":false,"forceSecureNotification":true},'
    b'"override_open_tracking":true,"override_link_tracking":false,"unsubscribe_url":"https://example.org/unsubscribe"}}'
)


async def test_paubox_send_message(async_: bool) -> None:
    recorder = Recorder([answer(PAUBOX_SENT)])
    sent = await run(
        paubox(recorder, async_),
        lambda c: c.send_message(
            paubox_full_message(),
            override_open_tracking=True,
            override_link_tracking=False,
            unsubscribe_url="https://example.org/unsubscribe",
        ),
    )
    request = recorder.only
    assert (request.method, str(request.url)) == ("POST", f"{PAUBOX_BASE}/messages")
    assert client_headers(request) == {**PAUBOX_HEADERS, "content-type": JSON}
    assert request.content == PAUBOX_FULL_BYTES
    assert isinstance(sent, paubox_client.SentMessage)
    assert type(sent.id) is str and sent.id == SENT_ID
    assert isinstance(sent.response, paubox_client.SingleSendResponse)
    assert sent.response.data == "Service OK"


async def test_paubox_send_bulk_messages(async_: bool) -> None:
    reply = (
        b'{"messages":[{"sourceTrackingId":"t-1","customHeaders":{"X-Custom-Header":"value"},"data":"Service OK"},'
        b'{"sourceTrackingId":"t-2","data":"Service OK"}]}'
    )
    recorder = Recorder([answer(reply)])
    result = await run(
        paubox(recorder, async_),
        lambda c: c.send_bulk_messages([paubox_message(), paubox_message("bob@example.com")]),
    )
    request = recorder.only
    assert (request.method, str(request.url)) == ("POST", f"{PAUBOX_BASE}/bulk_messages")
    assert client_headers(request) == {**PAUBOX_HEADERS, "content-type": JSON}
    assert request.content == paubox_bulk_bytes("jane@example.com", "bob@example.com")
    assert isinstance(result, paubox_client.BulkSendResponse)
    assert isinstance(result.messages, list)
    assert [item.source_tracking_id for item in result.messages] == ["t-1", "t-2"]


async def test_paubox_get_message_receipt(async_: bool) -> None:
    recorder = Recorder([answer(RECEIPT)])
    receipt = await run(paubox(recorder, async_), lambda c: c.get_message_receipt(TRACKING_ID))
    request = recorder.only
    assert (request.method, str(request.url)) == (
        "GET",
        f"{PAUBOX_BASE}/message_receipt?sourceTrackingId={TRACKING_ID}",
    )
    assert client_headers(request) == PAUBOX_HEADERS
    assert request.content == b""
    assert isinstance(receipt, paubox_client.MessageReceiptResponse)
    assert receipt.source_tracking_id == TRACKING_ID
    delivery = receipt.data.message.message_deliveries[0]
    assert (delivery.recipient, delivery.status.delivery_status) == ("jane@example.com", "delivered")


async def test_paubox_send_bulk(async_: bool) -> None:
    """Three messages in chunks of two: two requests in input order, ids in input order."""
    recorder = Recorder(
        [
            answer(b'{"messages":[{"sourceTrackingId":"t-0"},{"sourceTrackingId":"t-1"}]}'),
            answer(b'{"messages":[{"sourceTrackingId":"t-2"}]}'),
        ]
    )
    recipients = ["p0@example.com", "p1@example.com", "p2@example.com"]
    result = await run(
        paubox(recorder, async_),
        lambda c: c.send_bulk([paubox_message(to) for to in recipients], chunk_size=2, concurrency=1),
    )
    assert [(r.method, str(r.url)) for r in recorder.requests] == [("POST", f"{PAUBOX_BASE}/bulk_messages")] * 2
    assert [client_headers(r) for r in recorder.requests] == [{**PAUBOX_HEADERS, "content-type": JSON}] * 2
    assert [r.content for r in recorder.requests] == [
        paubox_bulk_bytes(*recipients[:2]),
        paubox_bulk_bytes(recipients[2]),
    ]
    assert result == paubox_client.BulkSendResult(["t-0", "t-1", "t-2"], [])
    assert result.ok


# ----------------------------------------------------------------------------------- SMTP.com

SMTP_KEY = "smtpk-7f3a9c2e41d84b06a5e1c9d2"
SMTP_BASE = "https://api.smtp.com"
MSG_ID = "d8bc7242-7492-4371-a78c-484b21a9a3eb"
SMTP_ACCEPTED = b'{"status":"success","data":{"message":"accepted, msg_id: ' + MSG_ID.encode() + b'"}}'
SMTP_AUTH_HEADERS: dict[str, dict[str, str]] = {
    "bearer": {"authorization": f"Bearer {SMTP_KEY}"},
    "header": {"x-smtpcom-api": SMTP_KEY},
    "query": {},
    "basic": {"authorization": "Basic " + base64.b64encode(f"api:{SMTP_KEY}".encode()).decode()},
}
SMTP_HEADERS = {**SMTP_AUTH_HEADERS["bearer"], "user-agent": smtpcom_client.USER_AGENT}
LISTED = json.dumps(
    {
        "status": "success",
        "data": {
            "items": [
                {
                    "msg_id": MSG_ID,
                    "msg_time": "Fri, 13 Aug 2021 10:22:49 -0000",
                    "channel": "my_channel",
                    "smtp_vars": {},
                    "msg_data": {"rcpt_to": "jane@example.com", "from": "noreply@example.com", "subject": "Hello"},
                    "details": {"delivery": {"event": "delivered", "code": "250", "retries": 0}},
                }
            ]
        },
    }
).encode()


def smtpcom(recorder: Recorder, async_: bool, **options: Any) -> Any:
    return mock_client("smtpcom", recorder, async_=async_, api_key=SMTP_KEY, **options)


def smtp_message() -> SendMessageRequest:
    return SendMessageRequest(
        channel="my_channel",
        recipients=Recipients(to=[EmailAddress(address="jane@example.com", name="Jane")]),
        originator=Originator(from_=EmailAddress(address="noreply@example.com", name="Shop")),
        subject="Hello",
        body=MessageBody(parts=[MessagePart(content="Hi", type_="text/plain", charset="UTF-8")]),
    )


SMTP_MESSAGE_BYTES = (
    b'{"channel":"my_channel","recipients":{"to":[{"address":"jane@example.com","name":"Jane"}]},'
    b'"originator":{"from":{"address":"noreply@example.com","name":"Shop"}},'
    b'"subject":"Hello","body":{"parts":[{"content":"Hi","type":"text/plain","charset":"UTF-8"}]}}'
)
LIST_QUERY = (
    "start=Fri%2C+13+Aug+2021+10%3A22%3A49+-0000&limit=10&offset=20&channel=my_channel"
    f"&end=1628899200&event=delivered&msg_id={MSG_ID}"
)


def list_page(client: Any) -> Any:
    return client.list_messages(
        "my_channel",
        start="Fri, 13 Aug 2021 10:22:49 -0000",
        limit=10,
        offset=20,
        end=datetime(2021, 8, 14, tzinfo=UTC),
        event="delivered",
        msg_id=MSG_ID,
    )


async def test_smtpcom_send_message(async_: bool) -> None:
    recorder = Recorder([answer(SMTP_ACCEPTED)])
    sent = await run(smtpcom(recorder, async_), lambda c: c.send_message(smtp_message()))
    request = recorder.only
    assert (request.method, str(request.url)) == ("POST", f"{SMTP_BASE}/v4/messages")
    assert client_headers(request) == {**SMTP_HEADERS, "content-type": JSON}
    assert request.content == SMTP_MESSAGE_BYTES
    assert isinstance(sent, smtpcom_client.SentMessage)
    assert type(sent.id) is str and sent.id == MSG_ID
    assert isinstance(sent.response, smtpcom_client.SendMessageResponse)
    assert sent.response.status == "success"


async def test_smtpcom_send_mime(async_: bool) -> None:
    mime = "From: noreply@example.com\r\nTo: jane@example.com\r\nSubject: Hi\r\n\r\nHi\r\n"
    message = SendMimeMessageRequest(
        mime=mime,
        channel="my_channel",
        recipients=Recipients(to=[EmailAddress(address="jane@example.com")]),
        originator=Originator(from_=EmailAddress(address="noreply@example.com")),
    )
    recorder = Recorder([answer(b'{"status":"success","data":{"msg_id":"abc-123"}}')])
    sent = await run(smtpcom(recorder, async_), lambda c: c.send_mime(message))
    request = recorder.only
    assert (request.method, str(request.url)) == ("POST", f"{SMTP_BASE}/v4/messages/mime")
    assert client_headers(request) == {**SMTP_HEADERS, "content-type": JSON}
    assert request.content == (
        b'{"mime":"From: noreply@example.com\\r\\nTo: jane@example.com\\r\\nSubject: Hi\\r\\n\\r\\nHi\\r\\n",'
        b'"channel":"my_channel","recipients":{"to":[{"address":"jane@example.com"}]},'
        b'"originator":{"from":{"address":"noreply@example.com"}}}'
    )
    assert isinstance(sent, smtpcom_client.SentMessage)
    assert (type(sent.id), sent.id) == (str, "abc-123")


async def test_smtpcom_list_messages(async_: bool) -> None:
    recorder = Recorder([answer(LISTED)])
    page = await run(smtpcom(recorder, async_), list_page)
    request = recorder.only
    assert (request.method, str(request.url)) == ("GET", f"{SMTP_BASE}/v4/messages?{LIST_QUERY}")
    assert client_headers(request) == SMTP_HEADERS
    assert request.content == b""
    assert isinstance(page, smtpcom_client.MessagesListResponse)
    items = page.data.items
    assert isinstance(items, list) and len(items) == 1
    assert items[0].msg_id == MSG_ID
    assert items[0].to_dict()["details"]["delivery"]["event"] == "delivered"


async def test_smtpcom_send_email_message(async_: bool) -> None:
    """The envelope comes from the headers; the Bcc header is not in the MIME sent; CRLF line ends."""
    msg = EmailMessage()
    msg["From"] = "Shop <shop@example.com>"
    msg["To"] = "Jane <jane@example.com>"
    msg["Bcc"] = "audit@example.com"
    msg["Subject"] = "Hello"
    msg.set_content("Hi there\n")
    recorder = Recorder([answer(SMTP_ACCEPTED)])
    sent = await run(smtpcom(recorder, async_), lambda c: c.send_email_message(msg, channel="my_channel"))
    request = recorder.only
    assert (request.method, str(request.url)) == ("POST", f"{SMTP_BASE}/v4/messages/mime")
    assert client_headers(request) == {**SMTP_HEADERS, "content-type": JSON}
    assert request.content == (
        b'{"mime":"From: Shop <shop@example.com>\\r\\nTo: Jane <jane@example.com>\\r\\nSubject: Hello\\r\\n'
        b'Content-Type: text/plain; charset=\\"utf-8\\"\\r\\nContent-Transfer-Encoding: 7bit\\r\\n'
        b'MIME-Version: 1.0\\r\\n\\r\\nHi there\\r\\n",'
        b'"channel":"my_channel",'
        b'"recipients":{"to":[{"address":"jane@example.com","name":"Jane"}],"bcc":[{"address":"audit@example.com"}]},'
        b'"originator":{"from":{"address":"shop@example.com","name":"Shop"}}}'
    )
    assert (type(sent.id), sent.id) == (str, MSG_ID)
    assert msg["Bcc"] == "audit@example.com"  # the caller's message keeps its Bcc


@pytest.mark.parametrize(
    ("auth", "async_"),
    [
        pytest.param("bearer", False, id="bearer-sync"),
        pytest.param("header", True, id="header-async"),
        pytest.param("query", False, id="query-sync"),
        pytest.param("basic", True, id="basic-async"),
    ],
)
async def test_smtpcom_auth_mode_puts_the_key_in_one_place(auth: str, async_: bool) -> None:
    """The key travels exactly one way, on a body call and beside the query of a GET."""
    recorder = Recorder([answer(SMTP_ACCEPTED), answer(LISTED)])

    async def both(client: Any) -> None:
        await resolve(client.send_message(smtp_message()))
        await resolve(list_page(client))

    await run(smtpcom(recorder, async_, auth=auth), both)
    send, listing = recorder.requests
    key_query = f"api_key={SMTP_KEY}" if auth == "query" else ""
    assert str(send.url) == f"{SMTP_BASE}/v4/messages" + (f"?{key_query}" if key_query else "")
    assert str(listing.url) == f"{SMTP_BASE}/v4/messages?" + (f"{key_query}&" if key_query else "") + LIST_QUERY
    expected = {**SMTP_AUTH_HEADERS[auth], "user-agent": smtpcom_client.USER_AGENT}
    assert client_headers(send) == {**expected, "content-type": JSON}
    assert client_headers(listing) == expected
    assert send.content == SMTP_MESSAGE_BYTES


# ------------------------------------------------------------------------ SendClean/PowerEmail

OWNER = "acct-4711"
TOKEN = "tok-S3cr3t-9f8e7d6c"
SMTP_USER = "smtp-user-1"
SENDCLEAN_BASE = "https://api.us1-mta1.sendclean.net/v1.0"
QUEUED = b'{"status":"success","message":"message have been Queued ... "}'
MESSAGE_INFO = json.dumps(
    {
        "status": "success",
        "message_data": [
            {
                "subject": "this is subject ..",
                "sender": "xyz@SendClean.com",
                "email": "abc@SendClean.com",
                "mailSize": 1919,
                "status": "delivered",
                "time": 1458034022169,
                "open": 1,
                "click": 0,
            }
        ],
    }
).encode()
# The vendor doc's sendTemplateHTTPGet example: what urllib.parse.urlencode of its form gives.
DOC_GET_QUERY = (
    f"owner_id={OWNER}&token={TOKEN}&smtp_user_name=smtp123456&template_id=template_id&subject=hello"
    "&from_email=hello%40example.com&to=info%40example.com"
    "&dynamic_value%5BNAME%5D=xyz&dynamic_value%5BEmail%5D=xyz%40example.com"
)


def platform(brand: str, recorder: Recorder, async_: bool, **options: Any) -> Any:
    options = {"owner_id": OWNER, "token": TOKEN, "smtp_user_name": SMTP_USER, **options}
    return mock_client(brand, recorder, async_=async_, **options)


def platform_message(package: ModuleType = sendclean_client, unique_id: str | None = "order-42") -> Any:
    headers = package.MessageHeaders(reply_to="reply@example.com")
    if unique_id is not None:
        headers.x_unique_id = unique_id
    return package.Message(
        html="<p>Hi Ann</p>",
        text="Hi Ann",
        subject="Welcome",
        from_email="from@example.com",
        from_name="Example Shop",
        to=[package.Recipient(email="ann@example.com", name="Ann", type_="to")],
        headers=headers,
        attachments=[package.Attachment(type_="text/plain", name="myfile.txt", content="ZXhhbXBsZSBmaWxl")],
        images=[package.InlineImage(type_="image/png", name="IMAGECID", content="ZGdmZGRkZ2Vy")],
    )


def template_message(package: ModuleType = sendclean_client) -> Any:
    return package.TemplateMessage(
        template_id="welcome-1",
        subject="Welcome",
        from_email="from@example.com",
        to=[package.Recipient(email="ann@example.com")],
        dynamic_value=package.TemplateMessageDynamicValue.from_dict({"NAME": "xyz", "Email": "info@example.com"}),
    )


def doc_get(client: Any) -> Any:
    return client.send_template_http_get(
        template_id="template_id",
        to="info@example.com",
        subject="hello",
        from_email="hello@example.com",
        dynamic_value={"NAME": "xyz", "Email": "xyz@example.com"},
        smtp_user_name="smtp123456",
    )


async def test_platform_send_mail(async_: bool) -> None:
    recorder = Recorder([answer(QUEUED)])
    sent = await run(platform("sendclean", recorder, async_), lambda c: c.send_mail(platform_message()))
    request = recorder.only
    assert (request.method, str(request.url)) == ("POST", f"{SENDCLEAN_BASE}/messages/sendMail")
    # no auth header: the credentials are body fields
    assert client_headers(request) == {"user-agent": sendclean_client.USER_AGENT, "content-type": JSON}
    assert request.content == (
        b'{"owner_id":"acct-4711","token":"tok-S3cr3t-9f8e7d6c","smtp_user_name":"smtp-user-1",'
        b'"message":{"html":"<p>Hi Ann</p>","text":"Hi Ann","subject":"Welcome","from_email":"from@example.com",'
        b'"from_name":"Example Shop","to":[{"email":"ann@example.com","name":"Ann","type":"to"}],'
        b'"headers":{"Reply-To":"reply@example.com","X-Unique-Id":"order-42"},'
        b'"attachments":[{"type":"text/plain","name":"myfile.txt","content":"ZXhhbXBsZSBmaWxl"}],'
        b'"images":[{"type":"image/png","name":"IMAGECID","content":"ZGdmZGRkZ2Vy"}]}}'
    )
    assert isinstance(sent, sendclean_client.SentMessage)
    assert (type(sent.id), sent.id) == (str, "order-42")
    assert isinstance(sent.response, sendclean_client.SendResult)
    assert (sent.response.status, sent.response.message) == ("success", "message have been Queued ... ")


async def test_platform_send_template(async_: bool) -> None:
    """Without an X-Unique-Id of the caller's, the client sends a random one and returns it as ``.id``."""
    recorder = Recorder([answer(b'{"status":"success","message":"250 Message Queued..."}')])
    message = template_message()
    before = copy.deepcopy(message.to_dict())
    sent = await run(
        platform("sendclean", recorder, async_), lambda c: c.send_template(message, smtp_user_name="smtp12345")
    )
    request = recorder.only
    assert (request.method, str(request.url)) == ("POST", f"{SENDCLEAN_BASE}/messages/sendTemplate")
    assert client_headers(request) == {"user-agent": sendclean_client.USER_AGENT, "content-type": JSON}
    unique_id = json.loads(request.content)["message"]["headers"]["X-Unique-Id"]
    assert re.fullmatch(r"[0-9a-f]{32}", unique_id)
    assert request.content == (
        b'{"owner_id":"acct-4711","token":"tok-S3cr3t-9f8e7d6c","smtp_user_name":"smtp12345",'
        b'"message":{"template_id":"welcome-1","subject":"Welcome","from_email":"from@example.com",'
        b'"to":[{"email":"ann@example.com","type":"to"}],"headers":{"X-Unique-Id":"' + unique_id.encode() + b'"},'
        b'"dynamic_value":{"NAME":"xyz","Email":"info@example.com"}}}'
    )
    assert (type(sent.id), sent.id) == (str, unique_id)
    assert sent.response.message == "250 Message Queued..."
    assert message.to_dict() == before  # the caller's message is not changed


async def test_platform_get_message_info(async_: bool) -> None:
    recorder = Recorder([answer(MESSAGE_INFO)])
    info = await run(platform("sendclean", recorder, async_), lambda c: c.get_message_info("order-42", skip_page=3))
    request = recorder.only
    assert (request.method, str(request.url)) == ("POST", f"{SENDCLEAN_BASE}/messages/getMessageInfo")
    assert client_headers(request) == {"user-agent": sendclean_client.USER_AGENT, "content-type": JSON}
    assert request.content == (
        b'{"owner_id":"acct-4711","token":"tok-S3cr3t-9f8e7d6c","x_unique_id":"order-42","skip_page":3}'
    )
    assert isinstance(info, sendclean_client.MessageInfoResult)
    (item,) = info.message_data
    assert (item.status, item.mail_size, item.email) == ("delivered", 1919, "abc@SendClean.com")


async def test_platform_send_template_http_get(async_: bool) -> None:
    """Every argument in the query, ``dynamic_value`` as deepObject ``dynamic_value[NAME]=v``."""
    recorder = Recorder([answer(b'{"status":"success","message":"250 Message Queued..."}')])
    result = await run(platform("sendclean", recorder, async_), doc_get)
    request = recorder.only
    assert request.method == "GET"
    assert str(request.url) == f"{SENDCLEAN_BASE}/messages/sendTemplateHTTPGet?{DOC_GET_QUERY}"
    assert request.url.params["dynamic_value[NAME]"] == "xyz"
    assert client_headers(request) == {"user-agent": sendclean_client.USER_AGENT}
    assert request.content == b""
    assert isinstance(result, sendclean_client.SendResult)
    assert result.message == "250 Message Queued..."


def header_item(package: ModuleType) -> Any:
    headers = package.MessageHeaders()
    headers["X-Unique-Id"] = "order-42"  # the mapping interface every generated model offers
    return headers


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param(header_item, id="item"),
        pytest.param(lambda p: p.MessageHeaders.from_dict({"x-unique-id": "order-42"}), id="lower-case"),
    ],
)
def test_platform_send_mail_keeps_the_callers_unique_id(headers: Callable[[ModuleType], Any]) -> None:
    recorder = Recorder([answer(QUEUED)])
    message = platform_message(unique_id=None)
    message.headers = headers(sendclean_client)
    with platform("sendclean", recorder, False) as client:
        sent = client.send_mail(message)
    sent_headers = json.loads(recorder.only.content)["message"]["headers"]
    assert list(sent_headers.values()) == ["order-42"]
    assert sent.id == "order-42"


async def test_poweremail_sends_the_platform_requests_to_its_own_host() -> None:
    """PowerEmail's client is the platform client: the same four requests, to api.poweremail.in."""
    calls: list[Callable[[Any, ModuleType], object]] = [
        lambda c, p: c.send_mail(platform_message(p)),
        lambda c, p: c.send_template(template_message(p)),
        lambda c, p: c.get_message_info("order-42"),
        lambda c, p: doc_get(c),
    ]
    sent: dict[str, list[httpx.Request]] = {}
    for brand, package in (("sendclean", sendclean_client), ("poweremail", poweremail_client)):
        recorder = Recorder([answer(QUEUED), answer(QUEUED), answer(MESSAGE_INFO), answer(QUEUED)])
        with platform(brand, recorder, False) as client:
            for call in calls:
                call(client, package)
        sent[brand] = recorder.requests
    unique = re.compile(rb'"X-Unique-Id":"[0-9a-f]{32}"')
    for clean, power in zip(sent["sendclean"], sent["poweremail"], strict=True):
        assert str(power.url).startswith("https://api.poweremail.in/v1.0/messages/")
        assert (power.method, power.url.path, power.url.query) == (clean.method, clean.url.path, clean.url.query)
        assert unique.sub(b"", power.content) == unique.sub(b"", clean.content)
        assert client_headers(power) == {**client_headers(clean), "user-agent": poweremail_client.USER_AGENT}
    assert len(sent["poweremail"]) == 4


# ---------------------------------------------------------------- what every call shares

#: Per package: a representative call, its success answer and an answer its call turns into AuthenticationError.
SUCCESS: dict[str, bytes] = {
    "paubox": PAUBOX_SENT,
    "smtpcom": SMTP_ACCEPTED,
    "sendclean": QUEUED,
    "poweremail": QUEUED,
}
CALLS: dict[str, Callable[[Any], object]] = {
    "paubox": lambda api: api.send_message(paubox_message()),
    "smtpcom": lambda api: api.send_message(smtp_message()),
    "sendclean": lambda api: api.send_mail(platform_message(sendclean_client)),
    "poweremail": lambda api: api.send_mail(platform_message(poweremail_client)),
}
REFUSED: dict[str, httpx.Response] = {
    "paubox": answer(b'{"errors":[{"code":401,"title":"Unauthorized","details":"Invalid API key"}]}', 401),
    "smtpcom": answer(b'{"status":"fail","data":{"api_key":"invalid"}}', 401),
    "sendclean": answer(b'{"status":"error","code":"-1","type":"AuthenticationError","message":"Token MissMatch"}'),
    "poweremail": answer(b'{"status":"error","code":"-1","type":"AuthenticationError","message":"Token MissMatch"}'),
}


def vendor_client(vendor: str, recorder: Recorder, async_: bool, **options: Any) -> Any:
    if vendor == "paubox":
        return paubox(recorder, async_, **options)
    if vendor == "smtpcom":
        return smtpcom(recorder, async_, **options)
    return platform(vendor, recorder, async_, **options)


@pytest.mark.parametrize("vendor", list(PACKAGES))
async def test_with_raw_response(vendor: str, async_: bool) -> None:
    """The raw view gives the answer's status and headers and ``.parse()``, the plain call's result;
    an error answer raises the typed error through it as well."""
    package = PACKAGES[vendor]
    status = 201 if vendor == "smtpcom" else 200  # SMTP.com answers a send with 201 too
    recorder = Recorder([answer(SUCCESS[vendor], status, **{"X-Request-Id": "req-7f3a"})])
    client = vendor_client(vendor, recorder, async_)
    call = CALLS[vendor]

    async def raw_then_plain_then_refused(client: Any) -> tuple[Any, Any]:
        raw = await resolve(call(client.with_raw_response))
        plain = await resolve(call(client))
        recorder.answer(REFUSED[vendor])
        with pytest.raises(package.AuthenticationError):
            await resolve(call(client.with_raw_response))
        return raw, plain

    raw, plain = await run(client, raw_then_plain_then_refused)
    assert isinstance(raw, package.RawResponse)
    assert raw.status_code == status
    assert raw.headers["x-request-id"] == "req-7f3a"
    assert raw.request_id == "req-7f3a"
    assert isinstance(raw.http_response, httpx.Response)
    assert raw.http_response.request.content == recorder.requests[0].content
    assert raw.parse() == plain
    assert isinstance(plain, package.SentMessage)
    assert len(recorder.requests) == 3  # the raw view sends the one request the plain call does
    assert recorder.requests[0].content == recorder.requests[1].content
    assert not hasattr(client.with_raw_response, "send_bulk")


@pytest.mark.parametrize(("vendor", "async_"), PACKAGES_ONCE)
async def test_timeout_per_call_and_default(vendor: str, async_: bool) -> None:
    package = PACKAGES[vendor]
    assert (package.DEFAULT_TIMEOUT.connect, package.DEFAULT_TIMEOUT.read) == (5.0, 30.0)
    call = CALLS[vendor]
    recorder = Recorder([answer(SUCCESS[vendor])])

    async def three_calls(client: Any) -> None:
        await resolve(call(client))
        await resolve(call(WithOptions(client, timeout=2.5)))
        await resolve(call(WithOptions(client, timeout=httpx.Timeout(10.0, connect=1.0))))

    await run(vendor_client(vendor, recorder, async_), three_calls)
    default, seconds, detailed = (r.extensions["timeout"] for r in recorder.requests)
    assert default == package.DEFAULT_TIMEOUT.as_dict() == {"connect": 5.0, "read": 30.0, "write": 30.0, "pool": 30.0}
    assert seconds == {"connect": 2.5, "read": 2.5, "write": 2.5, "pool": 2.5}
    assert detailed == {"connect": 1.0, "read": 10.0, "write": 10.0, "pool": 10.0}

    recorder = Recorder([answer(SUCCESS[vendor])])
    await run(vendor_client(vendor, recorder, async_, timeout=7.0), call)
    assert recorder.only.extensions["timeout"] == {"connect": 7.0, "read": 7.0, "write": 7.0, "pool": 7.0}


class WithOptions:
    """``client`` whose calls all get the keyword arguments ``options`` (e.g. ``timeout=``)."""

    def __init__(self, client: Any, **options: Any) -> None:
        self.client, self.options = client, options

    def __getattr__(self, name: str) -> Callable[..., Any]:
        method = getattr(self.client, name)
        return lambda *args, **kwargs: method(*args, **{**kwargs, **self.options})


@pytest.mark.parametrize(("vendor", "async_"), PACKAGES_ONCE)
async def test_user_agent_of_the_caller_goes_first(vendor: str, async_: bool) -> None:
    package = PACKAGES[vendor]
    assert re.fullmatch(r"[a-z]+-client/\S+ httpx/\S+ python/\S+", package.USER_AGENT)
    recorder = Recorder([answer(SUCCESS[vendor])])
    await run(vendor_client(vendor, recorder, async_, user_agent="myapp/1.0"), CALLS[vendor])
    assert recorder.only.headers["user-agent"] == "myapp/1.0 " + package.USER_AGENT
    assert package.USER_AGENT.startswith(vendor + "-client/")


@pytest.mark.parametrize(
    ("vendor", "options"),
    [
        pytest.param("paubox", {"user_agent": "mein-büro/1.0"}, id="user-agent"),
        pytest.param("paubox", {"api_key": "pbx-schlüssel"}, id="paubox-key"),
        pytest.param("smtpcom", {"api_key": "smtpk-schlüssel"}, id="smtpcom-bearer-key"),
    ],
)
def test_a_value_that_cannot_be_a_header_is_a_configuration_error(vendor: str, options: dict[str, Any]) -> None:
    package = PACKAGES[vendor]
    with pytest.raises(package.ConfigurationError):
        mock_client(vendor, Recorder(), **options)
