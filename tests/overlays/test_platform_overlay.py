"""The SendClean-platform overlay (``overlays/_platform`` + the ``sendclean`` and ``poweremail``
brands), against ``httpx.MockTransport``: exact request bytes, typed errors, validation before any
I/O, configuration, redaction of the token and the brand differences.

Most tests run for both brands and for the sync and the async client: the ``api`` fixture hands a
test one client of the parametrised brand and mode, and ``run`` awaits async calls.
"""

from __future__ import annotations

import inspect
import json
import logging
import subprocess
import sys
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import poweremail_client
import pytest
import sendclean_client
import yaml

ROOT = Path(__file__).resolve().parents[2]

OWNER = "acct-4711"
TOKEN = "tok-S3cr3t-9f8e7d6c"  # long and unusual: redaction must find it wherever it leaks
SMTP_USER = "smtp-user-1"
SECRET_MARKERS = (TOKEN, urllib.parse.quote(TOKEN, safe=""))


@dataclass(frozen=True)
class BrandCase:
    key: str
    package: ModuleType
    sync_name: str
    async_name: str
    prefix: str
    default_domain: str

    @property
    def sync_cls(self) -> Any:
        return getattr(self.package, self.sync_name)

    @property
    def async_cls(self) -> Any:
        return getattr(self.package, self.async_name)

    def env(self, setting: str) -> str:
        return f"{self.prefix}_{setting}"

    def __getattr__(self, name: str) -> Any:  # models and errors of this brand's package
        return getattr(self.package, name)


SENDCLEAN = BrandCase(
    "sendclean", sendclean_client, "SendClean", "AsyncSendClean", "SENDCLEAN", "us1-mta1.sendclean.net"
)
POWEREMAIL = BrandCase("poweremail", poweremail_client, "PowerEmail", "AsyncPowerEmail", "POWEREMAIL", "poweremail.in")
BRANDS = [pytest.param(SENDCLEAN, id="sendclean"), pytest.param(POWEREMAIL, id="poweremail")]


@dataclass
class Recorder:
    """A MockTransport handler: records every request, answers from a queue (the last repeats)."""

    responses: list[httpx.Response | Exception] = field(default_factory=list)
    requests: list[httpx.Request] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        answer = self.responses.pop(0) if len(self.responses) > 1 else self.responses[0]
        if isinstance(answer, Exception):
            raise answer
        # a fresh copy each time: one Response object cannot serve two requests
        return httpx.Response(answer.status_code, headers=answer.headers, content=answer.read())

    @property
    def only(self) -> httpx.Request:
        assert len(self.requests) == 1, f"expected one request, got {len(self.requests)}"
        return self.requests[0]


def ok(payload: Any = None, status: int = 200, **kwargs: Any) -> httpx.Response:
    body = {"status": "success", "message": "message have been Queued ... "} if payload is None else payload
    return httpx.Response(status, json=body, **kwargs)


def raw(content: bytes, status: int = 200, content_type: str = "application/json") -> httpx.Response:
    return httpx.Response(status, content=content, headers={"content-type": content_type})


async def run(result: Any) -> Any:
    """The value of a sync call, or the awaited value of an async one."""
    return await result if inspect.isawaitable(result) else result


@dataclass
class Api:
    brand: BrandCase
    mode: str
    recorder: Recorder
    client: Any

    def respond(self, *responses: httpx.Response | Exception) -> None:
        self.recorder.responses[:] = list(responses)

    @property
    def requests(self) -> list[httpx.Request]:
        return self.recorder.requests


def build(brand: BrandCase, mode: str, recorder: Recorder, **options: Any) -> Any:
    cls = brand.sync_cls if mode == "sync" else brand.async_cls
    options.setdefault("smtp_user_name", SMTP_USER)
    return cls(OWNER, TOKEN, transport=httpx.MockTransport(recorder), **options)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for brand in (SENDCLEAN, POWEREMAIL):
        for setting in ("OWNER_ID", "TOKEN", "APP_DOMAIN", "SMTP_USER_NAME", "BASE_URL"):
            monkeypatch.delenv(brand.env(setting), raising=False)


@pytest.fixture(params=BRANDS)
def brand(request: pytest.FixtureRequest) -> BrandCase:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture(params=["sync", "async"])
def api(request: pytest.FixtureRequest, brand: BrandCase) -> Iterator[Api]:
    recorder = Recorder([ok()])
    client = build(brand, request.param, recorder)
    yield Api(brand, request.param, recorder, client)
    if request.param == "sync":
        client.close()


def no_retry(brand: BrandCase) -> Any:
    return brand.RetryPolicy(max_retries=0)


def fast_retry(brand: BrandCase, **options: Any) -> Any:
    return brand.RetryPolicy(backoff_base=0.0, backoff_max=0.0, **options)


# --------------------------------------------------------------------------- message builders


def message(brand: BrandCase, **overrides: Any) -> Any:
    fields: dict[str, Any] = {
        "html": "<p>Hi Ann</p>",
        "text": "Hi Ann",
        "subject": "Welcome",
        "from_email": "from@example.com",
        "from_name": "Example Shop",
        "to": [brand.Recipient(email="ann@example.com", name="Ann", type_="to")],
    }
    fields.update(overrides)
    return brand.Message(**{k: v for k, v in fields.items() if v is not ...})


def template_message(brand: BrandCase, **overrides: Any) -> Any:
    fields: dict[str, Any] = {
        "template_id": "welcome-1",
        "subject": "Welcome",
        "from_email": "from@example.com",
        "to": [brand.Recipient(email="ann@example.com")],
    }
    fields.update(overrides)
    return brand.TemplateMessage(**{k: v for k, v in fields.items() if v is not ...})


def dynamic(brand: BrandCase, values: dict[str, str]) -> Any:
    return brand.package.TemplateMessageDynamicValue.from_dict(values)


def headers(brand: BrandCase, *, extra: dict[str, str] | None = None, **named: str) -> Any:
    result = brand.MessageHeaders(**named)
    result.additional_properties.update(extra or {})
    return result


DOC_MESSAGE_INFO = {
    "status": "success",
    "message_data": [
        {
            "subject": "this is subject ..",
            "sender": "xyz@SendClean.com",
            "email": "abc@SendClean.com",
            "sendFrom": "0.0.0.0",
            "mailSize": 1919,
            "attchSize": 0,
            "status": "delivered",
            "time": 1458034022169,
            "open": 1,
            "openData": {
                "ip": ["0.0.0.0", "0.0.0.0"],
                "ua": ["UA1", "UA2"],
                "time": ["1458039067963", "1458039067978"],
            },
            "clickData": {"ip": ["0.0.0.0"], "ua": ["UA1"], "time": [1458039068888]},
            "click": 1,
        }
    ],
}

# The vendor doc's sendTemplateHTTPGet example (both brands' docs), in its order.
DOC_GET_FORM = {
    "owner_id": OWNER,
    "token": TOKEN,
    "smtp_user_name": "smtp123456",
    "template_id": "template_id",
    "subject": "hello",
    "from_email": "hello@example.com",
    "to": "info@example.com",
    "dynamic_value[NAME]": "xyz",
    "dynamic_value[Email]": "xyz@example.com",
}
DOC_GET_QUERY = (
    f"owner_id={OWNER}&token={TOKEN}&smtp_user_name=smtp123456&template_id=template_id&subject=hello"
    "&from_email=hello%40example.com&to=info%40example.com"
    "&dynamic_value%5BNAME%5D=xyz&dynamic_value%5BEmail%5D=xyz%40example.com"
)


def doc_get(api: Api, **overrides: Any) -> Any:
    arguments: dict[str, Any] = {
        "template_id": "template_id",
        "to": "info@example.com",
        "subject": "hello",
        "from_email": "hello@example.com",
        "dynamic_value": {"NAME": "xyz", "Email": "xyz@example.com"},
        "smtp_user_name": "smtp123456",
    }
    arguments.update(overrides)
    return api.client.send_template_http_get(**arguments)


# --------------------------------------------------------------------------- requests on the wire


async def test_send_mail_exact_request(api: Api) -> None:
    b = api.brand
    attachment = b.Attachment(type_="text/plain", name="myfile.txt", content="ZXhhbXBsZSBmaWxl")
    image = b.InlineImage(type_="image/png", name="IMAGECID", content="ZGdmZGRkZ2Vy")
    msg = message(
        b,
        headers=headers(b, reply_to="reply@example.com", x_unique_id="order-42"),
        attachments=[attachment],
        images=[image],
    )
    result = await run(api.client.send_mail(msg))

    request = api.recorder.only
    assert request.method == "POST"
    assert str(request.url) == f"https://api.{b.default_domain}/v1.0/messages/sendMail"
    assert request.url.query == b""
    assert request.headers["content-type"] == "application/json"
    assert "authorization" not in request.headers
    assert request.content == (
        b'{"owner_id":"acct-4711","token":"tok-S3cr3t-9f8e7d6c","smtp_user_name":"smtp-user-1",'
        b'"message":{"html":"<p>Hi Ann</p>","text":"Hi Ann","subject":"Welcome","from_email":"from@example.com",'
        b'"from_name":"Example Shop","to":[{"email":"ann@example.com","name":"Ann","type":"to"}],'
        b'"headers":{"Reply-To":"reply@example.com","X-Unique-Id":"order-42"},'
        b'"attachments":[{"type":"text/plain","name":"myfile.txt","content":"ZXhhbXBsZSBmaWxl"}],'
        b'"images":[{"type":"image/png","name":"IMAGECID","content":"ZGdmZGRkZ2Vy"}]}}'
    )
    assert isinstance(result, b.SendResult)
    assert (result.status, result.message) == ("success", "message have been Queued ... ")


async def test_send_template_exact_request(api: Api) -> None:
    b = api.brand
    api.respond(ok({"status": "success", "message": "250 Message Queued..."}))
    msg = template_message(b, dynamic_value=dynamic(b, {"NAME": "xyz", "Email": "info@example.com"}))
    result = await run(api.client.send_template(msg, smtp_user_name="smtp12345"))

    request = api.recorder.only
    assert (request.method, request.url.path) == ("POST", "/v1.0/messages/sendTemplate")
    assert request.content == (
        b'{"owner_id":"acct-4711","token":"tok-S3cr3t-9f8e7d6c","smtp_user_name":"smtp12345",'
        b'"message":{"template_id":"welcome-1","subject":"Welcome","from_email":"from@example.com",'
        b'"to":[{"email":"ann@example.com","type":"to"}],"dynamic_value":{"NAME":"xyz","Email":"info@example.com"}}}'
    )
    assert isinstance(result, b.SendResult)
    assert result.message == "250 Message Queued..."


@pytest.mark.parametrize(("skip_page", "sent"), [(None, 0), (0, 0), (3, 3)])
async def test_get_message_info_exact_request(api: Api, skip_page: int | None, sent: int) -> None:
    b = api.brand
    api.respond(ok(DOC_MESSAGE_INFO))
    options = {} if skip_page is None else {"skip_page": skip_page}
    result = await run(api.client.get_message_info("order-42", **options))

    request = api.recorder.only
    assert (request.method, request.url.path) == ("POST", "/v1.0/messages/getMessageInfo")
    # skip_page is always sent: PowerEmail requires it, SendClean accepts it (default 0)
    assert request.content == (
        b'{"owner_id":"acct-4711","token":"tok-S3cr3t-9f8e7d6c","x_unique_id":"order-42","skip_page":%d}' % sent
    )
    assert isinstance(result, b.MessageInfoResult)
    item = result.message_data[0]
    assert isinstance(item, b.MessageInfoItem)
    assert (item.status, item.mail_size, item.open_data.time) == ("delivered", 1919, ["1458039067963", "1458039067978"])


async def test_legacy_get_matches_the_vendor_doc_example_exactly(api: Api) -> None:
    b = api.brand
    api.respond(ok({"status": "success", "message": "250 Message Queued..."}))
    result = await run(doc_get(api))

    request = api.recorder.only
    assert request.method == "GET"
    assert request.url.path == "/v1.0/messages/sendTemplateHTTPGet"
    # byte for byte what the doc's urllib.urlencode(formData) produces: brackets and @ percent-encoded
    assert request.url.query.decode() == DOC_GET_QUERY == urllib.parse.urlencode(DOC_GET_FORM)
    assert str(request.url) == f"https://api.{b.default_domain}/v1.0/messages/sendTemplateHTTPGet?{DOC_GET_QUERY}"
    assert request.content == b""
    assert "content-type" not in request.headers
    assert isinstance(result, b.SendResult)


async def test_legacy_get_dynamic_values_are_case_sensitive_and_encoded(api: Api) -> None:
    values = {"firstName": "Ann", "FirstName": "ANN", "note": "a&b=c+d/é ok", "empty": ""}
    await run(doc_get(api, dynamic_value=values, subject="Hi, you & me"))

    query = api.recorder.only.url.query.decode()
    assert query.endswith(
        "&dynamic_value%5BfirstName%5D=Ann&dynamic_value%5BFirstName%5D=ANN"
        "&dynamic_value%5Bnote%5D=a%26b%3Dc%2Bd%2F%C3%A9+ok&dynamic_value%5Bempty%5D="
    )
    assert "&subject=Hi%2C+you+%26+me&" in query
    assert urllib.parse.parse_qs(query, keep_blank_values=True)["dynamic_value[note]"] == ["a&b=c+d/é ok"]


@pytest.mark.parametrize("values", [None, {}])
async def test_legacy_get_without_dynamic_values(api: Api, values: dict[str, str] | None) -> None:
    await run(doc_get(api, dynamic_value=values))
    assert "dynamic_value" not in api.recorder.only.url.query.decode()


async def test_smtp_user_name_per_call_overrides_the_default(api: Api) -> None:
    await run(api.client.send_mail(message(api.brand), smtp_user_name="other-user"))
    assert json.loads(api.recorder.only.content)["smtp_user_name"] == "other-user"


async def test_generated_functions_share_the_client(api: Api) -> None:
    """``client.client`` is the generated Client on the same transport: the escape hatch."""
    b = api.brand
    from importlib import import_module

    send_mail = import_module(f"{b.package.__name__}.api.messages.send_mail")
    body = b.package.models.SendMailRequest(
        owner_id=OWNER, token=TOKEN, smtp_user_name=SMTP_USER, message=message(b, html=..., from_name=...)
    )
    fn = send_mail.sync if api.mode == "sync" else send_mail.asyncio
    result = await run(fn(client=api.client.client, body=body))
    assert isinstance(api.client.client, b.Client)
    assert isinstance(result, b.SendResult)
    assert api.recorder.only.url.path == "/v1.0/messages/sendMail"


async def test_context_managers_close_the_pool(brand: BrandCase) -> None:
    recorder = Recorder([ok()])
    with build(brand, "sync", recorder) as client:
        client.send_mail(message(brand))
    assert client._http.is_closed
    async with build(brand, "async", recorder) as aclient:
        await aclient.send_mail(message(brand))
    assert aclient._http.is_closed
    assert len(recorder.requests) == 2


# --------------------------------------------------------------------------- errors in HTTP 200 bodies


def calls(api: Api) -> dict[str, Callable[[], Any]]:
    b = api.brand
    return {
        "send_mail": lambda: api.client.send_mail(message(b)),
        "send_template": lambda: api.client.send_template(template_message(b)),
        "get_message_info": lambda: api.client.get_message_info("order-42"),
        "send_template_http_get": lambda: doc_get(api),
    }


CALLS = ["send_mail", "send_template", "get_message_info", "send_template_http_get"]


@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize(
    ("name", "error_name"),
    [
        ("AuthenticationError", "AuthenticationError"),
        ("Invalid_Key", "AuthenticationError"),
        ("ValidationError", "BadRequestError"),
        ("GeneralError", "ServerError"),
        ("QuotaExceeded", "APIStatusError"),
    ],
)
async def test_http_200_error_envelope_raises_typed_error(api: Api, call: str, name: str, error_name: str) -> None:
    b = api.brand
    payload = {"status": "error", "code": -1, "name": name, "message": "Token MissMatch"}
    api.respond(ok(payload, headers={"x-request-id": "req-1"}))
    with pytest.raises(b.APIStatusError) as caught:
        await run(calls(api)[call]())
    error = caught.value
    assert type(error) is getattr(b, error_name)
    assert isinstance(error, b.ClientError)
    assert error.status_code == 200
    assert isinstance(error.error, b.ErrorEnvelope)
    assert (error.error.name, error.error.code, error.error.message) == (name, -1, "Token MissMatch")
    assert error.body == json.dumps(payload, separators=(",", ":")).encode()
    assert error.headers["x-request-id"] == "req-1"
    assert str(error) == f"{name}: Token MissMatch (HTTP 200)"
    assert len(api.requests) == 1  # an HTTP 200 error is never retried


async def test_error_decided_on_raw_status_not_on_parsed_class(api: Api) -> None:
    """An error body missing ``code`` parses as neither model; ``status: error`` still decides."""
    b = api.brand
    api.respond(ok({"status": "error", "type": "ValidationError", "message": "to is required"}))
    with pytest.raises(b.BadRequestError) as caught:
        await run(api.client.send_mail(message(b)))
    assert caught.value.error is None
    assert str(caught.value) == "ValidationError: to is required (HTTP 200)"


async def test_success_with_extra_fields_and_queued_status(api: Api) -> None:
    b = api.brand
    api.respond(ok({"status": "queued", "message": "250 Message Queued...", "id": 7}))
    result = await run(api.client.send_mail(message(b)))
    assert (result.status, result.additional_properties) == ("queued", {"id": 7})


async def test_string_error_code_is_accepted(api: Api) -> None:
    """PowerEmail's docs show ``"code": "-1"``; both brands accept it (SendClean's model does not check)."""
    b = api.brand
    api.respond(ok({"status": "error", "code": "-1", "name": "AuthenticationError", "message": "Token MissMatch"}))
    with pytest.raises(b.AuthenticationError) as caught:
        await run(api.client.send_mail(message(b)))
    assert caught.value.error.code == "-1"


# --------------------------------------------------------------------------- error statuses


ENVELOPE = {"status": "error", "code": -1, "name": "GeneralError", "message": "Something broke"}


@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize(
    ("status", "error_name"),
    [
        (400, "BadRequestError"),
        (401, "AuthenticationError"),
        (403, "AuthenticationError"),
        (404, "NotFoundError"),
        (422, "BadRequestError"),
        (429, "RateLimitError"),
        (500, "ServerError"),
        (503, "ServerError"),
    ],
)
async def test_error_status_with_envelope(api: Api, call: str, status: int, error_name: str) -> None:
    b = api.brand
    # Retry-After beyond max_retry_after (60 s): 429 and 503 are handed back at once, not retried
    api.respond(httpx.Response(status, json=ENVELOPE, headers={"retry-after": "120"}))
    with pytest.raises(b.APIStatusError) as caught:
        await run(calls(api)[call]())
    error = caught.value
    assert type(error) is getattr(b, error_name)  # the HTTP status decides for an error status
    assert error.status_code == status
    assert isinstance(error.error, b.ErrorEnvelope)
    assert error.error.name == "GeneralError"
    assert str(error) == f"GeneralError: Something broke (HTTP {status})"
    if status == 429:
        assert error.retry_after == 120.0  # longer than max_retry_after: handed over, not slept on


@pytest.mark.parametrize(
    ("status", "body", "content_type", "error_name"),
    [
        (502, b"<html><body>Bad Gateway</body></html>", "text/html", "ServerError"),
        (500, b'{"status": "error", "co', "application/json", "ServerError"),
        (404, b'["not", "an", "object"]', "application/json", "NotFoundError"),
        (520, b"<html>Web server returned an unknown error</html>", "text/html", "ServerError"),
        (400, b'{"detail": "not the platform envelope"}', "application/json", "BadRequestError"),
    ],
)
async def test_error_status_without_envelope(
    api: Api, status: int, body: bytes, content_type: str, error_name: str
) -> None:
    b = api.brand
    api.respond(raw(body, status, content_type))
    with pytest.raises(b.APIStatusError) as caught:
        await run(api.client.send_mail(message(b), retry=no_retry(b)))
    error = caught.value
    assert type(error) is getattr(b, error_name)  # 520: an unknown 5xx is a 500 (RFC 9110 §15)
    assert error.error is None
    assert error.body == body
    assert str(error) == f"POST https://api.{b.default_domain}/v1.0/messages/sendMail failed (HTTP {status})"


@pytest.mark.parametrize(
    ("status", "body"),
    [
        pytest.param(200, b"<!DOCTYPE html><html><body>Maintenance</body></html>", id="html"),
        pytest.param(200, b'{"status": "success", "mess', id="truncated-json"),
        pytest.param(200, b"", id="empty"),
        pytest.param(200, b'["success"]', id="json-array"),
        pytest.param(200, b'"success"', id="json-string"),
        pytest.param(200, b"\xff\xfe\x00", id="not-utf8"),
        pytest.param(200, b'{"status": "success"}', id="missing-message"),
        pytest.param(204, b"", id="204"),
        pytest.param(301, b"", id="redirect"),
    ],
)
@pytest.mark.parametrize("call", CALLS)
async def test_unparseable_response_raises_response_parse_error(api: Api, call: str, status: int, body: bytes) -> None:
    b = api.brand
    api.respond(raw(body, status))
    with pytest.raises(b.ResponseParseError) as caught:
        await run(calls(api)[call]())
    assert caught.value.status_code == status
    assert caught.value.body == body
    assert not isinstance(caught.value, (KeyError, json.JSONDecodeError))


async def test_message_info_with_wrong_shape_is_a_parse_error(api: Api) -> None:
    b = api.brand
    api.respond(ok({"status": "success", "message_data": "none"}))
    with pytest.raises(b.ResponseParseError):
        await run(api.client.get_message_info("order-42"))


# --------------------------------------------------------------------------- validation before I/O


def send_mail_case(**overrides: Any) -> Callable[[Api], Any]:
    return lambda api: api.client.send_mail(message(api.brand, **overrides))


def send_template_case(**overrides: Any) -> Callable[[Api], Any]:
    return lambda api: api.client.send_template(template_message(api.brand, **overrides))


def with_brand(build_value: Callable[[BrandCase], Any], kind: str = "mail", key: str = "to") -> Callable[[Api], Any]:
    def call(api: Api) -> Any:
        value = build_value(api.brand)
        if kind == "mail":
            return api.client.send_mail(message(api.brand, **{key: value}))
        return api.client.send_template(template_message(api.brand, **{key: value}))

    return call


def recipient(**fields: Any) -> Callable[[BrandCase], Any]:
    return lambda b: [b.Recipient(**{"email": "ann@example.com", **fields})]


def attachments(**fields: Any) -> Callable[[BrandCase], Any]:
    return lambda b: [b.Attachment(**{"type_": "text/plain", "name": "a.txt", "content": "ZXhhbXBsZSBmaWxl", **fields})]


def images(**fields: Any) -> Callable[[BrandCase], Any]:
    return lambda b: [b.InlineImage(**{"type_": "image/png", "name": "LOGO", "content": "ZGdmZGRkZ2Vy", **fields})]


def header_case(**named: Any) -> Callable[[BrandCase], Any]:
    return lambda b: headers(b, **named)


VALIDATION = [
    # sendMail content
    ("no-html-no-text", send_mail_case(html=..., text=...), "message.html"),
    ("empty-html-no-text", send_mail_case(html="", text=...), "message.html"),
    ("not-a-message", lambda api: api.client.send_mail({"text": "hi"}), "message"),
    ("template-to-send-mail", lambda api: api.client.send_mail(template_message(api.brand)), "message"),
    # recipients
    ("no-recipients", send_mail_case(to=...), "message.to"),
    ("empty-recipients", send_mail_case(to=[]), "message.to"),
    ("recipients-none", send_mail_case(to=None), "message.to"),
    ("recipient-dict", send_mail_case(to=[{"email": "ann@example.com"}]), "message.to[0]"),
    ("recipient-no-email", with_brand(recipient(email=" ")), "message.to[0].email"),
    ("recipient-email-crlf", with_brand(recipient(email="ann@example.com\r\nBcc: x@evil.test")), "message.to[0].email"),
    ("recipient-name-lf", with_brand(recipient(name="Ann\nBcc: x@evil.test")), "message.to[0].name"),
    ("recipient-type", with_brand(recipient(type_="reply")), "message.to[0].type"),
    # header injection
    ("subject-crlf", send_mail_case(subject="Hi\r\nBcc: x@evil.test"), "message.subject"),
    ("from-email-lf", send_mail_case(from_email="from@example.com\nBcc: x@evil.test"), "message.from_email"),
    ("from-name-cr", send_mail_case(from_name="Shop\rBcc: x"), "message.from_name"),
    (
        "reply-to-crlf",
        with_brand(header_case(reply_to="a@example.com\r\nX: y"), key="headers"),
        "message.headers['Reply-To']",
    ),
    ("unique-id-lf", with_brand(header_case(x_unique_id="id\nX: y"), key="headers"), "message.headers['X-Unique-Id']"),
    (
        "custom-header-value",
        with_brand(header_case(extra={"X-Campaign": "a\r\nb"}), key="headers"),
        "message.headers['X-Campaign']",
    ),
    ("custom-header-name", with_brand(header_case(extra={"X-A\nB": "v"}), key="headers"), "message.headers['X-A\\nB']"),
    ("headers-dict", send_mail_case(headers={"Reply-To": "a@example.com"}), "message.headers"),
    # attachments and images
    (
        "attachment-not-base64",
        with_brand(attachments(content="not base64!"), key="attachments"),
        "message.attachments[0].content",
    ),
    (
        "attachment-name-crlf",
        with_brand(attachments(name="a.txt\r\nX: y"), key="attachments"),
        "message.attachments[0].name",
    ),
    (
        "attachment-type-lf",
        with_brand(attachments(type_="text/plain\nX: y"), key="attachments"),
        "message.attachments[0].type",
    ),
    ("attachments-none", send_mail_case(attachments=None), "message.attachments"),
    ("image-type", with_brand(images(type_="application/pdf"), key="images"), "message.images[0].type"),
    ("image-doc-content", with_brand(images(content="dgfdddger"), key="images"), "message.images[0].content"),
    ("image-name-lf", with_brand(images(name="LOGO\nX: y"), key="images"), "message.images[0].name"),
    (
        "second-image",
        lambda api: api.client.send_mail(
            message(api.brand, images=[*images()(api.brand), *images(type_="text/html")(api.brand)])
        ),
        "message.images[1].type",
    ),
    # sendTemplate
    ("template-id-empty", send_template_case(template_id=""), "message.template_id"),
    ("template-no-recipients", send_template_case(to=[]), "message.to"),
    ("template-subject-crlf", send_template_case(subject="a\r\nb"), "message.subject"),
    (
        "template-image-type",
        with_brand(images(type_="text/plain"), kind="template", key="images"),
        "message.images[0].type",
    ),
    ("template-dynamic-dict", send_template_case(dynamic_value={"NAME": "xyz"}), "message.dynamic_value"),
    ("message-to-send-template", lambda api: api.client.send_template(message(api.brand)), "message"),
    # getMessageInfo
    ("x-unique-id-empty", lambda api: api.client.get_message_info(""), "x_unique_id"),
    ("skip-page-negative", lambda api: api.client.get_message_info("order-42", skip_page=-1), "skip_page"),
    ("skip-page-bool", lambda api: api.client.get_message_info("order-42", skip_page=True), "skip_page"),
    ("skip-page-str", lambda api: api.client.get_message_info("order-42", skip_page="1"), "skip_page"),
    # sendTemplateHTTPGet
    ("get-template-id", lambda api: doc_get(api, template_id=""), "template_id"),
    ("get-to-empty", lambda api: doc_get(api, to=""), "to"),
    ("get-to-crlf", lambda api: doc_get(api, to="info@example.com\r\nBcc: x@evil.test"), "to"),
    ("get-subject-empty", lambda api: doc_get(api, subject=" "), "subject"),
    ("get-subject-lf", lambda api: doc_get(api, subject="hello\nBcc: x"), "subject"),
    ("get-from-email-cr", lambda api: doc_get(api, from_email="hello@example.com\r"), "from_email"),
    ("get-dynamic-name", lambda api: doc_get(api, dynamic_value={"a]b": "x"}), "dynamic_value['a]b']"),
    ("get-dynamic-value", lambda api: doc_get(api, dynamic_value={"n": 5}), "dynamic_value['n']"),
    # smtp_user_name
    ("smtp-user-lf", lambda api: api.client.send_mail(message(api.brand), smtp_user_name="u\nX"), "smtp_user_name"),
    (
        "smtp-user-blank",
        lambda api: api.client.send_template(template_message(api.brand), smtp_user_name=" "),
        "smtp_user_name",
    ),
]


@pytest.mark.parametrize(("case", "field_name"), [pytest.param(c, f, id=i) for i, c, f in VALIDATION])
async def test_validation_names_the_field_and_sends_nothing(
    api: Api, case: Callable[[Api], Any], field_name: str
) -> None:
    b = api.brand
    with pytest.raises(b.InvalidRequestError) as caught:
        await run(case(api))
    assert caught.value.field == field_name
    assert str(caught.value).startswith(f"{field_name}: ")
    assert isinstance(caught.value, ValueError)
    assert api.requests == []


@pytest.mark.parametrize("call", ["send_mail", "send_template", "send_template_http_get"])
async def test_missing_smtp_user_name(brand: BrandCase, call: str) -> None:
    recorder = Recorder([ok()])
    api = Api(brand, "sync", recorder, build(brand, "sync", recorder, smtp_user_name=None))
    with pytest.raises(brand.InvalidRequestError) as caught:
        calls(api)[call]() if call != "send_template_http_get" else doc_get(api, smtp_user_name=None)
    assert caught.value.field == "smtp_user_name"
    assert brand.env("SMTP_USER_NAME") in str(caught.value)
    assert recorder.requests == []


def test_smtp_user_name_from_environment(brand: BrandCase, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(brand.env("SMTP_USER_NAME"), "env-user")
    recorder = Recorder([ok()])
    client = build(brand, "sync", recorder, smtp_user_name=None)
    assert client.smtp_user_name == "env-user"
    client.send_mail(message(brand))
    assert json.loads(recorder.only.content)["smtp_user_name"] == "env-user"


def test_text_only_and_html_only_messages_pass(brand: BrandCase) -> None:
    recorder = Recorder([ok()])
    client = build(brand, "sync", recorder)
    client.send_mail(message(brand, html=..., from_name=...))
    client.send_mail(message(brand, text=...))
    mime_base64 = "ZXhh\r\nbXBs\r\nZSBmaWxl"  # line-wrapped base64, as MIME writes it, is accepted
    client.send_mail(message(brand, attachments=attachments(content=mime_base64)(brand)))
    assert len(recorder.requests) == 3


# --------------------------------------------------------------------------- configuration


@pytest.mark.parametrize(
    ("missing", "argument"),
    [("OWNER_ID", "owner_id"), ("TOKEN", "token")],
)
def test_missing_credential_names_argument_and_env_var(
    brand: BrandCase, monkeypatch: pytest.MonkeyPatch, missing: str, argument: str
) -> None:
    monkeypatch.setenv(brand.env("OWNER_ID"), OWNER)
    monkeypatch.setenv(brand.env("TOKEN"), TOKEN)
    monkeypatch.delenv(brand.env(missing))
    for cls in (brand.sync_cls, brand.async_cls):
        with pytest.raises(brand.ConfigurationError) as caught:
            cls()
        assert argument in str(caught.value)
        assert brand.env(missing) in str(caught.value)
        assert TOKEN not in str(caught.value)


def test_blank_credential_is_missing(brand: BrandCase) -> None:
    with pytest.raises(brand.ConfigurationError, match=brand.env("TOKEN")):
        brand.sync_cls(OWNER, "  ")


def test_configuration_from_environment(brand: BrandCase, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(brand.env("OWNER_ID"), "env-owner")
    monkeypatch.setenv(brand.env("TOKEN"), "env-token-1234567")
    monkeypatch.setenv(brand.env("APP_DOMAIN"), "eu1-mta2.example.net")
    recorder = Recorder([ok()])
    client = brand.sync_cls(smtp_user_name="u", transport=httpx.MockTransport(recorder))
    assert client.base_url == "https://api.eu1-mta2.example.net/v1.0"
    assert client.owner_id == "env-owner"
    client.send_mail(message(brand))
    body = json.loads(recorder.only.content)
    assert (body["owner_id"], body["token"]) == ("env-owner", "env-token-1234567")
    assert str(recorder.only.url) == "https://api.eu1-mta2.example.net/v1.0/messages/sendMail"


def test_arguments_win_over_environment(brand: BrandCase, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(brand.env("APP_DOMAIN"), "env.example.net")
    client = brand.sync_cls(OWNER, TOKEN, "arg.example.net")
    assert client.base_url == "https://api.arg.example.net/v1.0"


def test_default_app_domain_is_the_specs_server_default(brand: BrandCase) -> None:
    spec = yaml.safe_load((ROOT / "specs" / f"{brand.key}.yaml").read_text(encoding="utf-8"))
    server = spec["servers"][0]
    expected = server["url"].replace("{appDomain}", server["variables"]["appDomain"]["default"])
    assert brand.sync_cls(OWNER, TOKEN).base_url == expected == f"https://api.{brand.default_domain}/v1.0"


@pytest.mark.parametrize("source", ["argument", "environment"])
def test_base_url_override_for_the_sandbox(brand: BrandCase, monkeypatch: pytest.MonkeyPatch, source: str) -> None:
    url = f"http://127.0.0.1:8025/{brand.key}/v1.0/"
    if source == "environment":
        monkeypatch.setenv(brand.env("BASE_URL"), url)
    recorder = Recorder([ok(DOC_MESSAGE_INFO)])
    options = {"base_url": url} if source == "argument" else {}
    client = build(brand, "sync", recorder, app_domain="ignored.example.net", **options)
    client.get_message_info("order-42")
    assert str(recorder.only.url) == f"http://127.0.0.1:8025/{brand.key}/v1.0/messages/getMessageInfo"


@pytest.mark.parametrize(
    "domain", ["https://us1-mta1.sendclean.net", "api.example.net/v1.0", "a b.example.net", "-x.net"]
)
def test_bad_app_domain(brand: BrandCase, domain: str) -> None:
    with pytest.raises(brand.ConfigurationError) as caught:
        brand.sync_cls(OWNER, TOKEN, domain)
    assert brand.env("APP_DOMAIN") in str(caught.value)


def test_bad_base_url(brand: BrandCase) -> None:
    with pytest.raises(brand.ConfigurationError, match=brand.env("BASE_URL")):
        brand.sync_cls(OWNER, TOKEN, base_url="localhost:8025/v1.0")


def test_platform_base_class_needs_a_brand(brand: BrandCase) -> None:
    platform = __import__(f"{brand.package.__name__}._platform", fromlist=["PlatformClient"])
    with pytest.raises(TypeError, match="brand"):
        platform.PlatformClient(OWNER, TOKEN)


def test_timeout_and_retry_defaults(brand: BrandCase) -> None:
    client = brand.sync_cls(OWNER, TOKEN)
    assert client.timeout == brand.DEFAULT_TIMEOUT == httpx.Timeout(30.0, connect=5.0)
    assert client.retry == brand.RetryPolicy() and client.retry.max_retries == 2
    assert brand.sync_cls(OWNER, TOKEN, timeout=3).timeout == httpx.Timeout(3)


async def test_per_call_timeout_reaches_the_request(api: Api) -> None:
    await run(api.client.send_mail(message(api.brand), timeout=2.5))
    assert api.recorder.only.extensions["timeout"] == {"connect": 2.5, "read": 2.5, "write": 2.5, "pool": 2.5}


# --------------------------------------------------------------------------- the legacy GET is a send


async def test_legacy_get_not_retried_after_possible_delivery(api: Api) -> None:
    b = api.brand
    api.respond(raw(b"<html>Internal Server Error</html>", 500, "text/html"), ok())
    with pytest.raises(b.ServerError):
        await run(doc_get(api, retry=fast_retry(b)))
    assert len(api.requests) == 1  # a plain GET would have been repeated

    api.requests.clear()
    api.respond(httpx.ReadTimeout("timed out"), ok())
    with pytest.raises(b.APITimeoutError) as caught:
        await run(doc_get(api, retry=fast_retry(b)))
    assert caught.value.may_have_been_sent is True
    assert len(api.requests) == 1


async def test_legacy_get_retried_when_provably_not_processed(api: Api) -> None:
    b = api.brand
    api.respond(httpx.ConnectError("refused"), httpx.Response(503), ok())
    result = await run(doc_get(api, retry=fast_retry(b)))
    assert isinstance(result, b.SendResult)
    assert len(api.requests) == 3


async def test_legacy_get_retry_sends_opt_in(api: Api) -> None:
    b = api.brand
    api.respond(httpx.Response(500), ok())
    await run(doc_get(api, retry=fast_retry(b, retry_sends=True)))
    assert len(api.requests) == 2


def test_client_policy_applies_to_legacy_get_as_a_send(brand: BrandCase) -> None:
    recorder = Recorder([httpx.Response(500), ok()])
    client = build(brand, "sync", recorder, retry=fast_retry(brand))
    with pytest.raises(brand.ServerError):
        doc_get(Api(brand, "sync", recorder, client))
    assert len(recorder.requests) == 1
    # the same client still repeats an ordinary idempotent GET through the generated functions
    recorder.requests.clear()
    recorder.responses[:] = [httpx.Response(500), ok()]
    client._http.get("/messages/sendTemplateHTTPGet")
    assert len(recorder.requests) == 2


async def test_send_post_not_retried_after_500(api: Api) -> None:
    b = api.brand
    api.respond(httpx.Response(500, json=ENVELOPE), ok())
    with pytest.raises(b.ServerError):
        await run(api.client.send_mail(message(b), retry=fast_retry(b)))
    assert len(api.requests) == 1


# --------------------------------------------------------------------------- redaction


def assert_no_token(*texts: str) -> None:
    for text in texts:
        for marker in SECRET_MARKERS:
            assert marker not in text, text


async def test_repr_shows_owner_id_not_token(api: Api) -> None:
    text = repr(api.client)
    assert text == (
        f"{api.brand.sync_name if api.mode == 'sync' else api.brand.async_name}"
        f"(base_url='https://api.{api.brand.default_domain}/v1.0', auth='owner_id={OWNER}, token=*** (body fields)')"
    )
    assert_no_token(text, str(api.client), repr(api.client._settings), repr(api.client.client))


async def test_legacy_get_log_lines_mask_the_token(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    b = api.brand
    caplog.set_level(logging.DEBUG)
    api.respond(httpx.Response(503), ok())
    await run(doc_get(api, retry=fast_retry(b)))
    lines = [r.getMessage() for r in caplog.records]
    requests = [line for line in lines if line.startswith("HTTP Request: GET ")]
    assert len(requests) == 1  # httpx logs the final answer; the retry transport logs the 503
    masked = DOC_GET_QUERY.replace(f"&token={TOKEN}&", "&token=***&")
    url = f"https://api.{b.default_domain}/v1.0/messages/sendTemplateHTTPGet?{masked}"
    assert requests == [f'HTTP Request: GET {url} "HTTP/1.1 200 OK"']
    assert any(line.startswith("retrying GET ") and "token=***" in line for line in lines)
    assert_no_token(caplog.text, *lines)


@pytest.mark.parametrize(
    "response",
    [
        pytest.param(
            ok({"status": "error", "code": -1, "name": "AuthenticationError", "message": f"Token MissMatch: {TOKEN}"}),
            id="200-envelope",
        ),
        pytest.param(
            httpx.Response(
                401, json={"status": "error", "code": -1, "name": "AuthenticationError", "message": f"bad {TOKEN}"}
            ),
            id="401-envelope",
        ),
        pytest.param(
            raw(
                f"<html>Blocked: /v1.0/messages/sendTemplateHTTPGet?owner_id={OWNER}&token={TOKEN}</html>".encode(),
                200,
                "text/html",
            ),
            id="200-html-echo",
        ),
        pytest.param(raw(f"<html>Blocked ?token={TOKEN}</html>".encode(), 502, "text/html"), id="502-html-echo"),
        pytest.param(httpx.ConnectError(f"cannot reach https://api.example/?token={TOKEN}"), id="connect-error"),
        pytest.param(httpx.ReadTimeout(f"read timed out for token {TOKEN}"), id="read-timeout"),
    ],
)
async def test_legacy_get_errors_mask_the_token(
    api: Api, caplog: pytest.LogCaptureFixture, response: httpx.Response | Exception
) -> None:
    b = api.brand
    caplog.set_level(logging.DEBUG)
    api.respond(response)
    with pytest.raises(b.ClientError) as caught:
        await run(doc_get(api, retry=no_retry(b)))
    error = caught.value
    texts = [str(error), repr(error), str(error.args), caplog.text]
    if isinstance(error, b.APIConnectionError):
        assert "token=***" in error.url
        texts.append(error.url)
    assert_no_token(*texts)


# --------------------------------------------------------------------------- the two brands


def test_poweremail_requires_skip_page_in_the_generated_model() -> None:
    with pytest.raises(TypeError):
        poweremail_client.models.GetMessageInfoRequest(owner_id=OWNER, token=TOKEN, x_unique_id="x")  # type: ignore[call-arg]
    sendclean = sendclean_client.models.GetMessageInfoRequest(owner_id=OWNER, token=TOKEN, x_unique_id="x")
    assert sendclean.to_dict()["skip_page"] == 0


def test_error_code_is_a_number_or_a_string_in_both_specs() -> None:
    assert poweremail_client.models.ErrorEnvelope.__annotations__["code"] == "int | str"
    assert sendclean_client.models.ErrorEnvelope.__annotations__["code"] == "int | str"


def test_brands_are_separate() -> None:
    assert not issubclass(poweremail_client.ClientError, sendclean_client.ClientError)
    with pytest.raises(poweremail_client.ClientError):  # catching one brand's errors skips the other's
        try:
            raise poweremail_client.AuthenticationError("x", status_code=200, error=None, body=b"", headers={})
        except sendclean_client.ClientError:
            pytest.fail("a PowerEmail error was caught as a SendClean error")
    assert sendclean_client.SendCleanError is sendclean_client.ClientError
    assert poweremail_client.PowerEmailError is poweremail_client.ClientError
    assert sendclean_client.SendClean.brand.env("TOKEN") == "SENDCLEAN_TOKEN"
    assert poweremail_client.PowerEmail.brand.env("TOKEN") == "POWEREMAIL_TOKEN"
    assert not issubclass(poweremail_client.PowerEmail, sendclean_client.SendClean)


def test_exports(brand: BrandCase) -> None:
    package = brand.package
    for name in package.__all__:
        assert getattr(package, name) is not None, name
    assert set(package.__all__) <= set(dir(package))
    for name in (brand.sync_name, brand.async_name, "RetryPolicy", "DEFAULT_TIMEOUT", "Client", "AuthenticatedClient"):
        assert name in package.__all__
    assert getattr(package, f"{brand.sync_name}Error") is package.ClientError


def test_import_is_lazy(brand: BrandCase) -> None:
    name = brand.package.__name__
    code = f"import sys, {name}; assert '{name}._platform' not in sys.modules; {name}.{brand.sync_name}; assert '{name}._platform' in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
