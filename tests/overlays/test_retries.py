"""Timeouts and safe retries against a real server on 127.0.0.1 (the sandbox), counting requests.

The matrix (fault x request kind -> requests the server saw, outcome) is the README's retry table:
a send (POST, or SendClean's legacy GET, which delivers mail) is never repeated once it may have
reached the server; 429/502/503/504 and never-sent connection failures are retried; a read-only
GET is also retried after 500, read timeouts and dropped connections.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from spec_tools import load_spec

from sandbox import config as sb
from sandbox.testing import SandboxHandle

FAST = {"backoff_base": 0.01, "backoff_max": 0.05}


def example(vendor: str, path: str) -> dict[str, Any]:
    media = load_spec(vendor)["paths"][path]["post"]["requestBody"]["content"]["application/json"]
    value: dict[str, Any] = next(iter(media["examples"].values()))["value"]
    return value


@dataclass
class Vendor:
    """How to build a client and make one send (and one read-only GET) for a vendor."""

    name: str
    send_path: str  # vendor-relative path of the send
    build: Callable[..., Any]  # (sandbox, async_, **client kwargs) -> client
    send: Callable[[Any], Any]  # client -> awaitable or result
    get_path: str | None = None
    get: Callable[[Any, SandboxHandle], Any] | None = None


def _paubox(sandbox: SandboxHandle, async_: bool, **kwargs: Any) -> Any:
    import paubox_client

    cls = paubox_client.AsyncPaubox if async_ else paubox_client.Paubox
    return cls(sb.PAUBOX_API_KEY, api_username=sb.PAUBOX_USERNAME, base_url=sandbox.base_url("paubox"), **kwargs)


def _paubox_message() -> Any:
    from paubox_client.models import Message

    message = Message.from_dict(example("paubox", "/messages")["data"]["message"])
    message.headers.from_ = "sender@sandbox.example.com"
    return message


def _smtpcom(sandbox: SandboxHandle, async_: bool, **kwargs: Any) -> Any:
    import smtpcom_client

    cls = smtpcom_client.AsyncSMTPcom if async_ else smtpcom_client.SMTPcom
    return cls(sb.SMTPCOM_API_KEY, base_url=sandbox.base_url("smtpcom"), **kwargs)


def _smtpcom_message() -> Any:
    from smtpcom_client.models import SendMessageRequest

    body = example("smtpcom", "/v4/messages")
    body["channel"] = sb.SMTPCOM_CHANNEL
    return SendMessageRequest.from_dict(body)


def _platform(brand: str) -> Callable[..., Any]:
    def build(sandbox: SandboxHandle, async_: bool, **kwargs: Any) -> Any:
        package = importlib.import_module(f"{brand}_client")
        name = "SendClean" if brand == "sendclean" else "PowerEmail"
        cls = getattr(package, f"Async{name}" if async_ else name)
        account = getattr(sb, brand.upper() + "_OWNER_ID"), getattr(sb, brand.upper() + "_TOKEN")
        user = getattr(sb, brand.upper() + "_SMTP_USER")
        return cls(*account, smtp_user_name=user, base_url=sandbox.base_url(brand), **kwargs)

    return build


def _platform_message(brand: str) -> Any:
    models = importlib.import_module(f"{brand}_client.models")
    return models.Message.from_dict(example(brand, "/messages/sendMail")["message"])


def _legacy_get(client: Any) -> Any:
    return client.send_template_http_get(
        template_id=next(iter(sb.DEFAULT_CONFIG.templates)),
        to="ann@example.com",
        subject="Hello",
        from_email="team@example.com",
        dynamic_value={"NAME": "Ann"},
    )


def _paubox_get(client: Any, sandbox: SandboxHandle) -> Any:
    tracking_id = sandbox.state.store.messages("paubox")[0].id
    return client.get_message_receipt(tracking_id)


VENDORS = {
    "paubox": Vendor(
        "paubox",
        "/messages",
        _paubox,
        lambda c: c.send_message(_paubox_message()),
        "/message_receipt",
        _paubox_get,
    ),
    "smtpcom": Vendor(
        "smtpcom",
        "/v4/messages",
        _smtpcom,
        lambda c: c.v4_messages_post(_smtpcom_message()),
        "/v4/messages",
        lambda c, _: c.v4_messages_get(sb.SMTPCOM_CHANNEL, start=0, limit=10),
    ),
    "sendclean": Vendor(
        "sendclean",
        "/v1.0/messages/sendMail",
        _platform("sendclean"),
        lambda c: c.send_mail(_platform_message("sendclean")),
    ),
    "poweremail": Vendor(
        "poweremail",
        "/v1.0/messages/sendMail",
        _platform("poweremail"),
        lambda c: c.send_mail(_platform_message("poweremail")),
    ),
}


def run(value: Any) -> Any:
    return asyncio.run(value) if asyncio.iscoroutine(value) else value


def call(vendor: Vendor, sandbox: SandboxHandle, async_: bool, action: str, **client_kwargs: Any) -> Any:
    """Build a client, make one call, close the client; return the result or the raised error."""
    package = importlib.import_module(f"{vendor.name}_client")
    client_kwargs.setdefault("retry", package.RetryPolicy(**FAST))

    async def in_async() -> Any:
        client = vendor.build(sandbox, True, **client_kwargs)
        try:
            target = vendor.send(client) if action == "send" else vendor.get(client, sandbox)  # type: ignore[misc]
            return await target
        except package.ClientError as error:
            return error
        finally:
            await client.aclose()

    if async_:
        return asyncio.run(in_async())
    client = vendor.build(sandbox, False, **client_kwargs)
    try:
        return vendor.send(client) if action == "send" else vendor.get(client, sandbox)  # type: ignore[misc]
    except package.ClientError as error:
        return error
    finally:
        client.close()


def received(sandbox: SandboxHandle, vendor: Vendor, path: str, method: str) -> int:
    return sum(1 for r in sandbox.requests(vendor.name) if r.method == method and r.path.endswith(path))


def stored(sandbox: SandboxHandle, vendor: Vendor) -> int:
    return len(sandbox.messages(vendor.name))


ALL = pytest.mark.parametrize("vendor", list(VENDORS.values()), ids=list(VENDORS))
BOTH = pytest.mark.parametrize("async_", [False, True], ids=["sync", "async"])


# ------------------------------------------------------------------ sends: retried when not processed


@ALL
@BOTH
@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_send_is_retried_when_the_server_did_not_process_it(
    sandbox: SandboxHandle, vendor: Vendor, async_: bool, status: int
) -> None:
    sandbox.set_fault("status", vendor=vendor.name, path=vendor.send_path, status=status, retry_after=0, times=1)
    result = call(vendor, sandbox, async_, "send")
    assert not isinstance(result, Exception), result
    assert received(sandbox, vendor, vendor.send_path, "POST") == 2
    assert stored(sandbox, vendor) == 1


@ALL
@BOTH
def test_send_gives_up_after_two_retries(sandbox: SandboxHandle, vendor: Vendor, async_: bool) -> None:
    sandbox.set_fault("status", vendor=vendor.name, path=vendor.send_path, status=503, times=None)
    result = call(vendor, sandbox, async_, "send")
    package = importlib.import_module(f"{vendor.name}_client")
    assert isinstance(result, package.ServerError) and result.status_code == 503
    assert received(sandbox, vendor, vendor.send_path, "POST") == 3
    assert stored(sandbox, vendor) == 0


# ------------------------------------------------------------------ sends: never repeated once maybe delivered


@ALL
@BOTH
def test_send_is_not_retried_after_500(sandbox: SandboxHandle, vendor: Vendor, async_: bool) -> None:
    sandbox.set_fault("status", vendor=vendor.name, path=vendor.send_path, status=500, times=1)
    result = call(vendor, sandbox, async_, "send")
    package = importlib.import_module(f"{vendor.name}_client")
    assert isinstance(result, package.ServerError) and result.status_code == 500
    assert received(sandbox, vendor, vendor.send_path, "POST") == 1


@ALL
@BOTH
def test_send_is_not_retried_after_the_connection_drops(sandbox: SandboxHandle, vendor: Vendor, async_: bool) -> None:
    sandbox.set_fault("drop_after_read", vendor=vendor.name, path=vendor.send_path, times=1)
    result = call(vendor, sandbox, async_, "send")
    package = importlib.import_module(f"{vendor.name}_client")
    assert isinstance(result, package.APIConnectionError) and result.may_have_been_sent
    assert received(sandbox, vendor, vendor.send_path, "POST") == 1
    assert stored(sandbox, vendor) == 1, "the server processed it: a retry would have sent it twice"


@ALL
@BOTH
def test_send_is_not_retried_after_a_reset_before_the_response(
    sandbox: SandboxHandle, vendor: Vendor, async_: bool
) -> None:
    sandbox.set_fault("drop_before_read", vendor=vendor.name, path=vendor.send_path, times=1)
    result = call(vendor, sandbox, async_, "send")
    package = importlib.import_module(f"{vendor.name}_client")
    # The request bytes were on the wire: from the client's side it may have been delivered.
    assert isinstance(result, package.APIConnectionError) and result.may_have_been_sent
    assert received(sandbox, vendor, vendor.send_path, "POST") == 1


@ALL
@BOTH
def test_send_is_not_retried_after_a_read_timeout(sandbox: SandboxHandle, vendor: Vendor, async_: bool) -> None:
    sandbox.set_fault("latency", vendor=vendor.name, path=vendor.send_path, latency_ms=1500, times=1)
    result = call(vendor, sandbox, async_, "send", timeout=httpx.Timeout(0.3))
    package = importlib.import_module(f"{vendor.name}_client")
    assert isinstance(result, package.APITimeoutError) and result.may_have_been_sent
    assert received(sandbox, vendor, vendor.send_path, "POST") == 1


@ALL
@BOTH
def test_retry_sends_opt_in_repeats_a_dropped_send_and_duplicates_it(
    sandbox: SandboxHandle, vendor: Vendor, async_: bool
) -> None:
    package = importlib.import_module(f"{vendor.name}_client")
    sandbox.set_fault("drop_after_read", vendor=vendor.name, path=vendor.send_path, times=1)
    result = call(vendor, sandbox, async_, "send", retry=package.RetryPolicy(retry_sends=True, **FAST))
    assert not isinstance(result, Exception), result
    assert received(sandbox, vendor, vendor.send_path, "POST") == 2
    assert stored(sandbox, vendor) == 2, "the documented risk: the message was delivered twice"


@ALL
@BOTH
def test_retry_sends_opt_in_repeats_after_500(sandbox: SandboxHandle, vendor: Vendor, async_: bool) -> None:
    package = importlib.import_module(f"{vendor.name}_client")
    sandbox.set_fault("status", vendor=vendor.name, path=vendor.send_path, status=500, times=1)
    result = call(vendor, sandbox, async_, "send", retry=package.RetryPolicy(retry_sends=True, **FAST))
    assert not isinstance(result, Exception), result
    assert received(sandbox, vendor, vendor.send_path, "POST") == 2


# ------------------------------------------------------------------ connection never established


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class CountingTransport(httpx.HTTPTransport):
    def __init__(self) -> None:
        super().__init__()
        self.attempts = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.attempts += 1
        return super().handle_request(request)


@ALL
def test_send_is_retried_when_the_connection_was_never_established(sandbox: SandboxHandle, vendor: Vendor) -> None:
    """Nothing listens on the port: the request never left the machine, so resending is safe."""
    package = importlib.import_module(f"{vendor.name}_client")
    counter = CountingTransport()
    client = vendor.build(sandbox, False, retry=package.RetryPolicy(**FAST), transport=counter)
    client._http._base_url = client._http._base_url.copy_with(port=_closed_port())
    with pytest.raises(package.APIConnectionError) as raised:
        vendor.send(client)
    client.close()
    assert counter.attempts == 3
    assert raised.value.may_have_been_sent is False


# ------------------------------------------------------------------ read-only GETs are retried more


GETTERS = [v for v in VENDORS.values() if v.get is not None]
GET_VENDORS = pytest.mark.parametrize("vendor", GETTERS, ids=[v.name for v in GETTERS])


def _prepare_get(sandbox: SandboxHandle, vendor: Vendor) -> None:
    assert not isinstance(call(vendor, sandbox, False, "send"), Exception)  # something to read back


@GET_VENDORS
@BOTH
@pytest.mark.parametrize(
    ("kind", "fault"),
    [
        ("500", {"kind": "status", "status": 500}),
        ("dropped", {"kind": "drop_after_read"}),
        ("read-timeout", {"kind": "latency", "latency_ms": 1500}),
    ],
)
def test_get_is_retried_after_faults_a_send_is_not(
    sandbox: SandboxHandle, vendor: Vendor, async_: bool, kind: str, fault: dict[str, Any]
) -> None:
    _prepare_get(sandbox, vendor)
    assert vendor.get_path is not None
    options = dict(fault)
    sandbox.set_fault(options.pop("kind"), vendor=vendor.name, path=vendor.get_path, method="GET", times=1, **options)
    result = call(vendor, sandbox, async_, "get", timeout=httpx.Timeout(0.5))
    assert not isinstance(result, Exception), result
    assert received(sandbox, vendor, vendor.get_path, "GET") == 2


@pytest.mark.parametrize("brand", ["sendclean", "poweremail"])
def test_legacy_get_delivers_mail_so_it_is_retried_like_a_send(sandbox: SandboxHandle, brand: str) -> None:
    vendor = VENDORS[brand]
    path = "/v1.0/messages/sendTemplateHTTPGet"
    sandbox.set_fault("status", vendor=brand, path=path, status=500, times=1)
    package = importlib.import_module(f"{brand}_client")
    client = vendor.build(sandbox, False, retry=package.RetryPolicy(**FAST))
    with pytest.raises(package.ServerError):
        _legacy_get(client)
    assert received(sandbox, vendor, path, "GET") == 1
    sandbox.set_fault("status", vendor=brand, path=path, status=503, times=1)
    _legacy_get(client)  # 503: not processed, so retried and delivered once
    client.close()
    assert received(sandbox, vendor, path, "GET") == 3
    assert stored(sandbox, vendor) == 1


# ------------------------------------------------------------------ Retry-After, limits, switches


def test_retry_after_is_obeyed(sandbox: SandboxHandle, caplog: pytest.LogCaptureFixture) -> None:
    vendor = VENDORS["paubox"]
    caplog.set_level(logging.INFO)
    sandbox.set_fault("status", vendor="paubox", path="/messages", status=429, retry_after="0.3", times=1)
    assert not isinstance(call(vendor, sandbox, False, "send"), Exception)
    waits = [r.getMessage() for r in caplog.records if "retrying POST" in r.getMessage()]
    assert len(waits) == 1 and waits[0].endswith("after HTTP 429 (retry 1 of 2) in 0.30s")


def test_a_retry_after_beyond_the_cap_is_not_waited_for(sandbox: SandboxHandle) -> None:
    import paubox_client

    sandbox.set_fault("status", vendor="paubox", path="/messages", status=429, retry_after=3600, times=1)
    result = call(VENDORS["paubox"], sandbox, False, "send")
    assert isinstance(result, paubox_client.RateLimitError)
    assert result.retry_after == 3600
    assert received(sandbox, VENDORS["paubox"], "/messages", "POST") == 1


@ALL
def test_zero_retries_disables_retrying(sandbox: SandboxHandle, vendor: Vendor) -> None:
    package = importlib.import_module(f"{vendor.name}_client")
    sandbox.set_fault("status", vendor=vendor.name, path=vendor.send_path, status=429, times=1)
    result = call(vendor, sandbox, False, "send", retry=package.RetryPolicy(max_retries=0))
    assert isinstance(result, package.RateLimitError)
    assert received(sandbox, vendor, vendor.send_path, "POST") == 1


def test_retry_count_is_configurable(sandbox: SandboxHandle) -> None:
    import paubox_client

    sandbox.set_fault("status", vendor="paubox", path="/messages", status=503, times=None)
    result = call(VENDORS["paubox"], sandbox, False, "send", retry=paubox_client.RetryPolicy(max_retries=4, **FAST))
    assert isinstance(result, paubox_client.ServerError)
    assert received(sandbox, VENDORS["paubox"], "/messages", "POST") == 5


def test_per_call_retry_policy_overrides_the_client(sandbox: SandboxHandle) -> None:
    import paubox_client

    sandbox.set_fault("status", vendor="paubox", path="/messages", status=503, times=None)
    client = _paubox(sandbox, False, retry=paubox_client.RetryPolicy(max_retries=3, **FAST))
    with client, pytest.raises(paubox_client.ServerError):
        client.send_message(_paubox_message(), retry=paubox_client.RetryPolicy(max_retries=0))
    assert received(sandbox, VENDORS["paubox"], "/messages", "POST") == 1


# ------------------------------------------------------------------ timeouts


def test_default_timeout_bounds_every_call() -> None:
    import paubox_client

    client = paubox_client.Paubox("k" * 10, api_username="u")
    timeout = client._http.timeout
    assert (timeout.connect, timeout.read, timeout.write, timeout.pool) == (5.0, 30.0, 30.0, 30.0)
    assert client.client.get_httpx_client().timeout == timeout, "the generated functions share it"
    client.close()


@BOTH
def test_client_timeout_and_per_call_timeout(sandbox: SandboxHandle, async_: bool) -> None:
    import paubox_client

    vendor = VENDORS["paubox"]
    sandbox.set_fault("latency", vendor="paubox", path="/messages", latency_ms=800, times=None)
    slow = call(vendor, sandbox, async_, "send", timeout=0.2)
    assert isinstance(slow, paubox_client.APITimeoutError)

    async def per_call() -> Any:
        async with _paubox(sandbox, True, timeout=0.2) as client:
            return await client.send_message(_paubox_message(), timeout=5)

    if async_:
        assert not isinstance(run(per_call()), Exception)
    else:
        with _paubox(sandbox, False, timeout=0.2) as client:
            client.send_message(_paubox_message(), timeout=5)
    # One request each: the timed-out send was not retried; the per-call timeout let the second through.
    assert received(sandbox, vendor, "/messages", "POST") == 2
    assert stored(sandbox, vendor) >= 1
