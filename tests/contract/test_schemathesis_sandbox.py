"""Schemathesis against the sandbox: for every operation of every spec, the sandbox's answers conform.

Each spec (specs/<vendor>.yaml) is loaded with `schemathesis.openapi.from_path`, and every request
goes over HTTP to a sandbox server this module starts (`sandbox.base_url(vendor)`). The Hypothesis
runs are bounded and reproducible: `MAX_EXAMPLES` generated requests, `derandomize=True`, no example
database, no shrinking.

* `test_<vendor>_conforms` (one test per operation, via `schema.parametrize()`): schemathesis' own
  pipeline: the spec's request examples, the coverage phase (boundary and invalid values of every
  parameter, wrong content types, unexpected methods) and `MAX_EXAMPLES` fuzzed requests, valid
  and invalid;
* `test_deliverable_requests`: `MAX_EXAMPLES` valid requests whose values are also meaningful (real
  addresses, a known channel, SMTP user and template, no line breaks in header values), i.e. the
  rules the specs state in prose, which JSON Schema cannot express. These must be accepted;
* `test_unauthenticated_requests`: each operation's first spec example without credentials.

Every answer must pass schemathesis' response checks: `not_a_server_error` (never a 5xx, whatever
the input), `status_code_conformance` (the status is documented), `content_type_conformance`,
`response_headers_conformance` and `response_schema_conformance` (the body matches the schema
documented for that status). Invalid input must get the vendor's documented error:
`negative_data_rejection` (a 4xx) for Paubox and SMTP.com; for SendClean/PowerEmail, which report
errors with HTTP 200, the platform's error envelope (`platform_error_envelope`).

Generated requests carry the sandbox's credentials (Paubox `Authorization: Token token=...`,
SMTP.com `X-SMTPCOM-API`, the platform's `owner_id`/`token` body fields or query parameters), so
they get past authentication and reach the sandbox's validation.

The tests at the end of this module pin down the non-conformances this suite found in the sandbox
(all fixed): a part without `type`, an empty custom-header array, `skip_page: null`,
`unsubscribe_url: null`, and 405 answers without `Allow`.
"""

from __future__ import annotations

import base64
import copy
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.configuration import set_hypothesis_home_dir
from requests.structures import CaseInsensitiveDict
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

# The repo root must come first: `tests/` holds a `sandbox` directory too.
ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sandbox import config as sb  # noqa: E402
from sandbox.testing import SandboxHandle, running_sandbox  # noqa: E402

SPECS = ROOT / "specs"
if not os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
    # Hypothesis keeps caches (not examples: `database=None`) in ./.hypothesis; not in the checkout.
    set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "hypothesis-sandbox-contract")
VENDORS = ("paubox", "smtpcom", "sendclean", "poweremail")
PLATFORM = ("sendclean", "poweremail")
#: Generated (fuzzed) requests per operation and test, on top of the examples and the coverage phase.
MAX_EXAMPLES = 25

BOUNDED = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,  # the same requests on every run
    database=None,  # nothing written to .hypothesis/
    phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure is reported as generated
    suppress_health_check=list(HealthCheck),
    print_blob=False,
)

SCHEMAS = {vendor: schemathesis.openapi.from_path(SPECS / f"{vendor}.yaml") for vendor in VENDORS}


def _operations() -> Iterator[Any]:
    for vendor, schema in SCHEMAS.items():
        for result in schema.get_all_operations():
            assert isinstance(result, Ok), result  # every operation of our specs loads
            operation = result.ok()
            yield pytest.param(vendor, operation, id=f"{vendor}:{operation.method.upper()}:{operation.path}")


OPERATIONS = list(_operations())
PER_OPERATION = pytest.mark.parametrize(("vendor", "operation"), OPERATIONS)


@pytest.fixture(scope="module")
def live_sandbox() -> Iterator[SandboxHandle]:
    """A sandbox server of this module's own: whatever the fuzzing stores stays out of other tests."""
    with running_sandbox() as handle:
        yield handle


@pytest.fixture(scope="module")
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        session.trust_env = False  # no proxy between us and 127.0.0.1
        yield session


# ------------------------------------------------------------------------------------ credentials


def authenticate(vendor: str, case: schemathesis.Case[Any]) -> None:
    """Put the sandbox's credentials into a request, wherever this vendor expects them."""
    if vendor in ("paubox", "smtpcom"):
        headers = CaseInsensitiveDict(case.headers or {})
        if vendor == "paubox":
            headers["Authorization"] = f"Token token={sb.PAUBOX_API_KEY}"
        else:
            headers["X-SMTPCOM-API"] = sb.SMTPCOM_API_KEY
        case.headers = headers
    else:
        account = sb.DEFAULT_CONFIG.brand(vendor)
        credentials = {"owner_id": account.owner_id, "token": account.token}
        if case.method.upper() == "GET":
            case.query = {**(case.query or {}), **credentials}
        elif isinstance(case.body, dict):
            case.body = {**case.body, **credentials}


def strip_credentials(vendor: str, case: schemathesis.Case[Any]) -> None:
    """Remove every credential the spec example or the generator put into the request."""
    if vendor in PLATFORM:
        container = case.query if case.method.upper() == "GET" else case.body
        if isinstance(container, dict):
            for key in ("owner_id", "token"):
                container.pop(key, None)
    else:
        names = {"authorization", "x-smtpcom-api"}
        case.headers = CaseInsensitiveDict({k: v for k, v in (case.headers or {}).items() if k.lower() not in names})
        if case.query:
            case.query = {k: v for k, v in case.query.items() if k != "api_key"}


# ------------------------------------------------------------------------ meaningful (deliverable) values

_LINE_BREAKS = re.compile(r"[\r\n\x00]")
_NOT_A_HEADER_NAME = re.compile(r"[^!-9;-~]")  # printable ASCII except ':' (RFC 5322 ftext)
_NAME_CHARS = re.compile(r"[^A-Za-z0-9 .'_-]")
_MANAGED_HEADERS = {"content-type", "content-transfer-encoding", "mime-version"}


def _address(tag: str, index: int) -> str:
    return f"{tag}{index}@example.com"


def _text(value: Any) -> str:
    """A header-safe rendering of a generated string: no line breaks."""
    return _LINE_BREAKS.sub(" ", value) if isinstance(value, str) else value


def _header_name(name: str, index: int) -> str:
    cleaned = _NOT_A_HEADER_NAME.sub("", name)
    return f"X-{cleaned}" if cleaned and cleaned.lower() not in _MANAGED_HEADERS else f"X-Generated-{index}"


def _headers(headers: dict[str, Any], *, keep: set[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for index, (name, value) in enumerate(headers.items()):
        key = name if name in keep else _header_name(name, index)
        out[key] = [_text(v) for v in value] if isinstance(value, list) else _text(value)
    return out


def _paubox_message(message: dict[str, Any], tag: str) -> None:
    room = 100
    for kind in ("recipients", "cc", "bcc"):
        addresses = message.get(kind)
        if isinstance(addresses, list):
            addresses = addresses[: max(room, 1 if kind == "recipients" else 0)]
            room -= len(addresses)
            message[kind] = [_address(f"{tag}-{kind}-", i) for i in range(len(addresses))]
    headers = message["headers"]
    named = {"subject", "from", "reply-to", "List-Unsubscribe", "List-Unsubscribe-Post"}
    fixed = _headers({k: v for k, v in headers.items() if v is not None}, keep=named)
    fixed["from"] = "Sender <sender@example.com>"
    if fixed.get("reply-to") is not None:
        fixed["reply-to"] = "reply@example.com"
    message["headers"] = {**{k: None for k, v in headers.items() if v is None}, **fixed}
    for attachment in message.get("attachments") or []:
        attachment["fileName"] = _text(attachment["fileName"])
        # The pattern admits the base64 alphabet and line breaks; the prose asks for real base64.
        attachment["content"] = base64.encodebytes(attachment["content"].encode("utf-8", "surrogatepass")).decode()


def _smtpcom_address(value: dict[str, Any], tag: str, index: int) -> None:
    value["address"] = _address(tag, index)
    if "name" in value:
        value["name"] = _NAME_CHARS.sub("", value["name"]).strip() or "Name"


def _smtpcom_envelope(body: dict[str, Any]) -> None:
    body["channel"] = sb.SMTPCOM_CHANNEL
    recipients = body.get("recipients")
    if isinstance(recipients, dict):
        if recipients.get("bulk_list") and any(recipients.get(k) for k in ("to", "cc", "bcc")):
            del recipients["bulk_list"]  # "bulk_list cannot be combined with to, cc or bcc"
        room = 1000
        for kind in ("to", "cc", "bcc", "bulk_list"):
            if isinstance(recipients.get(kind), list):
                recipients[kind] = recipients[kind][:room]
                room -= len(recipients[kind])
                for index, item in enumerate(recipients[kind]):
                    _smtpcom_address(item, f"{kind}-", index)
        if not any(recipients.get(k) for k in ("to", "cc", "bcc", "bulk_list")):
            recipients["to"] = [{"address": "to@example.com"}]
    originator = body.get("originator")
    if isinstance(originator, dict):
        for index, kind in enumerate(("from", "reply_to")):
            if isinstance(originator.get(kind), dict):
                _smtpcom_address(originator[kind], f"{kind}-", index)


def _smtpcom_message(body: dict[str, Any]) -> None:
    _smtpcom_envelope(body)
    if isinstance(body.get("subject"), str):
        body["subject"] = body["subject"].replace("\x00", "")  # multiline is fine, NUL never is (RFC 5322)
    if isinstance(body.get("custom_headers"), dict):
        body["custom_headers"] = _headers(body["custom_headers"], keep=set())
    content = body.get("body") or {}  # optional: the service accepts a message without a body
    for part in content.get("parts") or []:
        if part.get("type") is not None:
            # "`message/rfc822` is prohibited"; a MIME type is type/subtype
            part["type"] = "text/html" if "html" in part["type"] else "text/plain"
        part["charset"] = "UTF-8"
        part["encoding"] = "base64"  # the documented default; 7bit cannot carry every generated string
    for attachment in content.get("attachments") or []:
        attachment["filename"] = _text(attachment["filename"]) or "file.bin"
        attachment.pop("encoding", None)  # raw content, as the vendor documents it
        if "cid" in attachment:
            attachment["cid"] = _text(attachment["cid"])


def _platform_message(message: dict[str, Any]) -> None:
    recipients = message.get("to") or [{"email": "x"}]
    for index, recipient in enumerate(recipients):
        recipient["email"] = _address("to-", index)
        if "name" in recipient:
            recipient["name"] = _text(recipient["name"])
    message["to"] = recipients  # at least one recipient
    for key in ("subject", "from_name"):
        if key in message:
            message[key] = _text(message[key])
    if "from_email" in message:
        message["from_email"] = "sender@example.com"
    if isinstance(message.get("headers"), dict):
        named = {"Reply-To", "X-Unique-Id", "X-STes-TrackOpen", "X-STes-TrackClick", "X-STes-Autotext"}
        named |= {"X-STes-AutoHtml", "X-STes-TrackingDomain", "X-STes-SigningDomain", "X-STes-ReturnPathDomain"}
        message["headers"] = _headers(message["headers"], keep=named)
        if "Reply-To" in message["headers"]:
            message["headers"]["Reply-To"] = "reply@example.com"
    for key in ("attachments", "images"):
        for item in message.get(key) or []:
            item["name"] = _text(item["name"])
            item["type"] = _text(item["type"])


def make_deliverable(vendor: str, case: schemathesis.Case[Any], tracking_id: str) -> None:
    """Give a valid generated request meaningful values, as the specs' prose asks (see module doc)."""
    label = f"{case.method.upper()} {case.path}"
    body: Any = copy.deepcopy(case.body) if isinstance(case.body, dict) else case.body
    query: dict[str, Any] = dict(case.query or {})
    if vendor == "paubox":
        if label == "GET /message_receipt":
            query["sourceTrackingId"] = tracking_id
        else:
            data = body["data"]
            for index, message in enumerate(data.get("messages") or [data.get("message")]):
                if message is not None:
                    _paubox_message(message, f"m{index}")
            if data.get("unsubscribe_url") is not None:
                data["unsubscribe_url"] = "https://example.com/unsubscribe"
    elif vendor == "smtpcom":
        if label == "GET /v4/messages":
            query.update(channel=sb.SMTPCOM_CHANNEL, start="1628850169")
            if "end" in query:
                query["end"] = "Fri, 13 Aug 2100 10:22:49 -0000"
        elif label == "POST /v4/messages":
            _smtpcom_message(body)
        else:
            _smtpcom_envelope(body)
            body["mime"] = "Subject: generated\r\n\r\n" + _text(body["mime"])
    else:
        account = sb.DEFAULT_CONFIG.brand(vendor)
        template = sb.WELCOME_TEMPLATE_ID
        if label == "GET /messages/sendTemplateHTTPGet":
            query.update(smtp_user_name=account.smtp_user_names[0], template_id=template)
            query.update(to="to@example.com", from_email="sender@example.com", subject=_text(query["subject"]))
        elif label != "POST /messages/getMessageInfo":
            body["smtp_user_name"] = account.smtp_user_names[0]
            if "template_id" in body["message"]:
                body["message"]["template_id"] = template
            _platform_message(body["message"])
    case.body = body
    case.query = query


# ------------------------------------------------------------------------------------------ checks


def platform_error_envelope(ctx: Any, response: schemathesis.Response, case: schemathesis.Case[Any]) -> bool | None:
    """SendClean/PowerEmail: invalid input gets the platform's error envelope, which comes with HTTP 200.

    An answer with `"status": "error"` is the documented rejection; anything else is judged by
    schemathesis' own `negative_data_rejection` (a 4xx is required for invalid input).
    """
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and body.get("status") == "error":
        return None
    return negative_data_rejection(ctx, response, case)


def accepted(ctx: Any, response: schemathesis.Response, case: schemathesis.Case[Any]) -> bool | None:
    """A deliverable request succeeds: 2xx and no error status in the body."""
    body = response.json()
    status = body.get("status") if isinstance(body, dict) else None
    assert 200 <= response.status_code < 300 and status in (None, "success") and "errors" not in body, (
        f"a valid, deliverable request was refused: HTTP {response.status_code} {response.text}"
    )
    return True


CONFORMANCE = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def checks_for(vendor: str) -> list[Callable[..., Any]]:
    return [*CONFORMANCE, platform_error_envelope if vendor in PLATFORM else negative_data_rejection]


def send_and_check(
    case: schemathesis.Case[Any], base_url: str, http: requests.Session, checks: list[Callable[..., Any]]
) -> int:
    response = case.call(base_url=base_url, session=http)
    case.validate_response(response, checks=checks)
    return response.status_code


def body_status(response_json: Any) -> str:
    return str(response_json.get("status", "-")) if isinstance(response_json, dict) else "-"


# ------------------------------------------------------------------------------------------- tests


def conformance_test(vendor: str) -> Any:
    """The schemathesis pipeline for one spec, one pytest test per operation: the spec's examples,
    the coverage phase (boundary and invalid values of every parameter) and `MAX_EXAMPLES` fuzzed
    requests (valid and invalid), each sent to the sandbox and checked."""
    checks = checks_for(vendor)

    @SCHEMAS[vendor].parametrize()
    @BOUNDED
    def test(case: schemathesis.Case[Any], live_sandbox: SandboxHandle, http: requests.Session) -> None:
        authenticate(vendor, case)
        case.call_and_validate(base_url=live_sandbox.base_url(vendor), session=http, checks=checks)

    return test


test_paubox_conforms = conformance_test("paubox")
test_smtpcom_conforms = conformance_test("smtpcom")
test_sendclean_conforms = conformance_test("sendclean")
test_poweremail_conforms = conformance_test("poweremail")


@PER_OPERATION
def test_deliverable_requests(live_sandbox: SandboxHandle, http: requests.Session, vendor: str, operation: Any) -> None:
    base_url = live_sandbox.base_url(vendor)
    checks = [*CONFORMANCE, accepted]
    tracking_id = _paubox_tracking_id(live_sandbox, http)
    count = 0

    @BOUNDED
    @given(case=operation.as_strategy(GenerationMode.POSITIVE))
    def run(case: schemathesis.Case[Any]) -> None:
        nonlocal count
        make_deliverable(vendor, case, tracking_id)
        authenticate(vendor, case)
        send_and_check(case, base_url, http, checks)
        count += 1

    run()
    assert count >= min(MAX_EXAMPLES, 5)


@PER_OPERATION
def test_unauthenticated_requests(
    live_sandbox: SandboxHandle, http: requests.Session, vendor: str, operation: Any
) -> None:
    base_url = live_sandbox.base_url(vendor)
    statuses: list[tuple[int, str]] = []

    @settings(BOUNDED, max_examples=1)
    @given(case=operation.get_strategies_from_examples()[0])
    def run(case: schemathesis.Case[Any]) -> None:
        strip_credentials(vendor, case)
        response = case.call(base_url=base_url, session=http)
        case.validate_response(response, checks=CONFORMANCE)
        statuses.append((response.status_code, body_status(response.json())))

    run()
    expected = {"paubox": (401, "-"), "smtpcom": (401, "fail")}.get(vendor, (200, "error"))
    assert statuses == [expected]


def _paubox_tracking_id(sandbox: SandboxHandle, http: requests.Session) -> str:
    """The tracking id of a message sent to the sandbox (for deliverable receipt reads)."""
    found = [m.id for m in sandbox.messages("paubox")]
    if found:
        return found[0]
    response = http.post(
        sandbox.base_url("paubox") + "/messages",
        headers={"Authorization": f"Token token={sb.PAUBOX_API_KEY}"},
        json={
            "data": {
                "message": {
                    "recipients": ["jane@example.com"],
                    "headers": {"subject": "Hi", "from": "clinic@example.com"},
                    "content": {"text/plain": "Hi"},
                }
            }
        },
        timeout=10,
    )
    tracking_id: str = response.json()["sourceTrackingId"]
    return tracking_id


def test_smtpcom_part_without_type_is_accepted(live_sandbox: SandboxHandle, http: requests.Session) -> None:
    response = http.post(
        live_sandbox.base_url("smtpcom") + "/v4/messages",
        headers={"X-SMTPCOM-API": sb.SMTPCOM_API_KEY},
        json={
            "channel": sb.SMTPCOM_CHANNEL,
            "recipients": {"to": [{"address": "jane@example.com"}]},
            "originator": {"from": {"address": "noreply@example.com"}},
            "body": {"parts": [{"content": "Hi"}]},  # the vendor's own SDK examples send only content
        },
        timeout=10,
    )
    assert response.status_code == 200, response.text


def test_smtpcom_empty_custom_header_array_is_accepted(live_sandbox: SandboxHandle, http: requests.Session) -> None:
    response = http.post(
        live_sandbox.base_url("smtpcom") + "/v4/messages",
        headers={"X-SMTPCOM-API": sb.SMTPCOM_API_KEY},
        json={
            "channel": sb.SMTPCOM_CHANNEL,
            "recipients": {"to": [{"address": "jane@example.com"}]},
            "originator": {"from": {"address": "noreply@example.com"}},
            "custom_headers": {"X-Tags": []},  # "one header line per element": none
            "body": {"parts": [{"type": "text/plain", "content": "Hi"}]},
        },
        timeout=10,
    )
    assert response.status_code == 200, response.text


def test_sendclean_null_skip_page_is_a_validation_error(live_sandbox: SandboxHandle, http: requests.Session) -> None:
    account = sb.DEFAULT_CONFIG.sendclean
    response = http.post(
        live_sandbox.base_url("sendclean") + "/messages/getMessageInfo",
        json={"owner_id": account.owner_id, "token": account.token, "x_unique_id": "order-42", "skip_page": None},
        timeout=10,
    )
    assert response.json()["status"] == "error", response.text


def test_paubox_null_unsubscribe_url_is_refused(live_sandbox: SandboxHandle, http: requests.Session) -> None:
    response = http.post(
        live_sandbox.base_url("paubox") + "/messages",
        headers={"Authorization": f"Token token={sb.PAUBOX_API_KEY}"},
        json={
            "data": {
                "message": {
                    "recipients": ["jane@example.com"],
                    "headers": {"subject": "Hi", "from": "clinic@example.com"},
                    "content": {"text/plain": "Hi"},
                },
                "unsubscribe_url": None,
            }
        },
        timeout=10,
    )
    assert response.status_code == 400, response.text


def test_405_answers_name_the_allowed_methods(live_sandbox: SandboxHandle, http: requests.Session) -> None:
    """schemathesis' `unsupported_method` check, for one operation per vendor."""
    for vendor, path, allowed in [
        ("paubox", "/messages", "POST"),
        ("smtpcom", "/v4/messages/mime", "POST"),
        ("sendclean", "/messages/sendMail", "POST"),
        ("poweremail", "/messages/sendTemplateHTTPGet", "GET"),
    ]:
        response = http.put(live_sandbox.base_url(vendor) + path, json={}, timeout=10)
        assert response.status_code == 405, response.text
        assert response.headers.get("allow") == allowed, (vendor, dict(response.headers))
