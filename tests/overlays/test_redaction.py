"""No secret in any repr, str, exception, printed URL or DEBUG log line, for every vendor and auth mode.

Each case builds a client with a recognisable secret, then drives a send through every outcome a
user can meet (success, a vendor error, an HTML page, truncated JSON, a dropped connection, a
timeout) and scans everything a user could print or log: the client and its generated client, the
generated ``Response`` wrapper, each exception's str/repr/url, and all log records at DEBUG.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, quote_plus

import httpx
import pytest
from spec_tools import load_spec

SECRET = "Sup3r-Secret-Key/+=0123456789"
RETRY_ONCE_FAST = {"max_retries": 1, "backoff_base": 0.0}


def secret_forms(secret: str) -> list[str]:
    """The secret as it could appear: raw, URL-encoded, or inside a Basic credential."""
    return [
        secret,
        quote(secret, safe=""),
        quote_plus(secret),
        base64.b64encode(f"api:{secret}".encode()).decode(),
    ]


def request_example(vendor: str, path: str) -> dict[str, Any]:
    op = load_spec(vendor)["paths"][path]["post"]
    examples = op["requestBody"]["content"]["application/json"]["examples"]
    value: dict[str, Any] = next(iter(examples.values()))["value"]
    return value


@dataclass
class Case:
    name: str
    make: Callable[[httpx.BaseTransport], Any]  # transport -> vendor client
    send: Callable[[Any], Any]  # client -> one overlay call
    error_body: bytes  # the vendor's own auth-failure body


def paubox_case() -> Case:
    from paubox_client import Paubox
    from paubox_client.models import Message

    message = Message.from_dict(request_example("paubox", "/messages")["data"]["message"])
    return Case(
        "paubox",
        lambda t: Paubox(SECRET, api_username="clinic", transport=t, retry=_retry("paubox_client")),
        lambda c: c.send_message(message),
        b'{"errors":[{"code":401,"title":"Access token is missing or does not match endpoint username"}]}',
    )


def smtpcom_case(mode: str) -> Case:
    from smtpcom_client import SMTPcom
    from smtpcom_client.models import SendMessageRequest

    message = SendMessageRequest.from_dict(request_example("smtpcom", "/v4/messages"))
    return Case(
        f"smtpcom-{mode}",
        lambda t: SMTPcom(SECRET, auth=mode, transport=t, retry=_retry("smtpcom_client")),  # type: ignore[arg-type]
        lambda c: c.v4_messages_post(message),
        b'{"status":"fail","data":{"api_key":"invalid"}}',
    )


def platform_case(brand: str, legacy_get: bool) -> Case:
    import importlib

    package = importlib.import_module(f"{brand}_client")
    client_class = package.SendClean if brand == "sendclean" else package.PowerEmail
    models = importlib.import_module(f"{brand}_client.models")
    message = models.Message.from_dict(request_example(brand, "/messages/sendMail")["message"])

    def send(client: Any) -> Any:
        if legacy_get:
            return client.send_template_http_get(
                template_id="welcome",
                to="ann@example.com",
                subject="Hi",
                from_email="team@example.com",
                dynamic_value={"firstName": "Ann"},
            )
        return client.send_mail(message)

    return Case(
        f"{brand}-{'legacy-get' if legacy_get else 'send-mail'}",
        lambda t: client_class("owner-1", SECRET, smtp_user_name="smtp1", transport=t, retry=_retry(f"{brand}_client")),
        send,
        b'{"status":"error","code":-1,"name":"AuthenticationError","message":"Token MissMatch"}',
    )


def _retry(package: str) -> Any:
    import importlib

    return importlib.import_module(package).RetryPolicy(**RETRY_ONCE_FAST)


def cases() -> Iterator[Any]:
    yield pytest.param(paubox_case, id="paubox")
    for mode in ("header", "query", "basic"):
        yield pytest.param(lambda mode=mode: smtpcom_case(mode), id=f"smtpcom-{mode}")
    for brand in ("sendclean", "poweremail"):
        for legacy in (False, True):
            yield pytest.param(
                lambda b=brand, g=legacy: platform_case(b, g), id=f"{brand}-{'get' if legacy else 'post'}"
            )


def outcomes(case: Case) -> Iterator[tuple[str, Callable[[httpx.Request], httpx.Response]]]:
    def status(
        code: int, body: bytes, content_type: str = "application/json"
    ) -> Callable[[httpx.Request], httpx.Response]:
        return lambda request: httpx.Response(code, content=body, headers={"content-type": content_type})

    def fail(error: type[httpx.TransportError]) -> Callable[[httpx.Request], httpx.Response]:
        def handler(request: httpx.Request) -> httpx.Response:
            raise error(f"simulated failure for {request.url}", request=request)

        return handler

    def echo_page(request: httpx.Request) -> httpx.Response:
        # A proxy error page that quotes the URL it was asked for (the legacy GET's token included).
        return httpx.Response(200, content=f"<html>bad gateway for {request.url}</html>".encode())

    yield "vendor-auth-error-401", status(401, case.error_body)
    yield "vendor-auth-error-200", status(200, case.error_body)
    yield "html-503-then-503", status(503, b"<html>unavailable</html>", "text/html")
    yield "html-page-echoing-url", echo_page
    yield "truncated-json", status(200, b'{"status": "succ')
    yield "connect-error", fail(httpx.ConnectError)
    yield "read-timeout", fail(httpx.ReadTimeout)
    yield "dropped-connection", fail(httpx.RemoteProtocolError)


@pytest.mark.parametrize("make_case", list(cases()))
def test_no_secret_anywhere(make_case: Callable[[], Case], caplog: pytest.LogCaptureFixture) -> None:
    case = make_case()
    seen: list[str] = []
    caplog.set_level(logging.DEBUG)

    for outcome, handler in outcomes(case):
        client = case.make(httpx.MockTransport(handler))
        seen += [repr(client), str(client), repr(client.client)]
        try:
            case.send(client)
        except Exception as error:  # every failure must be the package's own typed error
            assert type(error).__module__.endswith("_runtime.errors") or type(error).__name__ == "BulkSendError", (
                f"{case.name}/{outcome}: {type(error).__name__} leaked out: {error}"
            )
            seen += [str(error), repr(error), str(getattr(error, "url", "")), str(error.args)]
        else:
            pytest.fail(f"{case.name}/{outcome}: expected an error")
        client.close()

    # The generated functions, through the same client, and their Response wrapper.
    client = case.make(httpx.MockTransport(lambda request: httpx.Response(200, json={"status": "success"})))
    seen.append(repr(client.client.get_httpx_client()))
    seen += [record.getMessage() for record in caplog.records]
    seen += [str(record.args) for record in caplog.records]

    assert any("HTTP Request" in line for line in seen), "httpx's request log line must have been captured"
    leaks = [(form, line) for line in seen for form in secret_forms(SECRET) if form in line]
    assert not leaks, f"{case.name}: secret leaked in {leaks[:3]}"
