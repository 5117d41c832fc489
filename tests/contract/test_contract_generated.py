"""Every generated operation, sync and async, sends requests that Prism accepts against the spec.

For each operation of each spec, every request example of the spec (each JSON body example, or each
round of parameter examples) is built into the generated models with ``from_dict`` and sent with
the generated ``sync_detailed`` and ``asyncio_detailed`` to ``prism mock <spec> --errors``. The
request must come back with the operation's success status, without an ``sl-violations`` header or
a ``problem+json`` body, and parse into the success model. Then every example of every success
response is requested from Prism (``Prefer: code=..., example=...``): Prism validates it against the
response schema (``--errors`` turns a mismatch into a 500), and it must parse into a generated model.
Negative tests show that requests breaking the spec are reported. The overlay calls are in
``test_contract_overlays.py``; how Prism is run and read is in ``prism_support.py``.

Coverage (``test_every_operation_is_covered`` keeps the operation counts honest):

============  ==========  ================  =================  ===================================
vendor        operations  request examples  success responses  overlay calls (sync + async each)
                          (sync + async)    examples (sync)
============  ==========  ================  =================  ===================================
Paubox        3           6                 8                  4
SMTP.com      3           7                 13                 4, each in 3 auth modes (12)
PowerEmail    4           4                 11                 4
SendClean     4           4                 9                  4
============  ==========  ================  =================  ===================================

That is 14 operations, 21 request examples x 2 = 42 generated-call tests, 41 response-example
tests, 24 overlay calls x 2 = 48 overlay tests, 5 negative tests and 2 coverage guards.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from prism_support import (
    API_USERNAME,
    REQUEST_TIMEOUT,
    SERVER_PREFIX,
    AsyncPrismTransport,
    Operation,
    PrismTransport,
    RequestCase,
    all_operations,
    base_url,
    call_kwargs,
    is_error_body,
    prefer,
    request_cases,
)

API_KEY = "contract-test-key"


def generated_client(vendor: str, prism: str, transport: httpx.BaseTransport | httpx.AsyncBaseTransport) -> Any:
    """The generated ``AuthenticatedClient``/``Client`` of ``vendor``, pointed at Prism through ``transport``."""
    client_module = importlib.import_module(f"{vendor}_client.client")
    options: dict[str, Any] = {
        "base_url": base_url(prism, vendor),
        "timeout": httpx.Timeout(REQUEST_TIMEOUT),
        "httpx_args": {"transport": transport},
    }
    if vendor == "paubox":  # apiKey in the Authorization header: "Token token=<key>"
        return client_module.AuthenticatedClient(token=f"token={API_KEY}", prefix="Token", **options)
    if vendor == "smtpcom":  # the header scheme of the three (the overlay tests cover all three)
        return client_module.AuthenticatedClient(token=API_KEY, prefix="", auth_header_name="X-SMTPCOM-API", **options)
    return client_module.Client(**options)  # SendClean/PowerEmail: credentials are body/query fields


def operation_module(op: Operation) -> Any:
    return importlib.import_module(f"{op.vendor}_client.api.messages.{op.operation_id}")


def request_params() -> Iterator[Any]:
    for op in all_operations():
        for case in request_cases(op):
            yield pytest.param(op, case, id=f"{op.vendor}-{op.operation_id}-{case.name}")


def response_params() -> Iterator[Any]:
    for op in all_operations():
        for code in sorted(c for c in op.spec["responses"] if c.isdigit() and c.startswith("2")):
            for name, example in op.success_content(int(code)).get("examples", {}).items():
                yield pytest.param(
                    op, int(code), name, example["value"], id=f"{op.vendor}-{op.operation_id}-{code}-{name}"
                )


def check_accepted(op: Operation, response: Any, router: PrismTransport | AsyncPrismTransport) -> None:
    router.assert_clean(expected_requests=1, status=op.success_code)
    assert response.status_code == op.success_code, router.report()
    parsed = response.parsed
    assert type(parsed).__name__ in op.success_models(), (
        f"Prism's success answer parsed as {type(parsed).__name__}, expected one of {op.success_models()}:\n"
        + router.report()
    )


@pytest.mark.parametrize(("op", "case"), list(request_params()))
def test_generated_sync_request_is_accepted(op: Operation, case: RequestCase, prism_url: Callable[[str], str]) -> None:
    module = operation_module(op)
    transport = PrismTransport(SERVER_PREFIX[op.vendor], prefer(op.success_code, op.success_example()))
    client = generated_client(op.vendor, prism_url(op.vendor), transport)
    with client:
        response = module.sync_detailed(client=client, **call_kwargs(module.sync_detailed, case))
    check_accepted(op, response, transport)


@pytest.mark.parametrize(("op", "case"), list(request_params()))
async def test_generated_async_request_is_accepted(
    op: Operation, case: RequestCase, prism_url: Callable[[str], str]
) -> None:
    module = operation_module(op)
    transport = AsyncPrismTransport(SERVER_PREFIX[op.vendor], prefer(op.success_code, op.success_example()))
    client = generated_client(op.vendor, prism_url(op.vendor), transport)
    async with client:
        response = await module.asyncio_detailed(client=client, **call_kwargs(module.asyncio_detailed, case))
    check_accepted(op, response, transport)


@pytest.mark.parametrize(("op", "code", "example", "value"), list(response_params()))
def test_success_response_example_is_valid_and_parses(
    op: Operation, code: int, example: str, value: Any, prism_url: Callable[[str], str]
) -> None:
    module = operation_module(op)
    transport = PrismTransport(SERVER_PREFIX[op.vendor], prefer(code, example))
    client = generated_client(op.vendor, prism_url(op.vendor), transport)
    case = request_cases(op)[0]
    with client:
        response = module.sync_detailed(client=client, **call_kwargs(module.sync_detailed, case))
    transport.assert_clean(expected_requests=1, status=code)
    assert response.status_code == code
    name = type(response.parsed).__name__
    if is_error_body(value):
        assert "Error" in name, f"the error example {example!r} parsed as {name}"
    else:
        assert name in op.success_models(), f"the success example {example!r} parsed as {name}"


def test_every_operation_is_covered() -> None:
    """Each spec's operations (as counted in the module docstring), each with a request example."""
    covered: dict[str, list[str]] = {}
    for op in all_operations():
        assert request_cases(op), f"{op.vendor} {op.operation_id}: no request example to send"
        covered.setdefault(op.vendor, []).append(op.operation_id)
    platform = ["send_mail", "send_template", "send_template_http_get", "get_message_info"]
    assert covered == {
        "paubox": ["send_message", "send_bulk_messages", "get_message_receipt"],
        "smtpcom": ["v4_messages_get", "v4_messages_post", "v4_messages_mime_post"],
        "poweremail": platform,
        "sendclean": platform,
    }


# --------------------------------------------------------------------------- negative: Prism does report


def test_prism_reports_paubox_send_without_recipients(prism_paubox: str) -> None:
    """The generated function (no overlay validation) sends ``recipients: []``; Prism must flag it."""
    from paubox_client.api.messages import send_message
    from paubox_client.models import SingleSendRequest

    body = SingleSendRequest.from_dict(
        {
            "data": {
                "message": {
                    "recipients": [],
                    "headers": {"subject": "Hello", "from": "sender@example.com"},
                    "content": {"text/plain": "Hello"},
                }
            }
        }
    )
    transport = PrismTransport(SERVER_PREFIX["paubox"], prefer(200))
    with generated_client("paubox", prism_paubox, transport) as client:
        response = send_message.sync_detailed(client=client, body=body)

    assert response.status_code == 422, response.content
    [exchange] = transport.exchanges
    assert any("data.message.recipients" in v and "minItems" in v for v in exchange.violations), str(exchange)
    # ... and the check every positive test makes fails, quoting Prism:
    with pytest.raises(AssertionError, match="recipients must NOT have fewer than 1 items"):
        transport.assert_clean(expected_requests=1)


def test_prism_reports_missing_paubox_credentials(prism_paubox: str) -> None:
    """A request without the ``Authorization`` header breaks the PauboxToken security requirement."""
    from paubox_client.api.messages import get_message_receipt
    from paubox_client.client import Client

    transport = PrismTransport(SERVER_PREFIX["paubox"], prefer(200))
    url = base_url(prism_paubox, "paubox")
    client: Any = Client(base_url=url, timeout=httpx.Timeout(REQUEST_TIMEOUT), httpx_args={"transport": transport})
    with client:
        get_message_receipt.sync_detailed(client=client, source_tracking_id="abc")

    [exchange] = transport.exchanges
    assert exchange.status == 401
    assert any("security" in v for v in exchange.violations), str(exchange)


def test_prism_reports_sendclean_message_without_content(prism_sendclean: str) -> None:
    """``message`` needs ``html`` or ``text`` (an ``anyOf`` the generated model cannot express)."""
    from sendclean_client.api.messages import send_mail
    from sendclean_client.models import SendMailRequest

    body = SendMailRequest.from_dict(
        {
            "owner_id": "owner",
            "token": "token",
            "smtp_user_name": "smtp1",
            "message": {"subject": "Hi", "from_email": "a@example.com", "to": [{"email": "b@example.com"}]},
        }
    )
    transport = PrismTransport(SERVER_PREFIX["sendclean"], prefer(200))
    # Prism's answer is a problem+json document, which the generated parser need not understand.
    with (
        generated_client("sendclean", prism_sendclean, transport) as client,
        contextlib.suppress(KeyError, TypeError, ValueError),
    ):
        send_mail.sync_detailed(client=client, body=body)

    [exchange] = transport.exchanges
    assert any("body.message" in v for v in exchange.violations), str(exchange)


def test_prism_reports_a_path_without_the_server_prefix(prism_paubox: str) -> None:
    """A base URL with the wrong server path is caught: by the transport and by Prism's 404."""
    from paubox_client.api.messages import get_message_receipt
    from paubox_client.client import AuthenticatedClient

    transport = PrismTransport(SERVER_PREFIX["paubox"], prefer(200))
    client = AuthenticatedClient(
        base_url=f"{prism_paubox}/v2/{API_USERNAME}",  # not the spec's /v1/{api_username}
        token=f"token={API_KEY}",
        prefix="Token",
        timeout=httpx.Timeout(REQUEST_TIMEOUT),
        httpx_args={"transport": transport},
    )
    # Prism's 404 is a problem+json document, which the generated parser need not understand.
    with client, contextlib.suppress(KeyError, TypeError, ValueError):
        get_message_receipt.sync_detailed(client=client, source_tracking_id="abc")

    [exchange] = transport.exchanges
    assert exchange.status == 404
    assert any("no path matched" in v for v in exchange.violations), str(exchange)
    assert transport.prefix_errors, "the transport did not notice the wrong server prefix"
