"""The SendClean platform's validation and decoding rules, as pure functions: no client, no transport.

The platform code is written once (overlays/_platform) and copied into ``sendclean_client`` and
``poweremail_client``; its rules are tested here once, through ``sendclean_client``, and
``test_poweremail_differs_only_in_its_brand`` checks that the copy differs only in the ``Brand``.
No error's str()/repr() may show body bytes (the CANARY), only the vendor's own words, and never the token.
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Callable
from typing import Any

import attrs
import httpx
import poweremail_client
import poweremail_client._brand
import poweremail_client._operations
import pytest
import sendclean_client
import sendclean_client._brand
from sendclean_client import _operations as ops
from sendclean_client._runtime.calls import Call, SentMessage
from sendclean_client._runtime.decode import Reply
from sendclean_client._runtime.errors import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    InvalidRequestError,
    NotFoundError,
    RateLimitError,
    ResponseParseError,
    ServerError,
)
from sendclean_client._runtime.redact import Redactor
from sendclean_client.models import (
    Attachment,
    ErrorEnvelope,
    InlineImage,
    Message,
    MessageHeaders,
    MessageInfoItem,
    MessageInfoResult,
    Recipient,
    SendResult,
    TemplateMessage,
    TrackingEvents,
)
from sendclean_client.types import UNSET

BRAND = sendclean_client._brand.BRAND
SECRET = "a-secret-key-123"  # the token
CANARY = "CANARY-PHI-4711@example.com"
OWNER = "acct-4711"
SMTP_USER = "smtp-user-1"
BASE = "https://api.us1-mta1.sendclean.net/v1.0"
SETTINGS = ops.Settings(BRAND, BASE, OWNER, SECRET, SMTP_USER)
QUEUED = b'{"status":"success","message":"message have been Queued ... "}'
HEX32 = re.compile(r"[0-9a-f]{32}")
DOC_MESSAGE_INFO = {
    "status": "success",
    "message_data": [
        {
            "subject": "this is subject ..",
            "sender": "xyz@SendClean.com",
            "email": CANARY,
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


# --------------------------------------------------------------------------- helpers


def message(**overrides: Any) -> Message:
    """A valid sendMail message whose recipient and subject are the CANARY (``...`` drops a field)."""
    fields: dict[str, Any] = {
        "html": f"<p>Hi {CANARY}</p>",
        "text": f"Hi {CANARY}",
        "subject": f"Welcome {CANARY}",
        "from_email": "from@example.com",
        "from_name": "Example Shop",
        "to": [Recipient(email=CANARY, name="Ann", type_="to")],
    }
    fields.update(overrides)
    return Message(**{k: v for k, v in fields.items() if v is not ...})


def template_message(**overrides: Any) -> TemplateMessage:
    fields: dict[str, Any] = {
        "template_id": "welcome-1",
        "subject": f"Welcome {CANARY}",
        "from_email": "from@example.com",
        "to": [Recipient(email=CANARY)],
    }
    fields.update(overrides)
    return TemplateMessage(**{k: v for k, v in fields.items() if v is not ...})


def headers(*, extra: dict[str, str] | None = None, **named: Any) -> MessageHeaders:
    result = MessageHeaders(**named)
    result.additional_properties.update(extra or {})
    return result


def http_get(settings: ops.Settings = SETTINGS, **overrides: Any) -> Call[SendResult]:
    """The vendor doc's sendTemplateHTTPGet example."""
    arguments: dict[str, Any] = {
        "template_id": "template_id",
        "to": CANARY,
        "subject": "hello",
        "from_email": "hello@example.com",
        "dynamic_value": {"NAME": "xyz", "Email": CANARY},
        "smtp_user_name": "smtp123456",
    }
    arguments.update(overrides)
    return ops.send_template_http_get_request(settings, **arguments)


def reply(call: Call[Any], status: int, body: bytes, headers: dict[str, str] | None = None) -> Reply:
    """The answer ``status``/``body`` to the request ``call`` describes, as the client would decode it."""
    kwargs = call.request
    request = httpx.Request(kwargs["method"].upper(), BASE + kwargs["url"], params=kwargs.get("params"))
    response = httpx.Response(status, content=body, headers=headers or {}, request=request)
    return Reply(response, Redactor([SECRET]), delivers=call.delivers)


def assert_private(error: BaseException) -> None:
    """No body bytes (the CANARY) and no token in what a user would print or log."""
    for text in (str(error), repr(error), str(error.args)):
        assert CANARY not in text, text
        assert SECRET not in text, text


def encode(payload: Any) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()


# The decoders, each with the request it answers: a send's (its id is the X-Unique-Id the request
# carried), getMessageInfo's, and the legacy GET's (the token travels in its query string).
UID = "order-42"
DECODERS: dict[str, tuple[Callable[[], Call[Any]], Callable[[Reply], Any]]] = {
    "send_mail": (lambda: ops.send_mail_request(SETTINGS, message(), None), ops.sent_decoder(UID)),
    "get_message_info": (lambda: ops.get_message_info_request(SETTINGS, CANARY, 0), ops.decode_message_info),
    "send_template_http_get": (http_get, ops.decode_send_result),
}
URLS = {
    "send_mail": f"POST {BASE}/messages/sendMail",
    "get_message_info": f"POST {BASE}/messages/getMessageInfo",
    "send_template_http_get": f"GET {BASE}/messages/sendTemplateHTTPGet",  # without the query (the token)
}


def decode(name: str, status: int, body: bytes, headers: dict[str, str] | None = None) -> Any:
    build, decoder = DECODERS[name]
    return decoder(reply(build(), status, body, headers))


# --------------------------------------------------------------------------- the requests


def test_builders_describe_the_request_and_whether_it_delivers() -> None:
    msg = message(headers=headers(reply_to="reply@example.com", x_unique_id=UID))
    send = ops.send_mail_request(SETTINGS, msg, None)
    assert (send.request["method"], send.request["url"], send.delivers) == ("post", "/messages/sendMail", True)
    assert send.request["json"] == {
        "owner_id": OWNER,
        "token": SECRET,
        "smtp_user_name": SMTP_USER,
        "message": msg.to_dict(),
    }

    template = ops.send_template_request(SETTINGS, template_message(), "smtp12345")
    assert (template.request["url"], template.delivers) == ("/messages/sendTemplate", True)
    assert template.request["json"]["smtp_user_name"] == "smtp12345"  # the per-call name wins

    info = ops.get_message_info_request(SETTINGS, UID, 3)
    assert (info.request["method"], info.request["url"], info.delivers) == ("post", "/messages/getMessageInfo", False)
    assert info.request["json"] == {"owner_id": OWNER, "token": SECRET, "x_unique_id": UID, "skip_page": 3}
    assert info.decode is ops.decode_message_info

    get = http_get()
    assert (get.request["method"], get.request["url"]) == ("get", "/messages/sendTemplateHTTPGet")
    assert get.delivers is True  # the legacy GET sends an email: never repeated once it may have arrived
    assert get.decode is ops.decode_send_result
    assert list(get.request["params"].items()) == [
        ("owner_id", OWNER),
        ("token", SECRET),
        ("smtp_user_name", "smtp123456"),
        ("template_id", "template_id"),
        ("subject", "hello"),
        ("from_email", "hello@example.com"),
        ("to", CANARY),
        ("dynamic_value[NAME]", "xyz"),
        ("dynamic_value[Email]", CANARY),
    ]


@pytest.mark.parametrize("values", [None, {}])
def test_legacy_get_without_dynamic_values(values: dict[str, str] | None) -> None:
    assert not any(name.startswith("dynamic_value") for name in http_get(dynamic_value=values).request["params"])


# --------------------------------------------------------------------------- the X-Unique-Id


# send -> (the message for given headers, the builder)
SENDS: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Call[SentMessage[SendResult]]]]] = {
    "send_mail": (
        lambda given: message(headers=given),
        lambda msg: ops.send_mail_request(SETTINGS, msg, None),
    ),
    "send_template": (
        lambda given: template_message(headers=given),
        lambda msg: ops.send_template_request(SETTINGS, msg, None),
    ),
}


def _sent_id(call: Call[SentMessage[SendResult]]) -> str:
    """The id the decoder reports for an accepted send, checked against the one in the request body."""
    sent = call.decode(reply(call, 200, QUEUED))
    assert isinstance(sent, SentMessage) and isinstance(sent.response, SendResult)
    assert sent.id == call.request["json"]["message"]["headers"]["X-Unique-Id"]
    return sent.id


@pytest.mark.parametrize("send", list(SENDS))
def test_a_callers_x_unique_id_is_kept(send: str) -> None:
    make, build = SENDS[send]
    call = build(make(headers(x_unique_id=UID, reply_to="reply@example.com")))
    assert _sent_id(call) == UID
    assert call.request["json"]["message"]["headers"] == {"X-Unique-Id": UID, "Reply-To": "reply@example.com"}


GIVEN_HEADERS: dict[str, Callable[[], Any]] = {
    "no-headers": lambda: UNSET,
    "headers-without-id": lambda: headers(reply_to="reply@example.com"),
    "blank-id": lambda: headers(x_unique_id="  ", reply_to="reply@example.com"),
}


@pytest.mark.parametrize("send", list(SENDS))
@pytest.mark.parametrize("given", list(GIVEN_HEADERS))
def test_a_random_x_unique_id_goes_to_a_copy(send: str, given: str) -> None:
    make, build = SENDS[send]
    original = GIVEN_HEADERS[given]()
    msg = make(original)
    before = msg.to_dict()
    call = build(msg)
    unique_id = _sent_id(call)
    assert HEX32.fullmatch(unique_id)
    kept = {} if given == "no-headers" else {"Reply-To": "reply@example.com"}
    assert call.request["json"]["message"]["headers"] == {**kept, "X-Unique-Id": unique_id}
    assert msg.headers is original and msg.to_dict() == before  # the caller's message is not changed
    if given != "no-headers":
        assert original.x_unique_id == ("  " if given == "blank-id" else UNSET)
    assert _sent_id(build(msg)) != unique_id  # a new id for every send


# --------------------------------------------------------------------------- validation before I/O


def _mail(**overrides: Any) -> Callable[[], object]:
    return lambda: ops.send_mail_request(SETTINGS, message(**overrides), None)


def _template(**overrides: Any) -> Callable[[], object]:
    return lambda: ops.send_template_request(SETTINGS, template_message(**overrides), None)


def _recipient(**fields: Any) -> list[Recipient]:
    return [Recipient(**{"email": CANARY, **fields})]


def _attachment(**fields: Any) -> Attachment:
    return Attachment(**{"type_": "text/plain", "name": "a.txt", "content": "ZXhhbXBsZSBmaWxl", **fields})


def _image(**fields: Any) -> InlineImage:
    return InlineImage(**{"type_": "image/png", "name": "LOGO", "content": "ZGdmZGRkZ2Vy", **fields})


VALIDATION: list[tuple[str, Callable[[], object], str]] = [
    # sendMail content
    ("no-html-no-text", _mail(html=..., text=...), "message.html"),
    ("empty-html-no-text", _mail(html="", text=...), "message.html"),
    ("not-a-message", lambda: ops.send_mail_request(SETTINGS, {"text": "hi"}, None), "message"),  # type: ignore[arg-type]
    ("template-to-send-mail", lambda: ops.send_mail_request(SETTINGS, template_message(), None), "message"),  # type: ignore[arg-type]
    # recipients
    ("no-recipients", _mail(to=...), "message.to"),
    ("empty-recipients", _mail(to=[]), "message.to"),
    ("recipients-none", _mail(to=None), "message.to"),
    ("recipient-dict", _mail(to=[{"email": CANARY}]), "message.to[0]"),
    ("recipient-no-email", _mail(to=_recipient(email=" ")), "message.to[0].email"),
    ("recipient-email-crlf", _mail(to=_recipient(email=f"{CANARY}\r\nBcc: x@evil.test")), "message.to[0].email"),
    ("recipient-name-lf", _mail(to=_recipient(name=f"Ann {CANARY}\nBcc: x@evil.test")), "message.to[0].name"),
    ("recipient-type", _mail(to=_recipient(type_="reply")), "message.to[0].type"),
    # header injection
    ("subject-crlf", _mail(subject=f"Hi {CANARY}\r\nBcc: x@evil.test"), "message.subject"),
    ("from-email-lf", _mail(from_email=f"{CANARY}\nBcc: x@evil.test"), "message.from_email"),
    ("from-name-cr", _mail(from_name="Shop\rBcc: x"), "message.from_name"),
    ("reply-to-crlf", _mail(headers=headers(reply_to=f"{CANARY}\r\nX: y")), "message.headers['Reply-To']"),
    ("unique-id-lf", _mail(headers=headers(x_unique_id="id\nX: y")), "message.headers['X-Unique-Id']"),
    (
        "custom-header-value",
        _mail(headers=headers(extra={"X-Campaign": f"{CANARY}\r\nb"})),
        "message.headers['X-Campaign']",
    ),
    ("custom-header-name", _mail(headers=headers(extra={"X-A\nB": "v"})), "message.headers['X-A\\nB']"),
    ("headers-dict", _mail(headers={"Reply-To": "a@example.com"}), "message.headers"),
    # attachments and images
    (
        "attachment-not-base64",
        _mail(attachments=[_attachment(content="not base64!")]),
        "message.attachments[0].content",
    ),
    ("attachment-name-crlf", _mail(attachments=[_attachment(name="a.txt\r\nX: y")]), "message.attachments[0].name"),
    ("attachment-type-lf", _mail(attachments=[_attachment(type_="text/plain\nX: y")]), "message.attachments[0].type"),
    ("attachments-none", _mail(attachments=None), "message.attachments"),
    ("image-type", _mail(images=[_image(type_="application/pdf")]), "message.images[0].type"),
    ("image-doc-content", _mail(images=[_image(content="dgfdddger")]), "message.images[0].content"),
    ("image-name-lf", _mail(images=[_image(name="LOGO\nX: y")]), "message.images[0].name"),
    ("second-image", _mail(images=[_image(), _image(type_="text/html")]), "message.images[1].type"),
    # sendTemplate
    ("template-id-empty", _template(template_id=""), "message.template_id"),
    ("template-no-recipients", _template(to=[]), "message.to"),
    ("template-subject-crlf", _template(subject=f"a {CANARY}\r\nb"), "message.subject"),
    ("template-image-type", _template(images=[_image(type_="text/plain")]), "message.images[0].type"),
    ("template-dynamic-dict", _template(dynamic_value={"NAME": "xyz"}), "message.dynamic_value"),
    ("message-to-send-template", lambda: ops.send_template_request(SETTINGS, message(), None), "message"),  # type: ignore[arg-type]
    # getMessageInfo
    ("x-unique-id-empty", lambda: ops.get_message_info_request(SETTINGS, "", 0), "x_unique_id"),
    ("skip-page-negative", lambda: ops.get_message_info_request(SETTINGS, UID, -1), "skip_page"),
    ("skip-page-bool", lambda: ops.get_message_info_request(SETTINGS, UID, True), "skip_page"),
    ("skip-page-str", lambda: ops.get_message_info_request(SETTINGS, UID, "1"), "skip_page"),  # type: ignore[arg-type]
    # sendTemplateHTTPGet
    ("get-template-id", lambda: http_get(template_id=""), "template_id"),
    ("get-to-empty", lambda: http_get(to=""), "to"),
    ("get-to-crlf", lambda: http_get(to=f"{CANARY}\r\nBcc: x@evil.test"), "to"),
    ("get-subject-empty", lambda: http_get(subject=" "), "subject"),
    ("get-subject-lf", lambda: http_get(subject=f"hello {CANARY}\nBcc: x"), "subject"),
    ("get-from-email-cr", lambda: http_get(from_email=f"{CANARY}\r"), "from_email"),
    ("get-dynamic-name", lambda: http_get(dynamic_value={"a]b": "x"}), "dynamic_value['a]b']"),
    ("get-dynamic-value", lambda: http_get(dynamic_value={"n": 5}), "dynamic_value['n']"),
    # smtp_user_name
    ("smtp-user-lf", lambda: ops.send_mail_request(SETTINGS, message(), "u\nX"), "smtp_user_name"),
    ("smtp-user-blank", lambda: ops.send_template_request(SETTINGS, template_message(), " "), "smtp_user_name"),
]


@pytest.mark.parametrize(("build", "field"), [c[1:] for c in VALIDATION], ids=[c[0] for c in VALIDATION])
def test_validation_names_the_field(build: Callable[[], object], field: str) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        build()
    assert caught.value.field == field, str(caught.value)
    assert str(caught.value).startswith(f"{field}: ")
    assert isinstance(caught.value, ValueError)
    assert_private(caught.value)


NO_USER = ops.Settings(BRAND, BASE, OWNER, SECRET, None)


@pytest.mark.parametrize(
    "build",
    [
        lambda: ops.send_mail_request(NO_USER, message(), None),
        lambda: ops.send_template_request(NO_USER, template_message(), None),
        lambda: http_get(NO_USER, smtp_user_name=None),
    ],
    ids=["send_mail", "send_template", "send_template_http_get"],
)
def test_missing_smtp_user_name_says_where_to_set_it(build: Callable[[], object]) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        build()
    assert caught.value.field == "smtp_user_name"
    assert "SendClean(...)" in str(caught.value) and "SENDCLEAN_SMTP_USER_NAME" in str(caught.value)


@pytest.mark.parametrize(
    "msg",
    [
        message(html=..., from_name=...),
        message(text=...),
        message(
            attachments=[_attachment(content="ZXhh\r\nbXBs\r\nZSBmaWxl")]
        ),  # line-wrapped base64, as MIME writes it
    ],
    ids=["text-only", "html-only", "wrapped-base64"],
)
def test_messages_that_pass(msg: Message) -> None:
    assert ops.send_mail_request(SETTINGS, msg, None).request["json"]["message"]["to"] == [
        {"email": CANARY, "name": "Ann", "type": "to"}
    ]


# --------------------------------------------------------------------------- settings


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for setting in ("OWNER_ID", "TOKEN", "APP_DOMAIN", "SMTP_USER_NAME", "BASE_URL"):
        monkeypatch.delenv(BRAND.env(setting), raising=False)
    return monkeypatch


def test_settings_defaults_environment_and_arguments(clean_env: pytest.MonkeyPatch) -> None:
    assert ops.settings(BRAND, OWNER, SECRET, None, None, None).base_url == BASE  # the spec's default server
    clean_env.setenv("SENDCLEAN_OWNER_ID", "env-owner")
    clean_env.setenv("SENDCLEAN_TOKEN", "env-token-1234567")
    clean_env.setenv("SENDCLEAN_APP_DOMAIN", "eu1-mta2.example.net")
    clean_env.setenv("SENDCLEAN_SMTP_USER_NAME", "env-user")
    from_env = ops.settings(BRAND, None, None, None, None, None)
    assert (from_env.owner_id, from_env.token, from_env.smtp_user_name) == (
        "env-owner",
        "env-token-1234567",
        "env-user",
    )
    assert from_env.base_url == "https://api.eu1-mta2.example.net/v1.0"
    assert (
        ops.settings(BRAND, OWNER, SECRET, "arg.example.net", None, None).base_url == "https://api.arg.example.net/v1.0"
    )
    clean_env.setenv("SENDCLEAN_BASE_URL", "http://127.0.0.1:8025/sendclean/v1.0/")
    assert ops.settings(BRAND, OWNER, SECRET, "ignored.example.net", None, None).base_url == (
        "http://127.0.0.1:8025/sendclean/v1.0"
    )
    assert SECRET not in repr(ops.settings(BRAND, OWNER, SECRET, None, None, None))


@pytest.mark.parametrize(
    ("owner", "token", "argument"), [(None, SECRET, "owner_id"), (OWNER, None, "token"), (OWNER, "  ", "token")]
)
def test_missing_credential_names_argument_and_env_var(
    clean_env: pytest.MonkeyPatch, owner: str | None, token: str | None, argument: str
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        ops.settings(BRAND, owner, token, None, None, None)
    assert argument in str(caught.value) and BRAND.env(argument.upper()) in str(caught.value)


@pytest.mark.parametrize(
    "domain", ["https://us1-mta1.sendclean.net", "api.example.net/v1.0", "a b.example.net", "-x.net"]
)
def test_bad_app_domain(clean_env: pytest.MonkeyPatch, domain: str) -> None:
    with pytest.raises(ConfigurationError, match="SENDCLEAN_APP_DOMAIN"):
        ops.settings(BRAND, OWNER, SECRET, domain, None, None)


def test_bad_base_url(clean_env: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigurationError, match="SENDCLEAN_BASE_URL"):
        ops.settings(BRAND, OWNER, SECRET, None, None, "localhost:8025/v1.0")


# --------------------------------------------------------------------------- success


def test_sends_decode_to_the_x_unique_id() -> None:
    sent = decode("send_mail", 200, QUEUED)
    assert isinstance(sent, SentMessage)
    assert sent.id == UID
    assert (sent.response.status, sent.response.message) == ("success", "message have been Queued ... ")


def test_success_with_extra_fields_and_queued_status() -> None:
    result = decode("send_template_http_get", 200, b'{"status":"queued","message":"250 Message Queued...","id":7}')
    assert isinstance(result, SendResult)
    assert (result.status, result.additional_properties) == ("queued", {"id": 7})


def test_message_info_decodes_the_items() -> None:
    result = decode("get_message_info", 200, encode(DOC_MESSAGE_INFO))
    assert isinstance(result, MessageInfoResult)
    item = result.message_data[0]
    assert isinstance(item, MessageInfoItem)
    assert isinstance(item.open_data, TrackingEvents)
    assert (item.status, item.mail_size, item.open_data.time) == ("delivered", 1919, ["1458039067963", "1458039067978"])


# --------------------------------------------------------------------------- errors in HTTP 200 bodies


@pytest.mark.parametrize("decoder", list(DECODERS))
@pytest.mark.parametrize(
    ("name", "cls"),
    [
        ("AuthenticationError", AuthenticationError),
        ("Invalid_Key", AuthenticationError),
        ("ValidationError", BadRequestError),
        ("GeneralError", ServerError),
        ("QuotaExceeded", APIStatusError),
    ],
)
def test_http_200_error_envelope_raises_typed_error(decoder: str, name: str, cls: type[APIStatusError]) -> None:
    payload = {"status": "error", "code": -1, "name": name, "message": "Token MissMatch", "echo": CANARY}
    with pytest.raises(APIStatusError) as caught:
        decode(decoder, 200, encode(payload), {"x-request-id": "req-1"})
    error = caught.value
    assert type(error) is cls
    assert error.status_code == 200
    assert isinstance(error.error, ErrorEnvelope)
    assert (error.error.name, error.error.code, error.error.message) == (name, -1, "Token MissMatch")
    assert error.body == encode(payload)
    assert error.headers["x-request-id"] == "req-1"
    assert str(error) == f"{name}: Token MissMatch (HTTP 200)"
    assert_private(error)


@pytest.mark.parametrize(
    ("payload", "cls", "words", "parsed"),
    [
        (
            {"status": "error", "type": "ValidationError", "message": "to is required"},
            BadRequestError,
            "ValidationError: to is required",
            False,
        ),
        (
            {"status": "error", "code": -1, "type": "GeneralError", "message": "queue down"},
            ServerError,
            "GeneralError: queue down",
            True,
        ),
        (
            {"status": "error", "code": "-1", "name": "AuthenticationError", "message": "Token MissMatch"},
            AuthenticationError,
            "AuthenticationError: Token MissMatch",
            True,
        ),
        (
            {"status": " Error ", "code": -1, "name": "ValidationError", "message": "bad"},
            BadRequestError,
            "ValidationError: bad",
            True,
        ),
        ({"status": "error"}, APIStatusError, f"POST {BASE}/messages/sendMail failed", False),
    ],
    ids=["type-without-code", "type-with-code", "string-code", "status-spelling", "bare-error"],
)
def test_the_raw_status_decides_not_the_parsed_model(
    payload: dict[str, Any], cls: type[APIStatusError], words: str, parsed: bool
) -> None:
    with pytest.raises(APIStatusError) as caught:
        decode("send_mail", 200, encode({**payload, "echo": CANARY}))
    error = caught.value
    assert type(error) is cls
    assert str(error) == f"{words} (HTTP 200)"
    assert isinstance(error.error, ErrorEnvelope) is parsed
    if parsed:
        assert error.error.code == payload["code"]
    assert_private(error)


def test_vendor_text_echoing_the_token_is_masked() -> None:
    payload = {"status": "error", "code": -1, "name": "AuthenticationError", "message": f"Token MissMatch: {SECRET}"}
    with pytest.raises(AuthenticationError) as caught:
        decode("send_template_http_get", 200, encode(payload))
    assert str(caught.value) == "AuthenticationError: Token MissMatch: *** (HTTP 200)"
    assert_private(caught.value)


# --------------------------------------------------------------------------- error statuses

ENVELOPE = {"status": "error", "code": -1, "name": "GeneralError", "message": "Something broke", "echo": CANARY}


@pytest.mark.parametrize("decoder", list(DECODERS))
@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, AuthenticationError),
        (404, NotFoundError),
        (422, BadRequestError),
        (429, RateLimitError),
        (500, ServerError),
        (503, ServerError),
    ],
)
def test_error_status_with_envelope(decoder: str, status: int, cls: type[APIStatusError]) -> None:
    with pytest.raises(APIStatusError) as caught:
        decode(decoder, status, encode(ENVELOPE), {"retry-after": "120"})
    error = caught.value
    assert type(error) is cls  # the HTTP status decides for an error status, not the envelope's name
    assert error.status_code == status
    assert isinstance(error.error, ErrorEnvelope)
    assert error.error.name == "GeneralError"
    assert str(error) == f"GeneralError: Something broke (HTTP {status})"
    if isinstance(error, RateLimitError):
        assert error.retry_after == 120.0
    assert_private(error)


C = CANARY.encode()


@pytest.mark.parametrize("decoder", list(DECODERS))
@pytest.mark.parametrize(
    ("status", "body", "cls"),
    [
        (502, b"<html><body>Bad Gateway " + C + b"</body></html>", ServerError),
        (500, b'{"status": "error", "co' + C, ServerError),
        (404, b'["not", "an", "object", "' + C + b'"]', NotFoundError),
        (520, b"<html>Web server returned an unknown error " + C + b"</html>", ServerError),
        (400, b'{"detail": "not the platform envelope ' + C + b'"}', BadRequestError),
        (502, b"<html>Blocked ?token=" + SECRET.encode() + b"&to=" + C + b"</html>", ServerError),
    ],
    ids=["html-502", "truncated-500", "array-404", "html-520", "other-json-400", "echo-502"],
)
def test_error_status_without_envelope(decoder: str, status: int, body: bytes, cls: type[APIStatusError]) -> None:
    with pytest.raises(APIStatusError) as caught:
        decode(decoder, status, body)
    error = caught.value
    assert type(error) is cls  # 520: an unknown 5xx is a 500 (RFC 9110 §15)
    assert error.error is None
    assert error.body == body
    assert str(error) == f"{URLS[decoder]} failed (HTTP {status})"
    assert_private(error)


@pytest.mark.parametrize("decoder", list(DECODERS))
@pytest.mark.parametrize(
    ("status", "body"),
    [
        pytest.param(200, b"<!DOCTYPE html><html><body>Maintenance " + C + b"</body></html>", id="html"),
        pytest.param(200, b'{"status": "success", "mess' + C, id="truncated-json"),
        pytest.param(200, b"", id="empty"),
        pytest.param(200, b'["success", "' + C + b'"]', id="json-array"),
        pytest.param(200, b'"success ' + C + b'"', id="json-string"),
        pytest.param(200, b"\xff\xfe\x00" + C, id="not-utf8"),
        pytest.param(200, b'{"status": "success", "echo": "' + C + b'"}', id="missing-message"),
        pytest.param(204, b"", id="204"),
        pytest.param(100, b"", id="100"),
        pytest.param(301, b"", id="redirect"),
        pytest.param(600, b'{"status": "success", "message": "' + C + b'"}', id="600"),
    ],
)
def test_unparseable_response_raises_response_parse_error(decoder: str, status: int, body: bytes) -> None:
    build, decode_fn = DECODERS[decoder]
    call = build()
    with pytest.raises(ResponseParseError) as caught:
        decode_fn(reply(call, status, body))
    error = caught.value
    assert error.status_code == status
    assert error.body == body
    assert error.may_have_been_sent is (call.delivers and 200 <= status < 300)
    assert ("probably accepted" in str(error)) is error.may_have_been_sent
    assert not isinstance(error, KeyError | json.JSONDecodeError)
    assert_private(error)


@pytest.mark.parametrize(
    "body",
    [QUEUED, b'{"status":"success","message_data":"none","echo":"' + C + b'"}'],
    ids=["a-send-result", "message-data-not-a-list"],
)
def test_message_info_with_wrong_shape_is_a_parse_error(body: bytes) -> None:
    with pytest.raises(ResponseParseError, match="MessageInfoResult") as caught:
        decode("get_message_info", 200, body)
    assert caught.value.may_have_been_sent is False
    assert_private(caught.value)


# --------------------------------------------------------------------------- the two brands


def _without_banner(module: object) -> list[str]:
    return [line for line in inspect.getsource(module).splitlines() if not line.startswith("# Generated by ")]  # type: ignore[arg-type]


def test_poweremail_differs_only_in_its_brand() -> None:
    """PowerEmail runs the very code tested above; only its Brand record differs."""
    assert _without_banner(poweremail_client._operations) == _without_banner(ops)
    assert [f.name for f in attrs.fields(ops.Brand)] == ["name", "env_prefix", "default_app_domain"]
    assert attrs.asdict(sendclean_client._brand.BRAND) == {
        "name": "SendClean",
        "env_prefix": "SENDCLEAN",
        "default_app_domain": "us1-mta1.sendclean.net",
    }
    assert attrs.asdict(poweremail_client._brand.BRAND) == {
        "name": "PowerEmail",
        "env_prefix": "POWEREMAIL",
        "default_app_domain": "poweremail.in",
    }
    assert poweremail_client._brand.BRAND.env("TOKEN") == "POWEREMAIL_TOKEN"
    assert sendclean_client.SendClean.brand is sendclean_client._brand.BRAND
    assert poweremail_client.PowerEmail.brand is poweremail_client._brand.BRAND
    assert not issubclass(poweremail_client.ClientError, sendclean_client.ClientError)  # separate hierarchies
