"""SMTP.com spec: valid payloads pass, and the documented invalid ones fail on the right field."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from spec_tools import errors_for, load_spec

VENDOR = "smtpcom"

MINIMAL_SEND: dict[str, Any] = {
    "channel": "my_sender_label",
    "recipients": {"to": [{"name": "Jane", "address": "jane@example.com"}]},
    "originator": {"from": {"address": "noreply@example.com"}},
    "subject": "Hello",
    "body": {"parts": [{"type": "text/plain", "content": "Hi"}]},
}

MINIMAL_MIME: dict[str, Any] = {
    "mime": "From: noreply@example.com\r\nTo: jane@example.com\r\nSubject: Hi\r\n\r\nHi\r\n",
    "channel": "my_sender_label",
    "recipients": {"to": [{"address": "jane@example.com"}]},
    "originator": {"from": {"address": "noreply@example.com"}},
}

ATTACHMENT: dict[str, Any] = {
    "type": "application/pdf",
    "filename": "a.pdf",
    "disposition": "attachment",
    "encoding": "base64",
    "content": "JVBERi0xLjQK",
}


def _assert_rejected(errors: list[str], path: str, field: str) -> None:
    """At least one error sits at ``path`` and names ``field``."""
    assert errors, "instance was accepted"
    prefix = f"{path}: "
    assert any(e.startswith(prefix) and f"'{field}'" in e for e in errors), errors


def _without(instance: dict[str, Any], *keys: str) -> dict[str, Any]:
    """A deep copy of ``instance`` with the dotted ``keys`` removed (``body.parts.0.type``)."""
    result = copy.deepcopy(instance)
    for dotted in keys:
        *parents, last = dotted.split(".")
        node: Any = result
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        del node[last]
    return result


def _with(instance: dict[str, Any], change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    result = copy.deepcopy(instance)
    change(result)
    return result


def _add_attachment(attachment: dict[str, Any]) -> Callable[[dict[str, Any]], None]:
    def change(message: dict[str, Any]) -> None:
        message["body"]["attachments"] = [attachment]

    return change


# ------------------------------------------------------------------------------ valid sends


@pytest.mark.parametrize(
    "instance",
    [
        pytest.param(MINIMAL_SEND, id="minimal-send"),
        pytest.param(_with(MINIMAL_SEND, _add_attachment(ATTACHMENT)), id="with-attachment"),
        pytest.param(
            _with(MINIMAL_SEND, lambda m: m.update(custom_headers={"X-Mailer": "MyApp", "X-Tag": ["a", "b"]})),
            id="custom-headers-string-and-list",
        ),
        pytest.param(
            _with(MINIMAL_SEND, lambda m: m.update(recipients={"bulk_list": [{"address": "a@example.com"}]})),
            id="bulk-list-only",
        ),
        pytest.param(
            _with(MINIMAL_SEND, lambda m: m.update(originator={"reply_to": {"address": "help@example.com"}})),
            id="reply-to-only-originator",
        ),
        pytest.param(
            _without(MINIMAL_SEND, "body.parts.0.type"),
            id="part-without-type-as-the-vendor-sdks-send-it",
        ),
    ],
)
def test_valid_send_is_accepted(instance: dict[str, Any]) -> None:
    assert errors_for(VENDOR, "SendMessageRequest", instance) == []


def test_minimal_mime_send_is_accepted() -> None:
    assert errors_for(VENDOR, "SendMimeMessageRequest", MINIMAL_MIME) == []


# ----------------------------------------------------------------------- rejected sends


@pytest.mark.parametrize(
    ("instance", "path", "field"),
    [
        pytest.param(_without(MINIMAL_SEND, "channel"), "<root>", "channel", id="send-without-channel"),
        pytest.param(_without(MINIMAL_SEND, "originator"), "<root>", "originator", id="send-without-originator"),
        pytest.param(_without(MINIMAL_SEND, "recipients"), "<root>", "recipients", id="send-without-recipients"),
        pytest.param(
            _without(MINIMAL_SEND, "body.parts.0.content"), "body/parts/0", "content", id="part-without-content"
        ),
        pytest.param(
            _with(MINIMAL_SEND, _add_attachment(_without(ATTACHMENT, "filename"))),
            "body/attachments/0",
            "filename",
            id="attachment-without-filename",
        ),
        pytest.param(
            _with(MINIMAL_SEND, _add_attachment(_without(ATTACHMENT, "content"))),
            "body/attachments/0",
            "content",
            id="attachment-without-content",
        ),
        pytest.param(
            _with(MINIMAL_SEND, _add_attachment({**ATTACHMENT, "disposition": "embedded"})),
            "body/attachments/0/disposition",
            "embedded",
            id="attachment-unknown-disposition",
        ),
        pytest.param(
            _without(MINIMAL_SEND, "recipients.to.0.address"),
            "recipients/to/0",
            "address",
            id="recipient-without-address",
        ),
        pytest.param(
            _without(MINIMAL_SEND, "originator.from.address"), "originator/from", "address", id="from-without-address"
        ),
    ],
)
def test_invalid_send_is_rejected(instance: dict[str, Any], path: str, field: str) -> None:
    _assert_rejected(errors_for(VENDOR, "SendMessageRequest", instance), path, field)


@pytest.mark.parametrize(
    ("instance", "path"),
    [
        pytest.param(_with(MINIMAL_SEND, lambda m: m.update(recipients={})), "recipients", id="empty-recipients"),
        pytest.param(_with(MINIMAL_SEND, lambda m: m.update(originator={})), "originator", id="empty-originator"),
        pytest.param(_with(MINIMAL_SEND, lambda m: m["body"].update(parts=[])), "body/parts", id="empty-parts-list"),
    ],
)
def test_empty_required_container_is_rejected(instance: dict[str, Any], path: str) -> None:
    """Empty containers fail: at least one of to/cc/bcc/bulk_list, of from/reply_to, and one part."""
    errors = errors_for(VENDOR, "SendMessageRequest", instance)
    assert any(e.startswith(f"{path}: ") for e in errors), errors


@pytest.mark.parametrize("field", ["mime", "channel", "recipients"], ids=lambda f: f"mime-send-without-{f}")
def test_invalid_mime_send_is_rejected(field: str) -> None:
    _assert_rejected(errors_for(VENDOR, "SendMimeMessageRequest", _without(MINIMAL_MIME, field)), "<root>", field)


# ----------------------------------------------------------------------- GET query


def _get_parameters() -> list[dict[str, Any]]:
    parameters: list[dict[str, Any]] = load_spec(VENDOR)["paths"]["/v4/messages"]["get"]["parameters"]
    return parameters


def _query_schema() -> dict[str, Any]:
    """The GET's query parameters as one object schema (required ones in ``required``)."""
    params = [p for p in _get_parameters() if p["in"] == "query"]
    return {
        "type": "object",
        "properties": {p["name"]: p["schema"] for p in params},
        "required": [p["name"] for p in params if p.get("required")],
    }


VALID_QUERY: dict[str, Any] = {"start": "1628850169", "limit": 10, "offset": 0, "channel": "my_sender_label"}


def test_get_query_minimal_is_accepted() -> None:
    assert errors_for(VENDOR, _query_schema(), VALID_QUERY) == []


@pytest.mark.parametrize(
    ("name", "required"),
    [
        ("start", True),
        ("limit", True),
        ("offset", True),
        ("channel", True),
        ("end", False),
        ("event", False),
        ("msg_id", False),
    ],
    ids=lambda v: str(v),
)
def test_get_parameter_required_flag(name: str, required: bool) -> None:
    param = next(p for p in _get_parameters() if p["name"] == name)
    assert param["in"] == "query"
    assert bool(param.get("required")) is required


@pytest.mark.parametrize("field", ["channel", "start", "limit", "offset"], ids=lambda f: f"get-without-{f}")
def test_get_query_without_required_parameter_is_rejected(field: str) -> None:
    query = {k: v for k, v in VALID_QUERY.items() if k != field}
    _assert_rejected(errors_for(VENDOR, _query_schema(), query), "<root>", field)


@pytest.mark.parametrize(
    ("change", "path"),
    [
        pytest.param({"limit": 0}, "limit", id="limit-below-1"),
        pytest.param({"limit": 1001}, "limit", id="limit-above-1000"),
        pytest.param({"offset": -1}, "offset", id="negative-offset"),
        pytest.param({"event": "bounced"}, "event", id="unknown-event-filter"),
    ],
)
def test_get_query_out_of_range_is_rejected(change: dict[str, Any], path: str) -> None:
    errors = errors_for(VENDOR, _query_schema(), {**VALID_QUERY, **change})
    assert any(e.startswith(f"{path}: ") for e in errors), errors


# ------------------------------------------------------------- tolerant responses


@pytest.mark.parametrize(
    "instance",
    [
        pytest.param(
            {"status": "success", "data": {"msg_id": "d8bc7242-7492-4371-a78c-484b21a9a3eb"}}, id="documented-msg-id"
        ),
        pytest.param(
            {"status": "success", "data": {"message": "accepted, msg_id: d8bc7242-7492-4371-a78c-484b21a9a3eb"}},
            id="observed-message-sentence",
        ),
        pytest.param({"status": "queued-someday", "data": {"message": "x", "extra": 1}}, id="unknown-status-and-key"),
    ],
)
def test_both_send_response_shapes_parse(instance: dict[str, Any]) -> None:
    assert errors_for(VENDOR, "SendMessageResponse", instance) == []


@pytest.mark.parametrize(
    "instance",
    [
        pytest.param({"status": "fail", "data": {"errors": {"channel": "could not be blank"}}}, id="fail-field-errors"),
        pytest.param({"status": "fail", "data": {"api_key": "invalid"}}, id="fail-invalid-key"),
        pytest.param({"status": "fail", "data": {"error": "sender not found"}}, id="fail-sender-not-found"),
        pytest.param({"status": "error", "message": "internal error"}, id="jsend-error"),
    ],
)
def test_error_envelope_accepts_known_shapes(instance: dict[str, Any]) -> None:
    assert errors_for(VENDOR, "ErrorEnvelope", instance) == []


def _response_schema_names() -> Iterator[str]:
    """Every component schema reachable from a response of any operation."""
    spec = load_spec(VENDOR)
    schemas = spec["components"]["schemas"]
    responses = spec["components"].get("responses", {})
    todo: list[Any] = []
    for item in spec["paths"].values():
        for op in item.values():
            todo.extend(op["responses"].values())
    seen: set[str] = set()
    while todo:
        node = todo.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                kind, name = ref.split("/")[-2:]
                target = schemas if kind == "schemas" else responses
                if f"{kind}/{name}" not in seen:
                    seen.add(f"{kind}/{name}")
                    if kind == "schemas":
                        yield name
                    todo.append(target[name])
            todo.extend(v for k, v in node.items() if k != "examples")
        elif isinstance(node, list):
            todo.extend(node)


def _has_enum(node: Any) -> bool:
    if isinstance(node, dict):
        return "enum" in node or any(_has_enum(v) for v in node.values())
    if isinstance(node, list):
        return any(_has_enum(v) for v in node)
    return False


def test_response_schemas_have_no_enum() -> None:
    schemas = load_spec(VENDOR)["components"]["schemas"]
    names = sorted(set(_response_schema_names()))
    assert "SendMessageResponseData" in names and "DeliveryInfo" in names
    assert [n for n in names if _has_enum(schemas[n])] == []
