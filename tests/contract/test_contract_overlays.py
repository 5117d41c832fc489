"""Every overlay call, sync and async, goes through Prism without a contract violation.

Paubox ``send_message``, ``send_bulk_messages``, ``get_message_receipt``, ``send_bulk`` (4 calls);
SMTP.com ``send_message``, ``send_mime``, ``list_messages``, ``send_email_message`` in each auth mode
``bearer`` (the default: no ``auth=`` given; the spec's ``bearerAuth`` scheme), ``header``, ``query``
and ``basic`` (4 calls x 4 modes); SendClean and PowerEmail ``send_mail``, ``send_template``,
``get_message_info``, ``send_template_http_get`` (4 calls each). Each is made with the sync client
and with the async client: 2 x (4 + 16 + 4 + 4) = 56 tests. A send returns a ``SentMessage`` whose
``.id`` is a non-empty ``str`` and whose ``.response`` is the spec's success model. The generated
functions called with ``client.client`` (Paubox and SMTP.com, whose credentials travel in headers)
carry the credentials too.

The overlay clients build their httpx client themselves, so Prism is reached through ``transport=``:
``PrismTransport`` checks and strips the server path (Prism serves the spec paths without it), adds
``Prefer: code=<success>, example=<first success example>`` so Prism answers with a documented
success body (the SendClean/PowerEmail 200 is ``oneOf [ErrorEnvelope, <success>]``), and records
every exchange. Each call must return its success model; every request it made must get the
success status with no ``sl-violations`` header and no ``problem+json`` body, else the test fails
with Prism's violation list. Retries are off (``RetryPolicy(max_retries=0)``) and every request
has a 10 s timeout.
"""

from __future__ import annotations

import base64
import contextlib
import importlib
import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import httpx
import pytest
from prism_support import (
    API_USERNAME,
    REQUEST_TIMEOUT,
    SERVER_PREFIX,
    AsyncPrismTransport,
    PrismTransport,
    operation,
    prefer,
    request_example,
)

API_KEY = "contract-test-key"
OWNER_ID = "owner_id"
TOKEN = "platform-test-token"
SMTP_USER = "smtp12345"
AUTH_MODES = ("bearer", "header", "query", "basic")  # "bearer": the default, no ``auth=`` given
PLATFORM = ("poweremail", "sendclean")

Arguments = tuple[tuple[Any, ...], dict[str, Any]]


@dataclass(frozen=True)
class OverlayCall:
    """One overlay method: which operation it uses, how to call it, what it returns.

    ``model`` is the class name of the result, or of ``result.response`` when ``sends`` (the call
    returns a ``SentMessage`` then)."""

    vendor: str
    method: str
    operation_id: str
    model: str
    arguments: Callable[[Any], Arguments]  # given the vendor's package
    requests: int = 1
    check: Callable[[Any], None] = field(default=lambda result: None)
    sends: bool = False


# --------------------------------------------------------------------------- call arguments (the spec's examples)


def paubox_messages(pkg: Any) -> list[Any]:
    batch = request_example("paubox", "send_bulk_messages", "vendorDocBatch")["data"]["messages"]
    return [pkg.Message.from_dict(message) for message in batch]


def paubox_send(pkg: Any) -> Arguments:
    data = request_example("paubox", "send_message", "fullWithOverrides")["data"]
    return (pkg.Message.from_dict(data["message"]),), {
        "override_open_tracking": data["override_open_tracking"],
        "override_link_tracking": data["override_link_tracking"],
        "unsubscribe_url": data["unsubscribe_url"],
    }


def check_send_bulk(result: Any) -> None:
    # 4 messages in chunks of 2: Prism's bulk example has 2 results, one per message of a chunk.
    assert result.ok, result.failures
    assert len(result.tracking_ids) == 4 and all(result.tracking_ids), result.tracking_ids


def smtp_send(pkg: Any) -> Arguments:
    return (pkg.SendMessageRequest.from_dict(request_example("smtpcom", "v4_messages_post", "full_message")),), {}


def smtp_mime(pkg: Any) -> Arguments:
    return (pkg.SendMimeMessageRequest.from_dict(request_example("smtpcom", "v4_messages_mime_post", "php_sdk")),), {}


def smtp_list(pkg: Any) -> Arguments:
    start = datetime.now(UTC) - timedelta(days=7)
    options = {"start": start, "limit": 10, "offset": 0, "end": int(start.timestamp()) + 3600, "event": "delivered"}
    return ("my_channel",), {**options, "msg_id": "d8bc7242-7492-4371-a78c-484b21a9a3eb"}


def smtp_email_message(pkg: Any) -> Arguments:
    msg = EmailMessage()
    msg["From"] = "Shop <noreply@example.com>"
    msg["To"] = "Jane Doe <jane@example.com>, bob@example.com"
    msg["Cc"] = "carol@example.com"
    msg["Bcc"] = "audit@example.com"
    msg["Reply-To"] = "help@example.com"
    msg["Subject"] = "Hello"
    msg.set_content("Hi there")
    msg.add_alternative("<p>Hi there</p>", subtype="html")
    return (msg,), {"channel": "my_channel"}


def platform_send_mail(vendor: str) -> Callable[[Any], Arguments]:
    def arguments(pkg: Any) -> Arguments:
        example = request_example(vendor, "send_mail", "doc_example_call")
        return (pkg.Message.from_dict(example["message"]),), {"smtp_user_name": example["smtp_user_name"]}

    return arguments


def platform_send_template(vendor: str) -> Callable[[Any], Arguments]:
    def arguments(pkg: Any) -> Arguments:
        example = request_example(vendor, "send_template", "doc_example_call")
        return (pkg.TemplateMessage.from_dict(example["message"]),), {"smtp_user_name": example["smtp_user_name"]}

    return arguments


def platform_message_info(pkg: Any) -> Arguments:
    return ("test",), {"skip_page": 1}


def platform_http_get(pkg: Any) -> Arguments:
    return (), {
        "template_id": "template_id",
        "to": "info@example.com",
        "subject": "hello",
        "from_email": "hello@example.com",
        "dynamic_value": {"NAME": "xyz", "Email": "xyz@example.com"},
    }


def check_paubox_id(sent: Any) -> None:
    assert sent.id == sent.response.source_tracking_id


CALLS: list[OverlayCall] = [
    OverlayCall(
        "paubox", "send_message", "send_message", "SingleSendResponse", paubox_send, check=check_paubox_id, sends=True
    ),
    OverlayCall(
        "paubox",
        "send_bulk_messages",
        "send_bulk_messages",
        "BulkSendResponse",
        lambda pkg: ((paubox_messages(pkg),), {}),
    ),
    OverlayCall(
        "paubox",
        "get_message_receipt",
        "get_message_receipt",
        "MessageReceiptResponse",
        lambda pkg: (("6e1cf9a4-7bde-4834-8200-ed424b50c8a7",), {}),
    ),
    OverlayCall(
        "paubox",
        "send_bulk",
        "send_bulk_messages",
        "BulkSendResult",
        lambda pkg: ((paubox_messages(pkg) * 2,), {"chunk_size": 2}),
        requests=2,
        check=check_send_bulk,
    ),
    OverlayCall("smtpcom", "send_message", "v4_messages_post", "SendMessageResponse", smtp_send, sends=True),
    OverlayCall("smtpcom", "send_mime", "v4_messages_mime_post", "SendMessageResponse", smtp_mime, sends=True),
    OverlayCall("smtpcom", "list_messages", "v4_messages_get", "MessagesListResponse", smtp_list),
    OverlayCall(
        "smtpcom", "send_email_message", "v4_messages_mime_post", "SendMessageResponse", smtp_email_message, sends=True
    ),
]
for _vendor in PLATFORM:
    CALLS += [
        OverlayCall(_vendor, "send_mail", "send_mail", "SendResult", platform_send_mail(_vendor), sends=True),
        OverlayCall(
            _vendor, "send_template", "send_template", "SendResult", platform_send_template(_vendor), sends=True
        ),
        OverlayCall(_vendor, "get_message_info", "get_message_info", "MessageInfoResult", platform_message_info),
        OverlayCall(_vendor, "send_template_http_get", "send_template_http_get", "SendResult", platform_http_get),
    ]


def cases() -> Iterator[Any]:
    for call in CALLS:
        for auth in AUTH_MODES if call.vendor == "smtpcom" else (None,):
            suffix = f"-{auth}" if auth else ""
            yield pytest.param(call, auth, id=f"{call.vendor}-{call.method}{suffix}")


# --------------------------------------------------------------------------- clients and checks


def overlay_client(
    vendor: str,
    prism: str,
    transport: httpx.BaseTransport | httpx.AsyncBaseTransport,
    *,
    asynchronous: bool,
    auth: str | None = None,
) -> Any:
    """The vendor's overlay client (sync or async) on Prism, through ``transport``, without retries."""
    pkg = importlib.import_module(f"{vendor}_client")
    options: dict[str, Any] = {
        "timeout": REQUEST_TIMEOUT,
        "retry": pkg.RetryPolicy(max_retries=0),
        "transport": transport,
    }
    if vendor == "paubox":
        cls = pkg.AsyncPaubox if asynchronous else pkg.Paubox
        # The real base-URL shape, {api_username} included; the transport strips /v1/<username>.
        return cls(API_KEY, api_username=API_USERNAME, base_url=prism + "/v1/{api_username}", **options)
    if vendor == "smtpcom":
        cls = pkg.AsyncSMTPcom if asynchronous else pkg.SMTPcom
        if auth != "bearer":  # bearer is the default: leave it to the client
            options["auth"] = auth
        return cls(API_KEY, base_url=prism, **options)
    brand = {"sendclean": "SendClean", "poweremail": "PowerEmail"}[vendor]
    cls = getattr(pkg, f"Async{brand}" if asynchronous else brand)
    # SendClean/PowerEmail take the full ".../v1.0" base; the transport strips /v1.0.
    return cls(OWNER_ID, TOKEN, smtp_user_name=SMTP_USER, base_url=prism + "/v1.0", **options)


def transport_for(call: OverlayCall, asynchronous: bool) -> PrismTransport | AsyncPrismTransport:
    op = operation(call.vendor, call.operation_id)
    cls = AsyncPrismTransport if asynchronous else PrismTransport
    return cls(SERVER_PREFIX[call.vendor], prefer(op.success_code, op.success_example()))


@contextlib.contextmanager
def reported(transport: PrismTransport | AsyncPrismTransport) -> Iterator[None]:
    """An exception from the overlay call fails the test with what Prism said about each request."""
    try:
        yield
    except AssertionError:
        raise
    except Exception as exc:
        raise AssertionError(
            f"the overlay call raised {type(exc).__name__}: {exc}\nPrism's side:\n{transport.report()}"
        ) from exc


def check_auth(vendor: str, auth: str | None, transport: PrismTransport | AsyncPrismTransport) -> None:
    """The request carried the credentials the way the client was configured to send them."""
    for exchange in transport.exchanges:
        headers = exchange.request_headers
        if vendor == "paubox":
            assert headers.get("authorization") == f"Token token={API_KEY}"
        elif vendor == "smtpcom":
            in_query = f"api_key={API_KEY}" in exchange.url
            basic = "Basic " + base64.b64encode(f"api:{API_KEY}".encode()).decode()
            expected = {
                "bearer": (headers.get("x-smtpcom-api") is None, False, f"Bearer {API_KEY}"),
                "header": (headers.get("x-smtpcom-api") == API_KEY, False, None),
                "query": (headers.get("x-smtpcom-api") is None, True, None),
                "basic": (headers.get("x-smtpcom-api") is None, False, basic),
            }[str(auth)]
            assert expected[0] and in_query == expected[1] and headers.get("authorization") == expected[2], (
                f"auth={auth}: {exchange.url} {dict(headers)}"
            )
        else:  # SendClean/PowerEmail: no auth header; owner_id/token in the body, or the query of the GET
            assert "authorization" not in headers
            assert (f"token={TOKEN}" in exchange.url) == (exchange.method == "GET"), exchange.url


def check_result(call: OverlayCall, auth: str | None, result: Any, transport: Any) -> None:
    op = operation(call.vendor, call.operation_id)
    transport.assert_clean(expected_requests=call.requests, status=op.success_code)
    pkg = importlib.import_module(f"{call.vendor}_client")
    if call.sends:
        assert isinstance(result, pkg.SentMessage), f"{call.method} returned {type(result).__name__}"
        assert isinstance(result.id, str) and result.id, result
        parsed = result.response
    else:
        parsed = result
    assert type(parsed).__name__ == call.model, f"{call.method} returned {type(parsed).__name__}"
    call.check(result)
    check_auth(call.vendor, auth, transport)


# --------------------------------------------------------------------------- tests


@pytest.mark.parametrize(("call", "auth"), list(cases()))
def test_overlay_sync_call_is_accepted(call: OverlayCall, auth: str | None, prism_url: Callable[[str], str]) -> None:
    pkg = importlib.import_module(f"{call.vendor}_client")
    args, kwargs = call.arguments(pkg)
    transport = transport_for(call, asynchronous=False)
    client = overlay_client(call.vendor, prism_url(call.vendor), transport, asynchronous=False, auth=auth)
    with client, reported(transport):
        result = getattr(client, call.method)(*args, **kwargs)
    check_result(call, auth, result, transport)


@pytest.mark.parametrize(("call", "auth"), list(cases()))
async def test_overlay_async_call_is_accepted(
    call: OverlayCall, auth: str | None, prism_url: Callable[[str], str]
) -> None:
    pkg = importlib.import_module(f"{call.vendor}_client")
    args, kwargs = call.arguments(pkg)
    transport = transport_for(call, asynchronous=True)
    async with overlay_client(call.vendor, prism_url(call.vendor), transport, asynchronous=True, auth=auth) as client:
        with reported(transport):
            result = await getattr(client, call.method)(*args, **kwargs)
    check_result(call, auth, result, transport)


CLASSES = {
    "paubox": "AsyncPaubox",
    "smtpcom": "AsyncSMTPcom",
    "sendclean": "AsyncSendClean",
    "poweremail": "AsyncPowerEmail",
}


#: Calls that send nothing of their own: they build their request with a covered call and send it
#: through it (``send_email_message`` converts to ``send_message``/``send_mail``; ``delivery_status``
#: reads through ``get_message_receipt``, ``list_messages`` or ``get_message_info``).
COMPOSED = {
    "paubox": {"send_email_message", "delivery_status"},
    "smtpcom": {"delivery_status"},
    "sendclean": {"send_email_message", "delivery_status"},
    "poweremail": {"send_email_message", "delivery_status"},
}


def test_every_overlay_call_is_covered() -> None:
    """Every public call of every client is in ``CALLS`` or ``COMPOSED``: a new overlay method must be added."""
    covered: dict[str, set[str]] = {}
    for call in CALLS:
        covered.setdefault(call.vendor, set()).add(call.method)
    public: dict[str, set[str]] = {}
    for vendor, name in CLASSES.items():
        cls = getattr(importlib.import_module(f"{vendor}_client"), name)
        public[vendor] = (
            {n for n, v in inspect.getmembers(cls, inspect.iscoroutinefunction) if not n.startswith("_")}
            - {"aclose"}
            - COMPOSED[vendor]
        )
    assert covered == public
    platform = {"send_mail", "send_template", "get_message_info", "send_template_http_get"}
    assert public == {
        "paubox": {"send_message", "send_bulk_messages", "get_message_receipt", "send_bulk"},
        "smtpcom": {"send_message", "send_mime", "list_messages", "send_email_message"},
        "poweremail": platform,
        "sendclean": platform,
    }


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("vendor", ["paubox", "smtpcom"])
async def test_generated_function_with_the_client_property_carries_the_credentials(
    vendor: str, asynchronous: bool, prism_url: Callable[[str], str]
) -> None:
    """``client.client`` is the generated client on the same pool: a generated function called with it
    sends the credentials (SMTP.com's default, Bearer) and Prism accepts the request."""
    calls: dict[str, tuple[str, dict[str, Any]]] = {
        "paubox": ("get_message_receipt", {"source_tracking_id": "6e1cf9a4-7bde-4834-8200-ed424b50c8a7"}),
        "smtpcom": ("v4_messages_get", {"channel": "my_channel", "start": "1628850169", "limit": 10, "offset": 0}),
    }
    op_id, kwargs = calls[vendor]
    function = importlib.import_module(f"{vendor}_client.api.messages.{op_id}")
    op = operation(vendor, op_id)
    transport = (AsyncPrismTransport if asynchronous else PrismTransport)(
        SERVER_PREFIX[vendor], prefer(op.success_code, op.success_example())
    )
    client = overlay_client(vendor, prism_url(vendor), transport, asynchronous=asynchronous, auth="bearer")
    if asynchronous:
        async with client:
            response = await function.asyncio_detailed(client=client.client, **kwargs)
    else:
        with client:
            response = function.sync_detailed(client=client.client, **kwargs)
    transport.assert_clean(expected_requests=1, status=op.success_code)
    assert response.status_code == op.success_code
    check_auth(vendor, "bearer", transport)
    assert transport.exchanges[0].request_headers["user-agent"].startswith(f"{vendor}-client/")


def test_prism_reports_smtpcom_request_without_credentials(prism_smtpcom: str) -> None:
    """Negative: without any of the three schemes, Prism answers 401 with a security violation."""
    from smtpcom_client.api.messages import v4_messages_get
    from smtpcom_client.client import Client

    transport = PrismTransport(SERVER_PREFIX["smtpcom"], prefer(200))
    client: Any = Client(
        base_url=prism_smtpcom, timeout=httpx.Timeout(REQUEST_TIMEOUT), httpx_args={"transport": transport}
    )
    with client, contextlib.suppress(KeyError, TypeError, ValueError):  # the 401 body is Prism's, not the spec's
        v4_messages_get.sync_detailed(client=client, start="1628850169", limit=10, offset=0, channel="my_channel")
    [exchange] = transport.exchanges
    assert exchange.status == 401 and any("security" in v for v in exchange.violations), str(exchange)
