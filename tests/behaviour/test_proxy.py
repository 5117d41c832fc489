"""Every request goes through httpx's client layer: environment proxies, ``proxy=``, event hooks.

A real forward proxy (``support.servers.ForwardProxy``) records what passed through it; a dead
port stands for an unreachable proxy. The sandbox is plain http, so ``HTTP_PROXY`` is the variable
that applies to it (``HTTPS_PROXY`` is set too where a test wants no way around the proxy).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from support.clients import VENDORS, make_client
from support.servers import DeadPort, ForwardProxy

from sandbox import config as sb
from sandbox.testing import SandboxHandle

FLAVOURS = pytest.mark.parametrize("async_", [False, True], ids=["sync", "async"])
SleepRecorder = Callable[[Any], list[float]]


def send_once(sandbox: SandboxHandle, vendor: str, *, async_: bool = False, **options: Any) -> list[float]:
    """Build a client on the sandbox, send the vendor's test message once, close the client;
    returns the delays the retry loop chose (recorded, never slept)."""
    spec = VENDORS[vendor]
    delays: list[float] = []
    options.setdefault("base_url", sandbox.base_url(vendor))
    if not async_:
        with make_client(vendor, **options) as client:
            client._sleep = delays.append
            getattr(client, spec.send)(spec.message())
        return delays

    async def sleep(seconds: float) -> None:
        delays.append(seconds)

    async def main() -> None:
        async with make_client(vendor, async_=True, **options) as client:
            client._sleep = sleep
            await getattr(client, spec.send)(spec.message())

    asyncio.run(main())
    return delays


# ------------------------------------------------------------------ proxies from the environment


@FLAVOURS
def test_an_env_proxy_carries_the_send_and_its_retry(
    sandbox: SandboxHandle, monkeypatch: pytest.MonkeyPatch, async_: bool
) -> None:
    sandbox.set_fault("status", vendor="paubox", path="/messages", status=503)
    with ForwardProxy() as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        delays = send_once(sandbox, "paubox", async_=async_)
    target = sandbox.base_url("paubox") + "/messages"
    assert [(r.method, r.url) for r in proxy.requests] == [("POST", target)] * 2, "both attempts via the proxy"
    assert proxy.requests[1].header("Authorization") == f"Token token={sb.PAUBOX_API_KEY}"
    assert len(sandbox.requests("paubox")) == 2
    assert len(sandbox.messages("paubox")) == 1
    assert len(delays) == 1


def test_a_dead_env_proxy_fails_the_send_before_anything_is_sent(
    sandbox: SandboxHandle, monkeypatch: pytest.MonkeyPatch, record_sleeps: SleepRecorder
) -> None:
    import paubox_client

    with DeadPort() as dead:
        monkeypatch.setenv("HTTP_PROXY", dead.url)
        monkeypatch.setenv("HTTPS_PROXY", dead.url)
        with make_client("paubox", base_url=sandbox.base_url("paubox")) as client:
            delays = record_sleeps(client)
            with pytest.raises(paubox_client.APIConnectionError) as raised:
                client.send_message(VENDORS["paubox"].message())
    assert raised.value.may_have_been_sent is False
    assert len(delays) == 2, "never sent, so retried (and failed) twice"
    assert sandbox.requests("paubox") == [], "the proxy from the environment was the only way out"


def test_no_proxy_bypasses_the_env_proxy(sandbox: SandboxHandle, monkeypatch: pytest.MonkeyPatch) -> None:
    with DeadPort() as dead:
        monkeypatch.setenv("HTTP_PROXY", dead.url)
        monkeypatch.setenv("HTTPS_PROXY", dead.url)
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        send_once(sandbox, "smtpcom")
    assert len(sandbox.messages("smtpcom")) == 1


# ------------------------------------------------------------------ the caller's http_client


def test_a_users_http_client_event_hooks_see_each_attempt_with_our_headers(sandbox: SandboxHandle) -> None:
    requests: list[httpx.Request] = []
    responses: list[httpx.Response] = []
    sandbox.set_fault("status", vendor="paubox", path="/messages", status=503)
    with httpx.Client(event_hooks={"request": [requests.append], "response": [responses.append]}) as http:
        send_once(sandbox, "paubox", http_client=http)
    assert [r.url for r in requests] == [httpx.URL(sandbox.base_url("paubox") + "/messages")] * 2
    for request in requests:
        assert request.headers["Authorization"] == f"Token token={sb.PAUBOX_API_KEY}"
        assert request.headers["User-Agent"] == VENDORS["paubox"].module.USER_AGENT
    assert [r.status_code for r in responses] == [503, 200]


def test_an_async_users_http_client_event_hooks_see_the_request_and_response(sandbox: SandboxHandle) -> None:
    seen: list[tuple[str, str | int]] = []

    async def on_request(request: httpx.Request) -> None:
        seen.append(("request", request.headers["X-SMTPCOM-API"]))

    async def on_response(response: httpx.Response) -> None:
        seen.append(("response", response.status_code))

    async def main() -> None:
        hooks: dict[str, list[Callable[..., Any]]] = {"request": [on_request], "response": [on_response]}
        async with httpx.AsyncClient(event_hooks=hooks) as http:
            client = make_client(
                "smtpcom", async_=True, auth="header", base_url=sandbox.base_url("smtpcom"), http_client=http
            )
            await client.send_message(VENDORS["smtpcom"].message())
            await client.aclose()

    asyncio.run(main())
    assert seen == [("request", sb.SMTPCOM_API_KEY), ("response", 200)]


def test_a_proxy_set_on_the_users_http_client_applies(sandbox: SandboxHandle) -> None:
    with ForwardProxy() as proxy, httpx.Client(proxy=proxy.url) as http:
        send_once(sandbox, "sendclean", http_client=http)
    assert [r.url for r in proxy.requests] == [sandbox.base_url("sendclean") + "/messages/sendMail"]
    assert len(sandbox.messages("sendclean")) == 1


@FLAVOURS
def test_closing_the_client_leaves_the_users_http_client_open(sandbox: SandboxHandle, async_: bool) -> None:
    health = f"{sandbox.url}/_sandbox/health"
    if not async_:
        with httpx.Client() as http:
            client = make_client("paubox", base_url=sandbox.base_url("paubox"), http_client=http)
            with client:
                client.send_message(VENDORS["paubox"].message())
            client.close()
            assert not http.is_closed
            assert http.get(health).status_code == 200
        return

    async def main() -> None:
        async with httpx.AsyncClient() as http:
            client = make_client("paubox", async_=True, base_url=sandbox.base_url("paubox"), http_client=http)
            async with client:
                await client.send_message(VENDORS["paubox"].message())
            await client.aclose()
            assert not http.is_closed
            assert (await http.get(health)).status_code == 200

    asyncio.run(main())
