"""Fault injection: latency, status + Retry-After, dropped connections, truncated JSON, HTML pages."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from typing import Any

import httpx
import pytest
import uvicorn

from sandbox.app import SandboxApp
from sandbox.config import (
    PAUBOX_API_KEY,
    SENDCLEAN_OWNER_ID,
    SENDCLEAN_SMTP_USER,
    SENDCLEAN_TOKEN,
    SMTPCOM_API_KEY,
    SMTPCOM_CHANNEL,
)
from sandbox.testing import SandboxHandle


def paubox_send(http: httpx.Client, sb: SandboxHandle) -> httpx.Response:
    body = {
        "data": {
            "message": {
                "recipients": ["a@example.com"],
                "headers": {"subject": "s", "from": "b@example.org"},
                "content": {"text/plain": "x"},
            }
        }
    }
    return http.post(
        sb.base_url("paubox") + "/messages", json=body, headers={"Authorization": f"Token token={PAUBOX_API_KEY}"}
    )


def smtpcom_send(http: httpx.Client, sb: SandboxHandle) -> httpx.Response:
    body = {
        "channel": SMTPCOM_CHANNEL,
        "recipients": {"to": [{"address": "a@example.com"}]},
        "originator": {"from": {"address": "b@example.org"}},
        "body": {"parts": [{"type": "text/plain", "content": "x"}]},
    }
    return http.post(sb.base_url("smtpcom") + "/v4/messages", json=body, headers={"X-SMTPCOM-API": SMTPCOM_API_KEY})


def sendclean_send(http: httpx.Client, sb: SandboxHandle) -> httpx.Response:
    body = {
        "owner_id": SENDCLEAN_OWNER_ID,
        "token": SENDCLEAN_TOKEN,
        "smtp_user_name": SENDCLEAN_SMTP_USER,
        "message": {"text": "x", "from_email": "b@example.org", "to": [{"email": "a@example.com"}]},
    }
    return http.post(sb.base_url("sendclean") + "/messages/sendMail", json=body)


SENDERS = {"paubox": paubox_send, "smtpcom": smtpcom_send, "sendclean": sendclean_send}
PATHS = {"paubox": "/messages", "smtpcom": "/v4/messages", "sendclean": "/v1.0/messages/sendMail"}


def test_latency_is_injected_and_recorded(http: httpx.Client, sandbox: SandboxHandle) -> None:
    sandbox.set_fault("latency", vendor="paubox", path="/messages", latency_ms=150)
    assert paubox_send(http, sandbox).status_code == 200
    (faulted,) = sandbox.requests("paubox")
    assert (faulted.fault, faulted.status, faulted.outcome) == ("latency", 200, "responded")
    assert faulted.duration_ms is not None and faulted.duration_ms >= 150
    assert paubox_send(http, sandbox).status_code == 200
    plain = sandbox.requests("paubox")[1]
    assert plain.fault is None and plain.duration_ms is not None and plain.duration_ms < 150
    assert len(sandbox.messages("paubox")) == 2


def test_latency_combines_with_other_kinds(http_unchecked: httpx.Client, sandbox: SandboxHandle) -> None:
    sandbox.set_fault("status", vendor="smtpcom", status=503, latency_ms=100)
    assert smtpcom_send(http_unchecked, sandbox).status_code == 503
    record = sandbox.requests("smtpcom")[0]
    assert record.fault == "status" and record.duration_ms is not None and record.duration_ms >= 100


EXPECTED_429 = {
    "paubox": {
        "errors": [{"code": 429, "title": "Too Many Requests", "details": "Too many requests. Please retry later."}]
    },
    "smtpcom": {"status": "fail", "data": {"error": "Too many requests. Please retry later."}},
    "sendclean": {
        "status": "error",
        "code": -1,
        "name": "GeneralError",
        "message": "Too many requests. Please retry later.",
    },
}


@pytest.mark.parametrize("vendor", list(SENDERS))
def test_status_with_retry_after_and_vendor_body(
    http: httpx.Client, http_unchecked: httpx.Client, sandbox: SandboxHandle, vendor: str
) -> None:
    sandbox.set_fault("status", vendor=vendor, path=PATHS[vendor], status=429, retry_after=7)
    # SMTP.com documents no rate limiting, so its spec declares no 429: skip the spec check there.
    response = SENDERS[vendor](http_unchecked if vendor == "smtpcom" else http, sandbox)
    assert response.status_code == 429
    assert response.headers["retry-after"] == "7"
    assert response.json() == EXPECTED_429[vendor]
    assert sandbox.messages(vendor) == []  # not processed
    assert SENDERS[vendor](http, sandbox).status_code == 200  # times=1: the next request is normal
    assert len(sandbox.messages(vendor)) == 1
    assert [r.fault for r in sandbox.requests(vendor)] == ["status", None]


@pytest.mark.parametrize(
    ("status", "body"),
    [(500, {"status": "error", "message": "Internal server error. Please try again later."}), (503, None)],
)
def test_server_error_bodies(http: httpx.Client, sandbox: SandboxHandle, status: int, body: Any) -> None:
    sandbox.set_fault("status", vendor="smtpcom", status=status, body=None if body else {"custom": True})
    response = smtpcom_send(http if body else httpx.Client(), sandbox)
    assert response.status_code == status
    assert "retry-after" not in response.headers
    assert response.json() == (body or {"custom": True})


@pytest.mark.parametrize("vendor", list(SENDERS))
def test_drop_before_read_processes_nothing(http_unchecked: httpx.Client, sandbox: SandboxHandle, vendor: str) -> None:
    sandbox.set_fault("drop_before_read", vendor=vendor, path=PATHS[vendor])
    with pytest.raises(httpx.ReadError, match="Connection reset by peer"):
        SENDERS[vendor](http_unchecked, sandbox)
    assert sandbox.messages(vendor) == []
    (record,) = sandbox.requests(vendor)
    assert (record.fault, record.status, record.outcome) == ("drop_before_read", None, "dropped")
    assert record.json()  # the body the client sent is logged, but it was never processed
    assert SENDERS[vendor](http_unchecked, sandbox).status_code == 200  # the next request is served


def test_drop_before_read_with_plain_close(http_unchecked: httpx.Client, sandbox: SandboxHandle) -> None:
    sandbox.set_fault("drop_before_read", vendor="smtpcom", reset=False)
    with pytest.raises(httpx.RemoteProtocolError, match="Server disconnected without sending a response"):
        http_unchecked.get(sandbox.base_url("smtpcom") + "/v4/messages", params={"api_key": SMTPCOM_API_KEY})
    assert sandbox.requests("smtpcom")[0].outcome == "dropped"


@pytest.mark.parametrize("vendor", list(SENDERS))
def test_drop_after_read_processes_the_message(
    http_unchecked: httpx.Client, sandbox: SandboxHandle, vendor: str
) -> None:
    sandbox.set_fault("drop_after_read", vendor=vendor, path=PATHS[vendor])
    with pytest.raises(httpx.RemoteProtocolError, match="Server disconnected without sending a response"):
        SENDERS[vendor](http_unchecked, sandbox)
    assert len(sandbox.messages(vendor)) == 1  # processed and stored, but no response was sent
    (record,) = sandbox.requests(vendor)
    assert (record.fault, record.status, record.outcome) == ("drop_after_read", None, "dropped")
    assert record.json()  # the body was read and logged


def test_drop_after_read_with_reset(http_unchecked: httpx.Client, sandbox: SandboxHandle) -> None:
    sandbox.set_fault("drop_after_read", vendor="paubox", reset=True)
    with pytest.raises(httpx.ReadError):
        paubox_send(http_unchecked, sandbox)
    assert len(sandbox.messages("paubox")) == 1


@pytest.mark.parametrize("vendor", list(SENDERS))
def test_truncated_json_body(http_unchecked: httpx.Client, sandbox: SandboxHandle, vendor: str) -> None:
    sandbox.set_fault("truncated", vendor=vendor)
    response = SENDERS[vendor](http_unchecked, sandbox)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert int(response.headers["content-length"]) == len(response.content) > 0
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)
    assert len(sandbox.messages(vendor)) == 1
    assert sandbox.requests(vendor)[0].outcome == "truncated"


@pytest.mark.parametrize("vendor", list(SENDERS))
def test_html_error_page(http_unchecked: httpx.Client, sandbox: SandboxHandle, vendor: str) -> None:
    sandbox.set_fault("html", vendor=vendor, status=503, retry_after=30)
    response = SENDERS[vendor](http_unchecked, sandbox)
    assert response.status_code == 503
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["retry-after"] == "30"
    assert response.text.startswith("<html>") and "503 Service Unavailable" in response.text
    assert sandbox.messages(vendor) == []
    sandbox.set_fault("html", vendor=vendor)
    assert SENDERS[vendor](http_unchecked, sandbox).status_code == 502  # default status


def test_times_and_always(http: httpx.Client, sandbox: SandboxHandle) -> None:
    sandbox.set_fault("status", vendor="paubox", status=503, times=2)
    assert [paubox_send(http, sandbox).status_code for _ in range(3)] == [503, 503, 200]
    rule = sandbox.set_fault("status", vendor="paubox", status=500, times=None)
    assert [paubox_send(http, sandbox).status_code for _ in range(4)] == [500] * 4
    assert [f.id for f in sandbox.faults()] == [rule.id]
    assert sandbox.faults()[0].applied == 4
    assert sandbox.clear_faults() == 1
    assert paubox_send(http, sandbox).status_code == 200


def test_matching_by_vendor_path_and_method(http: httpx.Client, sandbox: SandboxHandle) -> None:
    sandbox.set_fault("status", vendor="smtpcom", path="/v4/messages", method="GET", status=503, times=None)
    sandbox.set_fault("status", vendor="sendclean", path="*/getMessageInfo", status=502, times=None)
    assert smtpcom_send(http, sandbox).status_code == 200  # POST: not matched
    listing = http.get(
        sandbox.base_url("smtpcom") + "/v4/messages",
        params={"api_key": SMTPCOM_API_KEY, "start": 0, "limit": 1, "offset": 0, "channel": SMTPCOM_CHANNEL},
    )
    assert listing.status_code == 503
    mime = http.post(
        sandbox.base_url("smtpcom") + "/v4/messages/mime",
        json={
            "mime": "Subject: x\r\n\r\nx",
            "channel": SMTPCOM_CHANNEL,
            "recipients": {"to": [{"address": "a@example.com"}]},
        },
        headers={"X-SMTPCOM-API": SMTPCOM_API_KEY},
    )
    assert mime.status_code == 200  # a different path
    assert paubox_send(http, sandbox).status_code == 200  # a different vendor
    assert sendclean_send(http, sandbox).status_code == 200
    info = http.post(
        sandbox.base_url("sendclean") + "/messages/getMessageInfo",
        json={"owner_id": SENDCLEAN_OWNER_ID, "token": SENDCLEAN_TOKEN, "x_unique_id": "x"},
    )
    assert info.status_code == 502


def test_full_path_pattern_matches_too(http: httpx.Client, sandbox: SandboxHandle) -> None:
    sandbox.set_fault("status", path="/paubox/v1/sandbox/*", status=503)
    assert paubox_send(http, sandbox).status_code == 503


def test_every_request_is_logged(http_unchecked: httpx.Client, sandbox: SandboxHandle) -> None:
    kinds = ["latency", "status", "html", "truncated", "drop_before_read", "drop_after_read"]
    for kind in kinds:
        sandbox.set_fault(kind, vendor="paubox")
        with contextlib.suppress(httpx.TransportError):
            paubox_send(http_unchecked, sandbox)
    paubox_send(http_unchecked, sandbox)
    records = sandbox.requests("paubox")
    assert [r.fault for r in records] == [*kinds, None]
    assert all(r.method == "POST" and r.path == "/paubox/v1/sandbox/messages" for r in records)
    assert records[0].headers["authorization"] == f"Token token={PAUBOX_API_KEY}"
    assert [r.outcome for r in records] == [
        "responded",
        "responded",
        "responded",
        "truncated",
        "dropped",
        "dropped",
        "responded",
    ]


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        ({"kind": "explode"}, "kind must be one of"),
        ({"kind": "status", "vendor": "mailchimp"}, "vendor must be one of"),
        ({"kind": "status", "times": 0}, "times must be a positive integer"),
        ({"kind": "status", "status": 42}, "status must be an HTTP status code"),
        ({"kind": "latency", "status": 500}, "status only applies"),
        ({"kind": "latency", "latency_ms": -5}, "latency_ms must be a non-negative number"),
        ({"kind": "latency", "color": "red"}, "unknown field(s): color"),
        ({}, "kind is required"),
    ],
)
def test_invalid_fault_definitions(
    http: httpx.Client, sandbox: SandboxHandle, fault: dict[str, Any], error: str
) -> None:
    response = http.post(sandbox.url + "/_sandbox/faults", json=fault)
    assert response.status_code == 400
    assert error in response.json()["error"]
    assert sandbox.faults() == []


def test_faults_over_the_control_api(http_unchecked: httpx.Client, sandbox: SandboxHandle) -> None:
    created = http_unchecked.post(
        sandbox.url + "/_sandbox/faults",
        json={
            "kind": "status",
            "vendor": "paubox",
            "path": "/messages",
            "status": 429,
            "retry_after": "3",
            "times": None,
        },
    )
    assert created.status_code == 201
    fault = created.json()["fault"]
    assert fault | {"id": 0} == {
        "id": 0,
        "kind": "status",
        "vendor": "paubox",
        "path": "/messages",
        "method": None,
        "times": None,
        "latency_ms": 0,
        "status": 429,
        "retry_after": "3",
        "body": None,
        "reset": None,
        "applied": 0,
    }
    assert paubox_send(http_unchecked, sandbox).status_code == 429
    listed = http_unchecked.get(sandbox.url + "/_sandbox/faults").json()["faults"]
    assert [(f["id"], f["applied"]) for f in listed] == [(fault["id"], 1)]
    http_unchecked.post(sandbox.url + "/_sandbox/faults", json={"kind": "html"})
    assert http_unchecked.delete(f"{sandbox.url}/_sandbox/faults/{fault['id']}").json() == {"deleted": fault["id"]}
    assert http_unchecked.delete(f"{sandbox.url}/_sandbox/faults/{fault['id']}").status_code == 404
    assert http_unchecked.delete(sandbox.url + "/_sandbox/faults").json() == {"cleared": 1}
    assert paubox_send(http_unchecked, sandbox).status_code == 200


@pytest.mark.parametrize("protocol", ["httptools", "h11"])
def test_drops_also_work_under_stock_uvicorn_protocols(protocol: str) -> None:
    """Without `SandboxHttpProtocol` the transport is found through the server's `send` callable."""
    app = SandboxApp()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, http=protocol, lifespan="off", log_config=None, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline
            time.sleep(0.01)
        url = f"http://127.0.0.1:{port}/smtpcom/v4/messages"
        app.state.faults.add("drop_before_read", vendor="smtpcom")
        with httpx.Client() as client:
            with pytest.raises(httpx.ReadError):
                client.post(url, json={}, headers={"X-SMTPCOM-API": SMTPCOM_API_KEY})
            app.state.faults.add("drop_after_read", vendor="smtpcom")
            with pytest.raises(httpx.RemoteProtocolError):
                client.post(url, json={}, headers={"X-SMTPCOM-API": SMTPCOM_API_KEY})
        assert [r.outcome for r in app.state.store.requests()] == ["dropped", "dropped"]
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
