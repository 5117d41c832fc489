"""Paubox spec fidelity: documented invalid payloads are rejected, with the error on the right field.

Each negative starts from a known-valid payload, breaks one documented rule, and checks that the
validation errors point at the field that was broken (by instance path or by the property name in the
message). Sources for the rules are in ``shared/notes/vendor-paubox.md`` (cited as §N).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from spec_tools import errors_for, load_spec

VENDOR = "paubox"

Payload = dict[str, Any]


def minimal_message() -> Payload:
    """The vendor doc's minimal message (MessagesApi.md ``single_send_request``), without the wrapper."""
    return {
        "recipients": ["recipient@host.com"],
        "headers": {"subject": "Hello from the Paubox Email API", "from": "sender@verifieddomain.com"},
        "content": {
            "text/plain": "Hello world",
            "text/html": "<html><body><h1>Hello world</h1></body></html>",
        },
    }


def minimal_send_request() -> Payload:
    return {"data": {"message": minimal_message()}}


def full_receipt() -> Payload:
    """The upstream spec's disposition example (§3.3)."""
    return {
        "sourceTrackingId": "6e1cf9a4-7bde-4834-8200-ed424b50c8a7",
        "data": {
            "message": {
                "id": "<f4a9b518-439c-497d-b87f-dfc9cc19194b@authorized_domain.com>",
                "message_deliveries": [
                    {
                        "recipient": "recipient@host.com",
                        "status": {
                            "deliveryStatus": "delivered",
                            "deliveryTime": "Mon, 23 Apr 2018 13:27:34 -0700",
                            "openedStatus": "opened",
                            "openedTime": "Mon, 23 Apr 2018 13:27:51 -0700",
                        },
                    }
                ],
                "total_opens": 1,
                "distinct_opens": 1,
                "total_click_count": 2,
                "clicks_per_link": [
                    {"click_count": 1, "target_url": "amazon.com"},
                    {"click_count": 1, "target_url": "ebay.com"},
                ],
                "unsubscribed": False,
            }
        },
    }


def receipt_not_found() -> Payload:
    """The captured paubox_ruby 404 body (§3.4)."""
    return {
        "errors": [
            {
                "code": 404,
                "status": "message_not_found",
                "title": "Message was not found",
                "details": "Message with this tracking id was not found",
            }
        ],
        "sourceTrackingId": "aca95af8-9b37-450b-94c9-5fda35348b49",
    }


def mutated(base: Callable[[], Payload], change: Callable[[Payload], None]) -> Payload:
    payload = copy.deepcopy(base())
    change(payload)
    return payload


def _set(path: tuple[str | int, ...], value: Any) -> Callable[[Payload], None]:
    def change(payload: Payload) -> None:
        target: Any = payload
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def _drop(path: tuple[str | int, ...]) -> Callable[[Payload], None]:
    def change(payload: Payload) -> None:
        target: Any = payload
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return change


def _cc_instead_of_recipients(message: Payload) -> None:
    """Only ``cc``, no ``recipients``: an ERROR row of paubox-php's live test data (§3.4)."""
    del message["recipients"]
    message["cc"] = ["cc@host.com"]


def _mentions(errors: list[str], field: str) -> bool:
    """True if some error names ``field``, either in its instance path or in its message."""
    for error in errors:
        where, _, message = error.partition(": ")
        if field in where.split("/") or f"'{field}'" in message:
            return True
    return False


# ---------------------------------------------------------------------------------------- positives


@pytest.mark.parametrize(
    ("component", "payload"),
    [
        pytest.param("Message", minimal_message(), id="minimal-message"),
        pytest.param("SingleSendRequest", minimal_send_request(), id="minimal-send-request"),
        pytest.param(
            "Message",
            mutated(minimal_message, _drop(("content", "text/html"))),
            id="plain-text-only",
        ),
        pytest.param(
            "Message",
            mutated(minimal_message, _drop(("content", "text/plain"))),
            id="html-only",
        ),
        pytest.param(
            "Message",
            mutated(
                minimal_message,
                lambda m: m.update(
                    cc=None,
                    bcc=None,
                    attachments=None,
                    headers={**m["headers"], "reply-to": None, "List-Unsubscribe": None, "List-Unsubscribe-Post": None},
                    content={"text/plain": "Hello world", "text/html": None},
                ),
            ),
            id="node-sdk-nulls",
        ),
        pytest.param(
            "Message",
            mutated(minimal_message, _set(("recipients",), [f"r{i}@host.com" for i in range(100)])),
            id="exactly-100-recipients",
        ),
        pytest.param(
            "SingleSendRequest",
            mutated(
                minimal_send_request,
                lambda r: r["data"].update(
                    override_open_tracking=True, override_link_tracking=False, unsubscribe_url="https://example.com/u"
                ),
            ),
            id="single-send-overrides",
        ),
        pytest.param("MessageReceiptResponse", full_receipt(), id="receipt-full"),
        pytest.param(
            "MessageReceiptResponse",
            mutated(
                full_receipt,
                _set(("data", "message", "message_deliveries", 0, "status", "deliveryStatus"), "some future status"),
            ),
            id="receipt-unknown-delivery-status-is-not-an-enum",
        ),
        pytest.param("MessageReceiptErrorResponse", receipt_not_found(), id="receipt-404"),
    ],
)
def test_valid_payload_is_accepted(component: str, payload: Payload) -> None:
    assert errors_for(VENDOR, component, payload) == []


# ---------------------------------------------------------------------------------------- negatives


@pytest.mark.parametrize(
    ("component", "payload", "field"),
    [
        pytest.param("Message", mutated(minimal_message, _drop(("recipients",))), "recipients", id="no-recipients"),
        pytest.param(
            "Message", mutated(minimal_message, _set(("recipients",), [])), "recipients", id="empty-recipients"
        ),
        pytest.param(
            "Message",
            mutated(minimal_message, _set(("recipients",), [f"r{i}@host.com" for i in range(101)])),
            "recipients",
            id="101-recipients",
        ),
        pytest.param(
            "Message",
            mutated(minimal_message, _set(("recipients",), "recipient@host.com")),
            "recipients",
            id="recipients-not-an-array",
        ),
        pytest.param(
            "Message",
            mutated(minimal_message, _cc_instead_of_recipients),
            "recipients",
            id="cc-only-no-recipients",
        ),
        pytest.param("Message", mutated(minimal_message, _drop(("headers",))), "headers", id="no-headers"),
        pytest.param(
            "Message", mutated(minimal_message, _drop(("headers", "from"))), "from", id="headers-without-from"
        ),
        pytest.param(
            "Message", mutated(minimal_message, _drop(("headers", "subject"))), "subject", id="headers-without-subject"
        ),
        pytest.param(
            "Message",
            mutated(minimal_message, _set(("headers", "X-Priority"), 1)),
            "X-Priority",
            id="custom-header-not-a-string",
        ),
        pytest.param(
            "Message",
            mutated(minimal_message, _set(("headers", "X-Tags"), ["a", "b"])),
            "X-Tags",
            id="custom-header-array",
        ),
        pytest.param("Message", mutated(minimal_message, _drop(("content",))), "content", id="no-content"),
        pytest.param("Message", mutated(minimal_message, _set(("content",), {})), "content", id="content-empty"),
        pytest.param(
            "Message",
            mutated(minimal_message, _set(("content",), {"text/plain": None, "text/html": None})),
            "content",
            id="content-both-null",
        ),
        pytest.param(
            "Message",
            mutated(minimal_message, _set(("content",), {"text/markdown": "# Hello"})),
            "content",
            id="content-other-type-only",
        ),
        pytest.param(
            "Message",
            mutated(minimal_message, _set(("attachments",), [{"contentType": "text/plain", "content": "SGVsbG8="}])),
            "fileName",
            id="attachment-without-fileName",
        ),
        pytest.param(
            "Message",
            mutated(minimal_message, _set(("attachments",), [{"fileName": "a.txt", "content": "SGVsbG8="}])),
            "contentType",
            id="attachment-without-contentType",
        ),
        pytest.param(
            "Message",
            mutated(minimal_message, _set(("attachments",), [{"fileName": "a.txt", "contentType": "text/plain"}])),
            "content",
            id="attachment-without-content",
        ),
        pytest.param("SingleSendRequest", {"message": minimal_message()}, "data", id="send-request-without-data"),
        pytest.param("SingleSendRequest", {"data": {}}, "message", id="send-request-without-message"),
        pytest.param(
            "SingleSendRequest",
            mutated(minimal_send_request, _set(("data", "override_open_tracking"), "yes")),
            "override_open_tracking",
            id="override-open-tracking-not-boolean",
        ),
        pytest.param("BulkSendRequest", {"data": {}}, "messages", id="bulk-without-messages"),
        pytest.param(
            "BulkSendRequest",
            {"data": {"messages": [minimal_message(), mutated(minimal_message, _drop(("headers", "from")))]}},
            "from",
            id="bulk-second-message-without-from",
        ),
        # Responses
        pytest.param(
            "MessageReceiptResponse",
            mutated(full_receipt, _drop(("sourceTrackingId",))),
            "sourceTrackingId",
            id="receipt-without-sourceTrackingId",
        ),
        pytest.param(
            "MessageReceiptResponse",
            mutated(full_receipt, _drop(("data", "message", "message_deliveries", 0, "status", "deliveryStatus"))),
            "deliveryStatus",
            id="receipt-status-without-deliveryStatus",
        ),
        pytest.param(
            "MessageReceiptResponse",
            mutated(full_receipt, _set(("data", "message", "clicks_per_link", 0, "click_count"), "1")),
            "click_count",
            id="receipt-click-count-not-integer",
        ),
        pytest.param(
            "MessageReceiptErrorResponse",
            mutated(receipt_not_found, _drop(("sourceTrackingId",))),
            "sourceTrackingId",
            id="receipt-404-without-echoed-id",
        ),
        pytest.param(
            "ErrorResponse",
            {"errors": [{"code": "400", "title": "Bad", "details": "x"}]},
            "code",
            id="error-code-not-integer",
        ),
    ],
)
def test_documented_negative_is_rejected(component: str, payload: Payload, field: str) -> None:
    errors = errors_for(VENDOR, component, payload)
    assert errors, f"{component} accepted an invalid payload: {payload!r}"
    assert _mentions(errors, field), f"no error mentions {field!r}: {errors}"


# ---------------------------------------------------------------------------------------- spec-wide


def _response_schema_names(spec: dict[str, Any]) -> set[str]:
    """Component schemas reachable from any response (through $ref), which must carry no enum."""
    schemas = spec["components"]["schemas"]
    responses = spec["components"].get("responses", {})
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                name = ref.rsplit("/", 1)[-1]
                if name not in found:
                    found.add(name)
                    walk(schemas[name])
            elif isinstance(ref, str) and ref.startswith("#/components/responses/"):
                walk(responses[ref.rsplit("/", 1)[-1]])
            for key, value in node.items():
                if key not in ("examples", "example"):
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for item in spec["paths"].values():
        for operation in item.values():
            walk(operation["responses"])
    return found


def _contains_enum(node: Any) -> bool:
    if isinstance(node, dict):
        return "enum" in node or any(_contains_enum(v) for k, v in node.items() if k not in ("examples", "example"))
    if isinstance(node, list):
        return any(_contains_enum(v) for v in node)
    return False


def test_response_schemas_have_no_enum() -> None:
    spec = load_spec(VENDOR)
    names = _response_schema_names(spec)
    assert "DeliveryStatus" in names
    offenders = sorted(n for n in names if _contains_enum(spec["components"]["schemas"][n]))
    assert offenders == []


def _shared_response_examples() -> list[Any]:
    """Examples on ``components/responses`` (the error bodies), which operations reach only by ``$ref``."""
    responses = load_spec(VENDOR)["components"].get("responses", {})
    return [
        pytest.param(media["schema"], example["value"], id=f"{name}: {media_type} {example_name}")
        for name, response in responses.items()
        for media_type, media in response.get("content", {}).items()
        for example_name, example in media.get("examples", {}).items()
    ]


@pytest.mark.parametrize(("schema", "value"), _shared_response_examples())
def test_shared_response_example_matches_schema(schema: dict[str, Any], value: Any) -> None:
    assert errors_for(VENDOR, schema, value) == []
