"""SendClean and PowerEmail end to end: both brands' overlay clients, sync and async, every operation.

send_mail (to/cc/bcc, Reply-To, X-Unique-Id, attachment, inline image), send_template and the
legacy GET send_template_http_get (dynamic values substituted into the sandbox's template), and
get_message_info (what was sent under an X-Unique-Id, 100 rows per skip_page). A send returns a
`SentMessage` whose `.id` is the X-Unique-Id: the caller's, or one the client added, which
get_message_info finds. Errors come back with HTTP 200: a wrong token is an AuthenticationError
all the same. with_raw_response gives the status and headers of a real answer.
"""

from __future__ import annotations

import base64
import email.utils
import importlib
import logging
import re
from types import ModuleType
from typing import Any
from urllib.parse import parse_qs

import pytest
from e2e_support import BRANDS, Clients, attachments, body_text, envelope, inline_parts, only_message
from e2e_support import vendor_requests as requests_of
from support.clients import platform_message, resolve

from sandbox.config import DEFAULT_TEMPLATES, RESET_TEMPLATE_ID, WELCOME_TEMPLATE_ID
from sandbox.testing import SandboxHandle

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
RECEIPT = b"Thank you for your order!\n"
QUEUED = {
    ("sendclean", "sendMail"): "message have been Queued ... ",
    ("sendclean", "sendTemplate"): "message have been Queued ... ",
    ("sendclean", "sendTemplateHTTPGet"): "250 Message Queued...",
    ("poweremail", "sendMail"): "message have been Queued ... ",
    ("poweremail", "sendTemplate"): "250 Message Queued...",
    ("poweremail", "sendTemplateHTTPGet"): "250 Message Queued...",
}

pytestmark = pytest.mark.parametrize("brand", BRANDS)


def models(brand: str) -> ModuleType:
    return importlib.import_module(f"{brand}_client")


def order_message(brand: str, *, unique_id: str = "order-42") -> Any:
    m = models(brand)
    return m.Message(
        subject="Your order has shipped",
        from_email="shop@example.com",
        from_name="Example Shop",
        to=[
            m.Recipient(email="ann@example.com", name="Ann"),
            m.Recipient(email="ben@example.com", type_="cc"),
            m.Recipient(email="audit@example.com", type_="bcc"),
        ],
        html='<p>On its way!</p><img src="cid:logo">',
        text="On its way!",
        headers=m.MessageHeaders(reply_to="help@example.com", x_unique_id=unique_id, x_s_tes_track_open="yes"),
        attachments=[m.Attachment(type_="text/plain", name="receipt.txt", content=base64.b64encode(RECEIPT).decode())],
        images=[m.InlineImage(type_="image/png", name="logo", content=base64.b64encode(PNG).decode())],
    )


def check_result(result: Any, brand: str, operation: str) -> None:
    assert isinstance(result, models(brand).SendResult)
    assert (result.status, result.message) == ("success", QUEUED[(brand, operation)])


def check_sent(sent: Any, brand: str, operation: str, unique_id: str) -> None:
    """A send's result: the X-Unique-Id as `.id`, the platform's answer as `.response`."""
    assert isinstance(sent, models(brand).SentMessage)
    assert sent.id == unique_id
    check_result(sent.response, brand, operation)


async def test_send_mail_stores_recipients_headers_attachment_and_inline_image(
    sandbox: SandboxHandle, clients: Clients, brand: str
) -> None:
    client = clients.brand(brand)
    sent = await resolve(client.send_mail(order_message(brand)))

    check_sent(sent, brand, "sendMail", "order-42")
    account = sandbox.config.brand(brand)
    (request,) = requests_of(sandbox, brand, "POST", "/messages/sendMail")
    body = request.json()
    assert (body["owner_id"], body["token"], body["smtp_user_name"]) == (
        account.owner_id,
        account.token,
        account.smtp_user_names[0],
    )
    assert body["message"]["headers"] == {
        "Reply-To": "help@example.com",
        "X-Unique-Id": "order-42",
        "X-STes-TrackOpen": "yes",
    }

    stored = only_message(sandbox, brand)
    assert stored.meta["operation"] == "sendMail" and stored.meta["x_unique_id"] == "order-42"
    mime = stored.mime
    assert email.utils.parseaddr(mime["To"]) == ("Ann", "ann@example.com")
    assert mime["Cc"] == "ben@example.com"
    assert "Bcc" not in mime
    assert envelope(stored) == {"to": ["ann@example.com"], "cc": ["ben@example.com"], "bcc": ["audit@example.com"]}
    assert email.utils.parseaddr(mime["From"]) == ("Example Shop", "shop@example.com")
    assert mime["Reply-To"] == "help@example.com"
    assert mime["X-Unique-Id"] == "order-42"
    assert mime["X-STes-TrackOpen"] == "yes"
    assert mime["Subject"] == "Your order has shipped"
    assert body_text(mime, "plain") == "On its way!"
    assert body_text(mime, "html") == '<p>On its way!</p><img src="cid:logo">'
    assert attachments(mime) == {"receipt.txt": ("text/plain", RECEIPT)}
    # The inline image sits next to the HTML in multipart/related, addressed by Content-ID <logo>.
    assert inline_parts(mime) == {"logo": ("image/png", PNG, "multipart/related")}


async def test_send_template_substitutes_dynamic_values(sandbox: SandboxHandle, clients: Clients, brand: str) -> None:
    m = models(brand)
    client = clients.brand(brand)
    message = m.TemplateMessage(
        template_id=WELCOME_TEMPLATE_ID,
        from_email="team@example.com",
        to=[m.Recipient(email="ann@example.com", name="Ann"), m.Recipient(email="ops@example.com", type_="bcc")],
        headers=m.MessageHeaders(x_unique_id="welcome-ann"),
        dynamic_value=m.TemplateMessageDynamicValue.from_dict({"NAME": "Ann", "Email": "ann@example.com"}),
    )
    sent = await resolve(client.send_template(message))

    check_sent(sent, brand, "sendTemplate", "welcome-ann")
    (request,) = requests_of(sandbox, brand, "POST", "/messages/sendTemplate")
    assert request.json()["message"]["dynamic_value"] == {"NAME": "Ann", "Email": "ann@example.com"}
    stored = only_message(sandbox, brand)
    template = DEFAULT_TEMPLATES[WELCOME_TEMPLATE_ID]
    assert "{{NAME}}" in template.subject  # the sandbox template the values go into
    assert stored.mime["Subject"] == "Welcome, Ann!"
    assert body_text(stored.mime, "plain") == "Welcome, Ann!\n\nYour account ann@example.com is ready.\n"
    assert body_text(stored.mime, "html") == (
        "<html><body><h1>Welcome, Ann!</h1><p>Your account ann@example.com is ready.</p></body></html>"
    )
    assert envelope(stored) == {"to": ["ann@example.com"], "cc": [], "bcc": ["ops@example.com"]}
    assert stored.meta["template_id"] == WELCOME_TEMPLATE_ID
    assert stored.meta["dynamic_value"] == {"NAME": "Ann", "Email": "ann@example.com"}

    # An explicit subject wins over the template's, and gets its placeholders filled too.
    message.subject = "Hello {{NAME}}"
    await resolve(client.send_template(message))
    assert sandbox.messages(brand)[-1].mime["Subject"] == "Hello Ann"


async def test_send_template_http_get_is_a_get_with_dynamic_values_and_no_token_in_our_logs(
    sandbox: SandboxHandle, clients: Clients, brand: str, caplog: pytest.LogCaptureFixture
) -> None:
    client = clients.brand(brand)
    token = sandbox.config.brand(brand).token
    with caplog.at_level(logging.DEBUG):
        result = await resolve(
            client.send_template_http_get(
                template_id=RESET_TEMPLATE_ID,
                to="ann@example.com",
                subject="Reset for {{NAME}}",
                from_email="security@example.com",
                dynamic_value={"NAME": "Ann", "LINK": "https://example.com/reset?t=1&u=ann"},
            )
        )

    check_result(result, brand, "sendTemplateHTTPGet")
    (request,) = requests_of(sandbox, brand, "GET", "/messages/sendTemplateHTTPGet")
    assert request.body == b""
    query = parse_qs(request.query, keep_blank_values=True)
    assert query == {
        "owner_id": [sandbox.config.brand(brand).owner_id],
        "token": [token],  # the sandbox logs the raw query: the token is in the URL by design
        "smtp_user_name": [sandbox.config.brand(brand).smtp_user_names[0]],
        "template_id": [RESET_TEMPLATE_ID],
        "subject": ["Reset for {{NAME}}"],
        "from_email": ["security@example.com"],
        "to": ["ann@example.com"],
        "dynamic_value[NAME]": ["Ann"],
        "dynamic_value[LINK]": ["https://example.com/reset?t=1&u=ann"],
    }
    assert "dynamic_value%5BNAME%5D=Ann" in request.query

    stored = only_message(sandbox, brand)
    assert stored.meta["operation"] == "sendTemplateHTTPGet"
    assert stored.mime["Subject"] == "Reset for Ann"
    assert body_text(stored.mime, "plain") == "Hi Ann, reset your password: https://example.com/reset?t=1&u=ann\n"
    assert body_text(stored.mime, "html") == (
        '<p>Hi Ann, <a href="https://example.com/reset?t=1&u=ann">reset your password</a>.</p>'
    )
    assert envelope(stored) == {"to": ["ann@example.com"], "cc": [], "bcc": []}

    # Our side: httpx logged the request line, with the token masked; the raw token is nowhere.
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "sendTemplateHTTPGet" in logged
    assert "token=***" in logged
    assert token not in logged


async def test_get_message_info_pages_100_rows_per_skip_page(
    sandbox: SandboxHandle, clients: Clients, brand: str
) -> None:
    m = models(brand)
    client = clients.brand(brand)
    # 150 rows under one X-Unique-Id: three sends of 50 recipients (to, cc and bcc rows all count).
    sent: list[str] = []
    for batch in range(3):
        addresses = [f"{'bounce' if i == 0 else 'user'}-{batch}-{i:02d}@example.com" for i in range(50)]
        kinds = ["to"] * 40 + ["cc"] * 5 + ["bcc"] * 5
        await resolve(
            client.send_mail(
                m.Message(
                    subject=f"Batch {batch}",
                    from_email="news@example.com",
                    text="Hello",
                    to=[m.Recipient(email=a, type_=k) for a, k in zip(addresses, kinds, strict=True)],
                    headers=m.MessageHeaders(x_unique_id="campaign-7"),
                )
            )
        )
        sent += addresses
    await resolve(client.send_mail(order_message(brand, unique_id="something-else")))

    pages = [await resolve(client.get_message_info("campaign-7", skip_page=page)) for page in range(3)]

    for page in pages:
        assert isinstance(page, m.MessageInfoResult)
        assert page.status == "success"
    assert [len(p.message_data) for p in pages] == [100, 50, 0]
    listed = [item.email for p in pages for item in p.message_data]
    assert listed == sent  # in send order, every recipient once
    first = pages[0].message_data[0]
    assert (first.email, first.status, first.subject, first.sender) == (
        "bounce-0-00@example.com",
        "hard_bounce",
        "Batch 0",
        "news@example.com",
    )
    assert {item.status for item in pages[1].message_data if not item.email.startswith("bounce")} == {"delivered"}
    assert all(item.open_ == 0 and item.click == 0 for p in pages for item in p.message_data)

    bodies = [r.json() for r in requests_of(sandbox, brand, "POST", "/messages/getMessageInfo")]
    assert [(b["x_unique_id"], b["skip_page"]) for b in bodies] == [
        ("campaign-7", 0),
        ("campaign-7", 1),
        ("campaign-7", 2),
    ]

    # The default page is the first one; the other X-Unique-Id has its own single row set.
    default = await resolve(client.get_message_info("campaign-7"))
    assert [i.email for i in default.message_data] == sent[:100]
    other = await resolve(client.get_message_info("something-else"))
    assert sorted(i.email for i in other.message_data) == ["ann@example.com", "audit@example.com", "ben@example.com"]
    assert {i.attch_size for i in other.message_data} == {len(RECEIPT) + len(PNG)}


async def test_send_mail_without_x_unique_id_gets_one_that_finds_the_message(
    sandbox: SandboxHandle, clients: Clients, brand: str
) -> None:
    m = models(brand)
    client = clients.brand(brand)
    message = platform_message(brand, headers=m.MessageHeaders(reply_to="help@example.com"))

    sent = await resolve(client.send_mail(message))

    assert re.fullmatch(r"[0-9a-f]{32}", sent.id), sent.id  # a uuid4 hex
    check_result(sent.response, brand, "sendMail")
    (request,) = requests_of(sandbox, brand, "POST", "/messages/sendMail")
    assert request.json()["message"]["headers"] == {"Reply-To": "help@example.com", "X-Unique-Id": sent.id}
    assert not isinstance(message.headers.x_unique_id, str)  # the caller's message is left alone
    assert only_message(sandbox, brand).mime["X-Unique-Id"] == sent.id

    info = await resolve(client.get_message_info(sent.id))
    assert [(item.email, item.subject) for item in info.message_data] == [("jane@example.com", "Greetings")]
    # Each send gets its own id.
    again = await resolve(client.send_mail(message))
    assert again.id != sent.id


async def test_with_raw_response_gives_the_status_headers_and_the_message_info(
    sandbox: SandboxHandle, clients: Clients, brand: str
) -> None:
    m = models(brand)
    client = clients.brand(brand)
    await resolve(client.send_mail(order_message(brand)))

    raw = await resolve(client.with_raw_response.get_message_info("order-42"))

    assert isinstance(raw, m.RawResponse)
    assert raw.status_code == 200
    assert raw.headers["content-type"].startswith("application/json")
    assert raw.http_response.json()["status"] == "success"
    info = raw.parse()
    assert isinstance(info, m.MessageInfoResult)
    assert sorted(item.email for item in info.message_data) == [
        "ann@example.com",
        "audit@example.com",
        "ben@example.com",
    ]
    assert len(requests_of(sandbox, brand, "POST", "/messages/getMessageInfo")) == 1


@pytest.mark.parametrize("operation", ["send_mail", "send_template", "send_template_http_get", "get_message_info"])
async def test_wrong_token_is_an_authentication_error_with_http_200(
    sandbox: SandboxHandle, clients: Clients, brand: str, operation: str
) -> None:
    m = models(brand)
    client = clients.brand(brand, token="definitely-the-wrong-token")
    calls = {
        "send_mail": lambda: client.send_mail(order_message(brand)),
        "send_template": lambda: client.send_template(
            m.TemplateMessage(template_id=WELCOME_TEMPLATE_ID, to=[m.Recipient(email="ann@example.com")])
        ),
        "send_template_http_get": lambda: client.send_template_http_get(
            template_id=WELCOME_TEMPLATE_ID, to="ann@example.com", subject="Hi", from_email="team@example.com"
        ),
        "get_message_info": lambda: client.get_message_info("order-42"),
    }
    with pytest.raises(m.AuthenticationError) as caught:
        await resolve(calls[operation]())

    error = caught.value
    assert error.status_code == 200
    assert isinstance(error.error, m.ErrorEnvelope)
    assert (error.error.status, error.error.code, error.error.name, error.error.message) == (
        "error",
        -1,
        "AuthenticationError",
        "Token MissMatch",
    )
    assert "definitely-the-wrong-token" not in str(error)
    assert len(sandbox.requests(brand)) == 1  # an HTTP 200 error body is never retried
    assert sandbox.messages(brand) == []
