"""No secret in any repr, str, error, URL in an error or DEBUG log line; no secret kept globally.

The sandbox is configured to accept a recognisable secret, then every vendor and auth mode meets
every outcome a user can: success, credentials the vendor rejects with its own words echoing the
secret, a retried 503, a proxy's HTML page echoing the secret, truncated JSON, a dropped
connection, a read timeout and a refused connection. Everything a user could print is scanned: the
client, its generated client, the result, each error's str/repr/url/args, and every log record of
httpx, httpcore and the package at DEBUG.
"""

from __future__ import annotations

import base64
import gc
import json
import logging
import subprocess
import sys
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any
from urllib.parse import quote, quote_plus

import httpx
import pytest
from support.clients import VENDORS, make_client
from support.servers import DeadPort

from sandbox import config as sb
from sandbox.config import BrandAccount
from sandbox.testing import SandboxHandle

SECRET = "Sup3r-Secret-Key/+=0123456789"
PLATFORM = ("sendclean", "poweremail")


def secret_forms(secret: str) -> list[str]:
    """The secret as it could appear: raw, URL-encoded, or inside a Basic credential."""
    return [secret, quote(secret, safe=""), quote_plus(secret), base64.b64encode(f"api:{secret}".encode()).decode()]


# ------------------------------------------------------------------------------ the cases


@dataclass(frozen=True)
class Case:
    """One vendor and auth mode: how to build a client holding SECRET and make one call."""

    vendor: str
    options: dict[str, Any] = field(default_factory=dict)
    legacy_get: bool = False

    @property
    def credentials(self) -> dict[str, Any]:
        return {"token": SECRET} if self.vendor in PLATFORM else {"api_key": SECRET}

    def accept_secret(self, sandbox: SandboxHandle) -> None:
        """Make the sandbox accept SECRET as this vendor's credential."""
        if self.vendor == "paubox":
            sandbox.configure(paubox_accounts={sb.PAUBOX_USERNAME: SECRET})
        elif self.vendor == "smtpcom":
            sandbox.configure(smtpcom_api_keys=(SECRET,))
        else:
            account = sandbox.config.brand(self.vendor)
            sandbox.configure(**{self.vendor: BrandAccount(account.owner_id, SECRET, account.smtp_user_names)})

    def call(self, client: Any) -> Any:
        if self.legacy_get:
            return client.send_template_http_get(
                template_id=sb.WELCOME_TEMPLATE_ID,
                to="ann@example.com",
                subject="Hi",
                from_email="team@example.com",
                dynamic_value={"NAME": "Ann"},
            )
        return getattr(client, VENDORS[self.vendor].send)(VENDORS[self.vendor].message())

    def rejection(self) -> Any:
        """The vendor's own auth-failure body, its words quoting the secret back."""
        if self.vendor == "paubox":
            return {"errors": [{"code": 401, "title": f"Access token {SECRET} does not match endpoint username"}]}
        if self.vendor == "smtpcom":
            return {"status": "fail", "data": {"api_key": f"invalid key {SECRET}"}}
        return {"status": "error", "code": -1, "name": "AuthenticationError", "message": f"Token {SECRET} MissMatch"}


CASES = {
    "paubox": Case("paubox"),
    **{f"smtpcom-{mode}": Case("smtpcom", {"auth": mode}) for mode in ("bearer", "header", "query", "basic")},
    **{f"{brand}-post": Case(brand) for brand in PLATFORM},
    **{f"{brand}-legacy-get": Case(brand, legacy_get=True) for brand in PLATFORM},
}

#: Outcome -> the sandbox fault producing it (None: no fault). "refused" has no server at all.
OUTCOMES: dict[str, dict[str, Any] | None] = {
    "success": None,
    "vendor-rejects-echoing-the-secret": {"kind": "status", "status": 401},
    "503-retried-then-given-up": {"kind": "status", "status": 503, "times": None},
    "html-page-echoing-the-secret": {"kind": "html", "status": 200},
    "truncated-json": {"kind": "truncated"},
    "dropped-connection": {"kind": "drop_after_read"},
    "read-timeout": {"kind": "drop_before_read", "latency_ms": 500},
    "connection-refused": None,
}


def _watched(record: logging.LogRecord, package: str) -> bool:
    return record.name.split(".")[0] in ("httpx", "httpcore", package)


def _printable(error: Exception) -> list[str]:
    return [str(error), repr(error), str(getattr(error, "url", "")), str(error.args)]


@pytest.mark.parametrize("name", list(CASES))
def test_no_secret_anywhere(sandbox: SandboxHandle, caplog: pytest.LogCaptureFixture, name: str) -> None:
    case = CASES[name]
    package = VENDORS[case.vendor].module
    caplog.set_level(logging.DEBUG)
    seen: list[str] = []

    with DeadPort() as dead:
        for outcome, fault in OUTCOMES.items():
            sandbox.reset()
            case.accept_secret(sandbox)
            if fault is not None:
                rule = dict(fault)
                if outcome.startswith("vendor-rejects"):
                    rule["body"] = case.rejection()
                if outcome.startswith("html-page"):
                    rule["body"] = f"<html>bad gateway for token={SECRET} ({quote(SECRET)})</html>"
                sandbox.set_fault(rule.pop("kind"), vendor=case.vendor, **rule)
            base_url = sandbox.base_url(case.vendor)
            if outcome == "connection-refused":
                base_url = base_url.replace(sandbox.url, dead.url)
            options = {**case.options, **case.credentials, "base_url": base_url}
            options.update(retry=package.RetryPolicy(max_retries=1), timeout=0.2 if outcome == "read-timeout" else 10)
            with make_client(case.vendor, **options) as client:
                client._sleep = lambda seconds: None
                seen += [repr(client), str(client), repr(client.client)]
                try:
                    result = case.call(client)
                except package.ClientError as error:
                    assert outcome != "success", error
                    seen += _printable(error)
                else:
                    assert outcome == "success", f"{outcome}: expected an error, got {result!r}"
                    seen.append(repr(result))

    records = [r for r in caplog.records if _watched(r, package.__name__)]
    assert any("HTTP Request" in r.getMessage() for r in records), "httpx's request log line must be captured"
    assert any(r.name.startswith("httpcore") for r in records), "httpcore's DEBUG lines must be captured"
    seen += [r.getMessage() for r in records] + [str(r.args) for r in records]
    leaks = [(form, line) for line in seen for form in secret_forms(SECRET) if form in line]
    assert not leaks, f"{name}: the secret leaked in {leaks[:3]}"


# ------------------------------------------------------------------------------ nothing kept


N_CLIENTS = 5000
CANARY = "leak-canary-"


def _container_sizes(modules: list[ModuleType]) -> dict[tuple[str, str], int]:
    return {
        (module.__name__, attribute): len(value)
        for module in modules
        for attribute, value in vars(module).items()
        if isinstance(value, list | set | dict | tuple | frozenset)
    }


def _runtime_modules() -> list[ModuleType]:
    packages = [VENDORS[vendor].package for vendor in VENDORS]
    return [module for name, module in list(sys.modules.items()) if name.split(".")[0] in packages and module]


def _build_and_drop(count: int) -> list[weakref.ref[Any]]:
    """Build ``count`` clients across vendors and auth modes, each with its own secret, and drop them."""
    transport = httpx.HTTPTransport()  # shared: a pool of its own would cost each client an SSL context
    variants: list[tuple[str, dict[str, Any]]] = [
        ("paubox", {}),
        ("smtpcom", {"auth": "bearer"}),
        ("smtpcom", {"auth": "query"}),
        ("sendclean", {}),
        ("poweremail", {}),
    ]
    refs: list[weakref.ref[Any]] = []
    for number in range(count):
        vendor, options = variants[number % len(variants)]
        secret = f"{CANARY}{number:05d}-{vendor}"
        credential: dict[str, Any] = {"token": secret} if vendor in PLATFORM else {"api_key": secret}
        client = make_client(vendor, transport=transport, **options, **credential)
        refs.append(weakref.ref(client))
    return refs


def _holds_canary(container: object) -> bool:
    if isinstance(container, dict):
        items: Iterator[object] = iter([*container.keys(), *container.values()])
    elif isinstance(container, list | tuple | set | frozenset):
        items = iter(container)
    else:
        return False
    return any(isinstance(item, str) and item.startswith(CANARY) and item != CANARY for item in items)


def test_the_secrets_of_many_clients_are_not_retained_anywhere() -> None:
    _build_and_drop(10)  # lazy imports and the one-time httpx log filter happen here
    gc.collect()
    modules = _runtime_modules()
    sizes = _container_sizes(modules)
    httpx_filters = list(logging.getLogger("httpx").filters)

    refs = _build_and_drop(N_CLIENTS)
    gc.collect()

    assert [ref for ref in refs if ref() is not None] == [], "something global keeps clients alive"
    assert _container_sizes(modules) == sizes, "a module-level container of the runtime grew"
    assert logging.getLogger("httpx").filters == httpx_filters, "the httpx log filter is attached once"
    holders = [type(obj).__name__ for obj in gc.get_objects() if _holds_canary(obj)]
    assert holders == [], f"containers still hold secrets of dropped clients: {holders[:5]}"


def test_each_client_masks_only_its_own_secrets() -> None:
    import paubox_client

    first = paubox_client.Paubox("first-client-secret-1", api_username="u", transport=httpx.HTTPTransport())
    second = paubox_client.Paubox("second-client-secret-2", api_username="u", transport=httpx.HTTPTransport())
    text = "first-client-secret-1 / second-client-secret-2"
    assert first._redact is not second._redact
    assert first._redact(text) == "*** / second-client-secret-2"
    assert second._redact(text) == "first-client-secret-1 / ***"
    first.close()
    second.close()


# ------------------------------------------------------------------------------ sys.modules

SYS_MODULES_PROBE = r"""
import json, sys

if sys.argv[1] == "missing":  # sniffio as if not installed: no finder knows it
    class Hide:
        def __init__(self, finder):
            self.finder = finder

        def find_spec(self, name, path=None, target=None):
            if name == "sniffio" or name.startswith("sniffio."):
                return None
            return self.finder.find_spec(name, path, target)

        def invalidate_caches(self):
            getattr(self.finder, "invalidate_caches", lambda: None)()

    sys.meta_path[:] = [Hide(finder) for finder in sys.meta_path]

import paubox_client, poweremail_client, sendclean_client, smtpcom_client

def build():
    paubox_client.AsyncPaubox("k" * 20, api_username="u")
    smtpcom_client.AsyncSMTPcom("k" * 20, auth="query")
    sendclean_client.AsyncSendClean("owner", "t" * 20)
    poweremail_client.AsyncPowerEmail("owner", "t" * 20)

before = dict(sys.modules)
build()  # the first build may import what the clients need, through the import system
first = dict(sys.modules)
build()
second = dict(sys.modules)
print(json.dumps({
    "not_imported": sorted(
        name for name, module in first.items()
        if name not in before and (module is None or getattr(module.__spec__, "name", None) != name)
    ),
    "replaced": sorted(name for name in before if first.get(name) is not before[name]),
    "second_build_changed": sorted(set(first) ^ set(second)) + sorted(n for n in first if second.get(n) is not first[n]),
    "sniffio": "sniffio" in sys.modules,
}))
"""


@pytest.mark.parametrize("sniffio", ["installed", "missing"])
def test_building_async_clients_writes_no_sys_modules_entry(sniffio: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", SYS_MODULES_PROBE, sniffio], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["not_imported"] == [], "entries put into sys.modules by hand"
    assert report["replaced"] == []
    assert report["second_build_changed"] == []
    if sniffio == "missing":
        assert report["sniffio"] is False, "a placeholder for sniffio was written into sys.modules"


# ------------------------------------------------------------------------------ unreadable 2xx


@pytest.mark.parametrize("vendor", list(VENDORS))
def test_an_unreadable_2xx_to_a_send_says_probably_accepted_without_quoting_the_body(
    sandbox: SandboxHandle, vendor: str
) -> None:
    canary = "PATIENT-CANARY-4711"
    sandbox.set_fault("html", vendor=vendor, status=200, body=f"<html><body>Queued for {canary}</body></html>")
    package = VENDORS[vendor].module
    with (
        make_client(vendor, base_url=sandbox.base_url(vendor)) as client,
        pytest.raises(package.ResponseParseError) as raised,
    ):
        getattr(client, VENDORS[vendor].send)(VENDORS[vendor].message())
    error = raised.value
    assert error.may_have_been_sent is True and error.status_code == 200
    assert "probably accepted" in str(error)
    assert canary not in str(error) and canary not in repr(error)
    assert canary.encode() in error.body, "the raw body stays available on .body"
    assert len(sandbox.requests(vendor)) == 1, "a 2xx is never retried"
