"""The control API, the testing handle, the runner and the spec-check hook itself."""

from __future__ import annotations

import email
import os
import signal
import socket
import subprocess
import sys
import time
from email import policy
from pathlib import Path

import httpx
import pytest
from sandbox_spec import check_response

from sandbox.config import (
    DEFAULT_CONFIG,
    PAUBOX_API_KEY,
    PAUBOX_USERNAME,
    SENDCLEAN_OWNER_ID,
    SENDCLEAN_SMTP_USER,
    SENDCLEAN_TOKEN,
    SMTPCOM_API_KEY,
    SMTPCOM_CHANNEL,
    base_url,
)
from sandbox.testing import SandboxHandle, running_sandbox

ROOT = Path(__file__).resolve().parents[2]


def send_one_of_each(http: httpx.Client, sb: SandboxHandle) -> None:
    paubox = {
        "data": {
            "message": {
                "recipients": ["a@example.com"],
                "headers": {"subject": "p", "from": "b@example.org"},
                "content": {"text/plain": "x"},
            }
        }
    }
    assert http.post(
        sb.base_url("paubox") + "/messages", json=paubox, headers={"Authorization": f"Token token={PAUBOX_API_KEY}"}
    ).is_success
    smtpcom = {
        "channel": SMTPCOM_CHANNEL,
        "recipients": {"to": [{"address": "a@example.com"}]},
        "originator": {"from": {"address": "b@example.org"}},
        "subject": "s",
        "body": {"parts": [{"type": "text/plain", "content": "x"}]},
    }
    assert http.post(
        sb.base_url("smtpcom") + "/v4/messages", json=smtpcom, params={"api_key": SMTPCOM_API_KEY}
    ).is_success
    sendclean = {
        "owner_id": SENDCLEAN_OWNER_ID,
        "token": SENDCLEAN_TOKEN,
        "smtp_user_name": SENDCLEAN_SMTP_USER,
        "message": {"text": "x", "subject": "c", "from_email": "b@example.org", "to": [{"email": "a@example.com"}]},
    }
    assert http.post(sb.base_url("sendclean") + "/messages/sendMail", json=sendclean).json()["status"] == "success"


def test_base_urls(sandbox: SandboxHandle) -> None:
    root = sandbox.url
    assert root.startswith("http://127.0.0.1:")
    assert sandbox.base_url("paubox") == f"{root}/paubox/v1/{PAUBOX_USERNAME}"
    assert sandbox.base_url("paubox", username="x") == f"{root}/paubox/v1/x"
    assert sandbox.base_url("smtpcom") == f"{root}/smtpcom"
    assert sandbox.base_url("sendclean") == f"{root}/sendclean/v1.0"
    assert sandbox.base_url("poweremail") == f"{root}/poweremail/v1.0"
    with pytest.raises(ValueError, match="unknown vendor"):
        base_url(root, "mailgun")


def test_messages_and_requests_over_http(http: httpx.Client, sandbox: SandboxHandle) -> None:
    send_one_of_each(http, sandbox)
    control = sandbox.url + "/_sandbox"
    everything = http.get(control + "/messages").json()["messages"]
    assert [m["vendor"] for m in everything] == ["paubox", "smtpcom", "sendclean"]
    only = http.get(control + "/messages", params={"vendor": "smtpcom"}).json()["messages"]
    assert len(only) == 1 and only[0]["summary"]["headers"]["Subject"] == "s"
    assert only[0]["meta"]["channel"] == SMTPCOM_CHANNEL
    assert "mime" not in only[0]
    with_mime = http.get(control + "/messages", params={"vendor": "sendclean", "mime": "1"}).json()["messages"][0]
    parsed = email.message_from_string(with_mime["mime"], policy=policy.default)
    assert parsed["Subject"] == "c"

    one = http.get(f"{control}/messages/{everything[0]['seq']}").json()
    assert one["id"] == everything[0]["id"] and "mime" in one
    raw = http.get(f"{control}/messages/{everything[0]['seq']}/raw")
    assert raw.headers["content-type"] == "message/rfc822"
    assert b"Subject: p" in raw.content
    assert http.get(f"{control}/messages/999999").status_code == 404

    requests = http.get(control + "/requests").json()["requests"]
    assert [(r["vendor"], r["method"], r["status"]) for r in requests] == [
        ("paubox", "POST", 200),
        ("smtpcom", "POST", 200),
        ("sendclean", "POST", 200),
    ]
    assert requests[1]["query"] == f"api_key={SMTPCOM_API_KEY}"
    assert requests[0]["headers"]["authorization"] == f"Token token={PAUBOX_API_KEY}"
    assert '"recipients"' in requests[0]["body"]
    assert len(http.get(control + "/requests", params={"vendor": "paubox"}).json()["requests"]) == 1
    assert len(http.get(control + "/requests", params={"limit": 2}).json()["requests"]) == 2
    assert http.get(control + "/requests", params={"vendor": "nope"}).status_code == 400


def test_reset_over_http(http: httpx.Client, sandbox: SandboxHandle) -> None:
    send_one_of_each(http, sandbox)
    sandbox.set_fault("latency", latency_ms=1)
    sandbox.configure(paubox_processing_reads=5)
    assert http.post(sandbox.url + "/_sandbox/reset").json() == {"status": "ok"}
    assert sandbox.messages() == [] and sandbox.requests() == [] and sandbox.faults() == []
    assert sandbox.config == DEFAULT_CONFIG


def test_health_and_config(http: httpx.Client, sandbox: SandboxHandle) -> None:
    assert http.get(sandbox.url + "/_sandbox/health").json() == {"status": "ok"}
    config = http.get(sandbox.url + "/_sandbox/config").json()
    assert config["paubox_accounts"][PAUBOX_USERNAME] == PAUBOX_API_KEY
    assert config["smtpcom_channels"][0] == SMTPCOM_CHANNEL
    assert config["sendclean"]["owner_id"] == SENDCLEAN_OWNER_ID
    assert config["base_urls"]["smtpcom"] == sandbox.url + "/smtpcom"
    assert "welcome" in config["templates"]


def test_control_requests_are_not_logged(http: httpx.Client, sandbox: SandboxHandle) -> None:
    http.get(sandbox.url + "/_sandbox/messages")
    assert sandbox.requests() == []


def test_unknown_vendor_paths(http_unchecked: httpx.Client, sandbox: SandboxHandle) -> None:
    assert http_unchecked.get(sandbox.url + "/mailgun/v3/messages").status_code == 404
    smtp = http_unchecked.get(sandbox.base_url("smtpcom") + "/v4/nothing", params={"api_key": SMTPCOM_API_KEY})
    assert smtp.status_code == 404 and smtp.json()["status"] == "fail"
    paubox = http_unchecked.delete(sandbox.base_url("paubox") + "/messages")
    assert paubox.status_code == 405 and "errors" in paubox.json()
    sendclean = http_unchecked.get(sandbox.base_url("sendclean") + "/messages/sendMail")
    assert sendclean.status_code == 405 and sendclean.json()["status"] == "error"
    assert len(sandbox.requests()) == 3  # vendor-prefixed requests are logged even when unknown


def test_running_sandbox_with_overrides() -> None:
    with running_sandbox(paubox_processing_reads=0, smtpcom_channels=("only",)) as sb:
        assert sb.config.paubox_processing_reads == 0
        response = httpx.get(
            sb.base_url("smtpcom") + "/v4/messages",
            params={"api_key": SMTPCOM_API_KEY, "start": 0, "limit": 1, "offset": 0, "channel": SMTPCOM_CHANNEL},
        )
        assert response.status_code == 404
        sb.configure(smtpcom_channels=(SMTPCOM_CHANNEL,))
        sb.reset()
        assert sb.config.smtpcom_channels == ("only",)  # reset restores the start-up config
    with pytest.raises(TypeError, match="unknown sandbox config option"), running_sandbox(no_such_option=1):
        pass


def test_spec_hook_rejects_a_nonconforming_body() -> None:
    request = httpx.Request("GET", "http://127.0.0.1/paubox/v1/sandbox/message_receipt")
    response = httpx.Response(404, json={"errors": []}, request=request)  # no echoed sourceTrackingId
    with pytest.raises(AssertionError, match="sourceTrackingId"):
        check_response(response)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_python_dash_m_sandbox_runs_in_the_foreground() -> None:
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "sandbox", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}/_sandbox/health"
        deadline = time.monotonic() + 20
        while True:
            assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
            try:
                if httpx.get(url, timeout=1).json() == {"status": "ok"}:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "server did not come up"
            time.sleep(0.1)
        listing = httpx.get(
            f"http://127.0.0.1:{port}/smtpcom/v4/messages",
            params={"start": 0, "limit": 5, "offset": 0, "channel": SMTPCOM_CHANNEL},
            headers={"X-SMTPCOM-API": SMTPCOM_API_KEY},
        )
        assert listing.json() == {"status": "success", "data": {"items": []}}
    finally:
        proc.terminate()
        try:
            output = proc.communicate(timeout=15)[0].decode()
        except subprocess.TimeoutExpired:
            proc.kill()
            output = proc.communicate()[0].decode()
    assert f"http://127.0.0.1:{port}/paubox/v1/{PAUBOX_USERNAME}" in output
    assert "Traceback" not in output
    assert proc.returncode in (0, -signal.SIGTERM)  # uvicorn re-raises the signal after a graceful shutdown
