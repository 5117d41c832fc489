"""SendClean and PowerEmail (one platform, two brands) on the sandbox."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest

from sandbox.config import (
    POWEREMAIL_OWNER_ID,
    POWEREMAIL_SMTP_USER,
    POWEREMAIL_TOKEN,
    SENDCLEAN_OWNER_ID,
    SENDCLEAN_SMTP_USER,
    SENDCLEAN_TOKEN,
    WELCOME_TEMPLATE_ID,
    Template,
)
from sandbox.testing import SandboxHandle

BRANDS = {
    "sendclean": (SENDCLEAN_OWNER_ID, SENDCLEAN_TOKEN, SENDCLEAN_SMTP_USER),
    "poweremail": (POWEREMAIL_OWNER_ID, POWEREMAIL_TOKEN, POWEREMAIL_SMTP_USER),
}
AUTH_ERROR = {"status": "error", "code": -1, "name": "AuthenticationError", "message": "Token MissMatch"}
PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 16).decode()

pytestmark = pytest.mark.parametrize("brand", list(BRANDS))


def credentials(brand: str) -> dict[str, str]:
    owner_id, token, _ = BRANDS[brand]
    return {"owner_id": owner_id, "token": token}


def mail(brand: str, **changes: Any) -> dict[str, Any]:
    message: dict[str, Any] = {
        "html": "<p>Hello</p>",
        "text": "Hello",
        "subject": "Greetings",
        "from_email": "news@brand.example",
        "from_name": "Brand News",
        "to": [{"email": "jane@example.com", "name": "Jane", "type": "to"}],
        "headers": {"Reply-To": "help@brand.example", "X-Unique-Id": "order-1"},
    }
    message.update(changes)
    return {**credentials(brand), "smtp_user_name": BRANDS[brand][2], "message": message}


def call(http: httpx.Client, sb: SandboxHandle, brand: str, name: str, body: dict[str, Any]) -> httpx.Response:
    return http.post(f"{sb.base_url(brand)}/messages/{name}", json=body)


def ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    assert body["status"] == "success", body
    return body


def validation_message(response: httpx.Response) -> str:
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "error" and body["code"] == -1 and body["name"] == "ValidationError", body
    return str(body["message"])


# ------------------------------------------------------------------------------------ auth
def test_right_credentials_send(http: httpx.Client, sandbox: SandboxHandle, brand: str) -> None:
    body = ok(call(http, sandbox, brand, "sendMail", mail(brand)))
    assert body == {"status": "success", "message": "message have been Queued ... "}
    assert len(sandbox.messages(brand)) == 1


@pytest.mark.parametrize(
    "creds",
    [{"token": "wrong"}, {"owner_id": "wrong"}, {"token": None}, {"owner_id": None, "token": None}],
    ids=["token", "owner", "no-token", "none"],
)
def test_wrong_credentials_are_http_200_authentication_error(
    http: httpx.Client, sandbox: SandboxHandle, brand: str, creds: dict[str, Any]
) -> None:
    body = {k: v for k, v in {**mail(brand), **creds}.items() if v is not None}
    for name in ("sendMail", "sendTemplate", "getMessageInfo"):
        response = call(http, sandbox, brand, name, body)
        assert response.status_code == 200
        assert response.json() == AUTH_ERROR
    assert sandbox.messages(brand) == []


@pytest.mark.parametrize("code_as_string", [False, True])
def test_error_bodies_can_name_the_error_in_type(
    http: httpx.Client, sandbox: SandboxHandle, brand: str, code_as_string: bool
) -> None:
    """The doc's return-value table names the error in `type`; PowerEmail's doc shows code "-1"."""
    sandbox.configure(platform_error_style="type", platform_error_code_as_string=code_as_string)
    response = call(http, sandbox, brand, "sendMail", {**mail(brand), "token": "wrong"})
    assert response.status_code == 200
    code = "-1" if code_as_string else -1
    assert response.json() == {
        "status": "error",
        "code": code,
        "type": "AuthenticationError",
        "message": "Token MissMatch",
    }


def test_one_brand_rejects_the_other_brands_credentials(http: httpx.Client, sandbox: SandboxHandle, brand: str) -> None:
    other = "poweremail" if brand == "sendclean" else "sendclean"
    response = call(http, sandbox, brand, "sendMail", {**mail(brand), **credentials(other)})
    assert response.json() == AUTH_ERROR


# ------------------------------------------------------------------------------ templates
def test_send_template_substitutes_dynamic_values(http: httpx.Client, sandbox: SandboxHandle, brand: str) -> None:
    message = mail(brand)["message"]
    for key in ("html", "text", "subject"):
        del message[key]
    message.update(template_id=WELCOME_TEMPLATE_ID, dynamic_value={"NAME": "Jane", "Email": "jane@example.com"})
    ok(call(http, sandbox, brand, "sendTemplate", {**mail(brand), "message": message}))
    stored = sandbox.messages(brand)[0]
    summary = stored.summary()
    assert summary["headers"]["Subject"] == "Welcome, Jane!"
    assert summary["text"] == "Welcome, Jane!\n\nYour account jane@example.com is ready.\n"
    assert summary["html"].strip() == (
        "<html><body><h1>Welcome, Jane!</h1><p>Your account jane@example.com is ready.</p></body></html>"
    )
    assert stored.meta["template_id"] == WELCOME_TEMPLATE_ID
    assert stored.meta["dynamic_value"] == {"NAME": "Jane", "Email": "jane@example.com"}


def test_template_subject_override_and_missing_values(http: httpx.Client, sandbox: SandboxHandle, brand: str) -> None:
    sandbox.configure(templates={"t1": Template(subject="For {{ NAME }}", text="{{NAME}} / {{Unknown}} / {{name}}")})
    body = mail(brand, template_id="t1", dynamic_value={"NAME": "Ann"}, subject="Hello {{NAME}}")
    del body["message"]["html"], body["message"]["text"]
    ok(call(http, sandbox, brand, "sendTemplate", body))
    summary = sandbox.messages(brand)[0].summary()
    assert summary["headers"]["Subject"] == "Hello Ann"
    assert summary["text"] == "Ann / {{Unknown}} / {{name}}"  # case-sensitive; unknown names stay
    assert summary["html"] is None


def test_unknown_template_is_a_validation_error(http: httpx.Client, sandbox: SandboxHandle, brand: str) -> None:
    body = mail(brand, template_id="missing")
    message = validation_message(call(http, sandbox, brand, "sendTemplate", body))
    assert message == "message.template_id 'missing' is not a valid template id"
    assert (
        validation_message(call(http, sandbox, brand, "sendTemplate", mail(brand))) == "message.template_id is required"
    )
    assert sandbox.messages(brand) == []


def test_legacy_http_get_sends_a_template(http: httpx.Client, sandbox: SandboxHandle, brand: str) -> None:
    params = {
        **credentials(brand),
        "smtp_user_name": BRANDS[brand][2],
        "template_id": WELCOME_TEMPLATE_ID,
        "subject": "Hi {{NAME}} & co",
        "from_email": "hello@brand.example",
        "to": "info@example.com",
        "dynamic_value[NAME]": "xyz",
        "dynamic_value[Email]": "xyz@example.com",
    }
    url = f"{sandbox.base_url(brand)}/messages/sendTemplateHTTPGet"
    assert ok(http.get(url, params=params)) == {"status": "success", "message": "250 Message Queued..."}
    stored = sandbox.messages(brand)[0]
    summary = stored.summary()
    assert summary["headers"]["Subject"] == "Hi xyz & co"
    assert summary["headers"]["To"] == "info@example.com"
    assert summary["headers"]["From"] == "hello@brand.example"
    assert "Your account xyz@example.com is ready." in summary["text"]
    assert stored.meta["operation"] == "sendTemplateHTTPGet"

    assert http.get(url, params={**params, "token": "wrong"}).json() == AUTH_ERROR
    missing = {k: v for k, v in params.items() if k != "to"}
    assert validation_message(http.get(url, params=missing)) == "to is required"
    assert (
        validation_message(http.get(url, params={**params, "from_email": "nope"}))
        == "from_email must be a valid email address"
    )
    assert len(sandbox.messages(brand)) == 1


# ------------------------------------------------------------------------- getMessageInfo
def test_get_message_info_pages_100_per_skip_page(http: httpx.Client, sandbox: SandboxHandle, brand: str) -> None:
    recipients = [[{"email": f"r{n}-{i}@example.com"} for i in range(75)] for n in range(2)]
    for n in range(2):
        ok(call(http, sandbox, brand, "sendMail", mail(brand, to=recipients[n], subject=f"batch {n}")))
    ok(call(http, sandbox, brand, "sendMail", mail(brand, headers={"X-Unique-Id": "other"})))

    def page(skip: int) -> list[dict[str, Any]]:
        body = {**credentials(brand), "x_unique_id": "order-1", "skip_page": skip}
        data: list[dict[str, Any]] = ok(call(http, sandbox, brand, "getMessageInfo", body))["message_data"]
        return data

    pages = [page(0), page(1), page(2)]
    assert [len(p) for p in pages] == [100, 50, 0]
    emails = [item["email"] for item in pages[0] + pages[1]]
    assert emails == [r["email"] for r in recipients[0] + recipients[1]]
    item = pages[0][0]
    assert item["subject"] == "batch 0"
    assert item["sender"] == "news@brand.example"
    assert item["status"] == "delivered"
    assert item["mailSize"] == len(sandbox.messages(brand)[0].raw)
    assert isinstance(item["time"], int) and item["open"] == 0 and item["click"] == 0
    other = ok(
        call(http, sandbox, brand, "getMessageInfo", {**credentials(brand), "x_unique_id": "other", "skip_page": 0})
    )
    assert [i["email"] for i in other["message_data"]] == ["jane@example.com"]


def test_get_message_info_skip_page_default(http: httpx.Client, sandbox: SandboxHandle, brand: str) -> None:
    ok(call(http, sandbox, brand, "sendMail", mail(brand)))
    response = call(http, sandbox, brand, "getMessageInfo", {**credentials(brand), "x_unique_id": "order-1"})
    if brand == "sendclean":  # optional on SendClean (default 0)
        assert len(ok(response)["message_data"]) == 1
    else:  # compulsory on PowerEmail
        assert validation_message(response) == "skip_page is required"
    missing = call(http, sandbox, brand, "getMessageInfo", {**credentials(brand), "skip_page": 0})
    assert validation_message(missing) == "x_unique_id is required"


# ----------------------------------------------------------------------------- validation
INVALID = [
    ("no content", {"html": None, "text": None}, "message needs either 'html' or 'text'"),
    ("no recipients", {"to": None}, "message.to must contain at least one recipient"),
    ("bad recipient", {"to": [{"email": "nope"}]}, "message.to[0].email must be a valid email address"),
    (
        "bad recipient type",
        {"to": [{"email": "a@example.com", "type": "reply"}]},
        "message.to[0].type must be one of to, cc, bcc",
    ),
    ("bad from", {"from_email": "nope"}, "message.from_email must be a valid email address"),
    (
        "image not image/*",
        {"images": [{"type": "text/plain", "name": "x", "content": PNG}]},
        "message.images[0].type must start with image/",
    ),
    (
        "bad base64",
        {"attachments": [{"type": "text/plain", "name": "a.txt", "content": "dgfdddger"}]},
        "message.attachments[0].content must be a base64-encoded string",
    ),
    (
        "incomplete attachment",
        {"attachments": [{"name": "a.txt", "content": "SGk="}]},
        "message.attachments[0].type is required and must be a string",
    ),
    (
        "bad tracking header",
        {"headers": {"X-STes-TrackOpen": "maybe"}},
        "message.headers.X-STes-TrackOpen must be one of yes, no",
    ),
    ("header line break", {"headers": {"X-A": "1\nBcc: x@y.z"}}, "message.headers.X-A must not contain line breaks"),
]


@pytest.mark.parametrize(("changes", "expected"), [(c, e) for _, c, e in INVALID], ids=[i for i, _, _ in INVALID])
def test_send_mail_validation_errors(
    http: httpx.Client, sandbox: SandboxHandle, brand: str, changes: dict[str, Any], expected: str
) -> None:
    body = mail(brand, **changes)
    body["message"] = {k: v for k, v in body["message"].items() if v is not None}
    assert validation_message(call(http, sandbox, brand, "sendMail", body)) == expected
    assert sandbox.messages(brand) == []


def test_envelope_validation_errors(http: httpx.Client, sandbox: SandboxHandle, brand: str) -> None:
    unknown_user = {**mail(brand), "smtp_user_name": "someone-else"}
    assert validation_message(call(http, sandbox, brand, "sendMail", unknown_user)) == (
        "smtp_user_name 'someone-else' is not a valid smtp user of this account"
    )
    no_message = {k: v for k, v in mail(brand).items() if k != "message"}
    assert validation_message(call(http, sandbox, brand, "sendMail", no_message)) == "message is required"
    response = http.post(f"{sandbox.base_url(brand)}/messages/sendMail", content=b"owner_id=x&token=y")
    assert validation_message(response).startswith("body request body is not valid JSON")


# ----------------------------------------------------------------------------------- MIME
def test_mime_with_attachment_and_inline_image(http: httpx.Client, sandbox: SandboxHandle, brand: str) -> None:
    body = mail(
        brand,
        html='<p>Logo: <img src="cid:IMAGECID"></p>',
        to=[
            {"email": "jane@example.com", "name": "Jane", "type": "to"},
            {"email": "cc@example.com", "type": "cc"},
            {"email": "hidden@example.com", "type": "bcc"},
        ],
        headers={"Reply-To": "help@brand.example", "X-Unique-Id": "order-7", "X-STes-TrackOpen": "yes"},
        attachments=[{"type": "text/plain", "name": "myfile.txt", "content": "ZXhhbXBsZSBmaWxl"}],
        images=[{"type": "image/png", "name": "IMAGECID", "content": PNG}],
    )
    ok(call(http, sandbox, brand, "sendMail", body))
    stored = sandbox.messages(brand)[0]
    summary = stored.summary()
    headers = summary["headers"]
    assert headers["From"] == "Brand News <news@brand.example>"
    assert headers["To"] == "Jane <jane@example.com>"
    assert headers["Cc"] == "cc@example.com"
    assert headers["Reply-To"] == "help@brand.example"
    assert headers["X-Unique-Id"] == "order-7"
    assert headers["X-STes-TrackOpen"] == "yes"
    assert headers["Subject"] == "Greetings"
    assert b"hidden@example.com" not in stored.raw
    assert [(p["content_type"], p["depth"]) for p in summary["parts"]] == [
        ("multipart/mixed", 0),
        ("multipart/alternative", 1),
        ("text/plain", 2),
        ("multipart/related", 2),
        ("text/html", 3),
        ("image/png", 3),
        ("text/plain", 1),
    ]
    assert summary["attachments"] == ["myfile.txt"]
    assert summary["inline_images"] == [{"content_id": "IMAGECID", "content_type": "image/png", "filename": "IMAGECID"}]
    image = next(p for p in stored.mime.walk() if p.get_content_type() == "image/png")
    assert image["Content-ID"] == "<IMAGECID>"
    assert image.get_content_disposition() == "inline"
    assert image.get_payload(decode=True) == base64.b64decode(PNG)
    attachment = next(p for p in stored.mime.walk() if p.get_filename() == "myfile.txt")
    assert attachment.get_payload(decode=True) == b"example file"
    assert [(r.address, r.kind) for r in stored.recipients] == [
        ("jane@example.com", "to"),
        ("cc@example.com", "cc"),
        ("hidden@example.com", "bcc"),
    ]
