"""specs/sendclean.yaml accepts a minimal valid request and rejects each documented violation.

Every rejection must name the offending field: the error line's path or text points at it.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from spec_tools import errors_for, load_spec, validator_for

VENDOR = "sendclean"

AUTH = {"owner_id": "owner_id", "token": "token"}
MINIMAL_SEND_MAIL: dict[str, Any] = {**AUTH, "smtp_user_name": "smtp12345", "message": {"text": "Hello"}}
MINIMAL_SEND_TEMPLATE: dict[str, Any] = {**AUTH, "smtp_user_name": "smtp12345", "message": {"template_id": "welcome"}}
MINIMAL_GET_MESSAGE_INFO: dict[str, Any] = {**AUTH, "x_unique_id": "order-42", "skip_page": 0}


def error_lines(schema: str | dict[str, Any], instance: Any) -> list[str]:
    """``errors_for`` lines plus the sub-errors of failed ``anyOf``/``oneOf`` branches.

    An ``anyOf`` failure reports only "is not valid under any of the given schemas"; the branch
    errors underneath it ("'html' is a required property") are the ones that name the fields.
    """
    lines = errors_for(VENDOR, schema, instance)
    pending = list(validator_for(VENDOR, schema).iter_errors(instance))
    while pending:
        error = pending.pop()
        for sub in error.context or []:
            lines.append(f"{'/'.join(map(str, sub.absolute_path)) or '<root>'}: {sub.message}")
            pending.append(sub)
    return lines


def without(instance: dict[str, Any], path: str) -> dict[str, Any]:
    """A deep copy of ``instance`` with the key at slash-separated ``path`` removed."""
    result = copy.deepcopy(instance)
    *parents, last = path.split("/")
    target: Any = result
    for key in parents:
        target = target[int(key)] if isinstance(target, list) else target[key]
    del target[last]
    return result


def with_message(instance: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A deep copy of ``instance`` whose ``message`` has ``fields`` set."""
    result = copy.deepcopy(instance)
    result["message"].update(fields)
    return result


@pytest.mark.parametrize(
    ("schema", "instance"),
    [
        pytest.param("SendMailRequest", MINIMAL_SEND_MAIL, id="send_mail-text_only"),
        pytest.param(
            "SendMailRequest",
            {**MINIMAL_SEND_MAIL, "message": {"html": "<p>Hello</p>"}},
            id="send_mail-html_only",
        ),
        pytest.param(
            "SendMailRequest",
            with_message(
                MINIMAL_SEND_MAIL,
                to=[{"email": "a@example.com"}, {"email": "b@example.com", "name": "B", "type": "bcc"}],
                images=[{"type": "image/png", "name": "logo", "content": "iVBORw0KGgo="}],
                headers={"X-Unique-Id": "order-42", "X-STes-TrackOpen": "yes", "X-Custom": "kept"},
            ),
            id="send_mail-recipients_image_headers",
        ),
        pytest.param("SendTemplateRequest", MINIMAL_SEND_TEMPLATE, id="send_template-template_id_only"),
        pytest.param("GetMessageInfoRequest", MINIMAL_GET_MESSAGE_INFO, id="get_message_info-with_skip_page"),
    ],
)
def test_minimal_valid_request_is_accepted(schema: str, instance: dict[str, Any]) -> None:
    assert errors_for(VENDOR, schema, instance) == []


@pytest.mark.parametrize(
    ("schema", "instance", "expected"),
    [
        pytest.param(
            "SendMailRequest",
            without(MINIMAL_SEND_MAIL, "owner_id"),
            "<root>: 'owner_id' is a required property",
            id="send_mail-without_owner_id",
        ),
        pytest.param(
            "SendMailRequest",
            without(MINIMAL_SEND_MAIL, "token"),
            "<root>: 'token' is a required property",
            id="send_mail-without_token",
        ),
        pytest.param(
            "SendTemplateRequest",
            without(MINIMAL_SEND_TEMPLATE, "owner_id"),
            "<root>: 'owner_id' is a required property",
            id="send_template-without_owner_id",
        ),
        pytest.param(
            "GetMessageInfoRequest",
            without(MINIMAL_GET_MESSAGE_INFO, "token"),
            "<root>: 'token' is a required property",
            id="get_message_info-without_token",
        ),
        pytest.param(
            "SendMailRequest",
            {**MINIMAL_SEND_MAIL, "message": {"subject": "no body"}},
            "message: 'html' is a required property",
            id="message-neither_html_nor_text-names_html",
        ),
        pytest.param(
            "SendMailRequest",
            {**MINIMAL_SEND_MAIL, "message": {"subject": "no body"}},
            "message: 'text' is a required property",
            id="message-neither_html_nor_text-names_text",
        ),
        pytest.param(
            "SendMailRequest",
            with_message(MINIMAL_SEND_MAIL, images=[{"type": "application/pdf", "name": "doc", "content": "JVBERi0="}]),
            "message/images/0/type: 'application/pdf' does not match '^image/'",
            id="image-type_application_pdf",
        ),
        pytest.param(
            "SendMailRequest",
            with_message(MINIMAL_SEND_MAIL, to=[{"name": "No Address"}]),
            "message/to/0: 'email' is a required property",
            id="recipient-without_email",
        ),
        pytest.param(
            "SendMailRequest",
            with_message(MINIMAL_SEND_MAIL, to=[{"email": "a@example.com", "type": "reply-to"}]),
            "message/to/0/type: 'reply-to' is not one of ['to', 'cc', 'bcc']",
            id="recipient-type_not_to_cc_bcc",
        ),
        pytest.param(
            "SendTemplateRequest",
            without(MINIMAL_SEND_TEMPLATE, "message/template_id"),
            "message: 'template_id' is a required property",
            id="send_template-without_template_id",
        ),
    ],
)
def test_invalid_request_is_rejected_naming_the_field(schema: str, instance: dict[str, Any], expected: str) -> None:
    assert errors_for(VENDOR, schema, instance), "the instance should be rejected"
    assert expected in error_lines(schema, instance)


def test_get_message_info_without_skip_page_is_accepted() -> None:
    """SendClean's table marks skip_page optional (default 0), unlike PowerEmail's."""
    assert errors_for(VENDOR, "GetMessageInfoRequest", without(MINIMAL_GET_MESSAGE_INFO, "skip_page")) == []


def _response_200_schema(path: str, method: str = "post") -> dict[str, Any]:
    schema: dict[str, Any] = load_spec(VENDOR)["paths"][path][method]["responses"]["200"]["content"][
        "application/json"
    ]["schema"]
    return schema


@pytest.mark.parametrize(
    ("body", "expected_member"),
    [
        pytest.param(
            {"status": "error", "code": -1, "name": "AuthenticationError", "message": "Token MissMatch"},
            "ErrorEnvelope",
            id="error_body-is_error_envelope",
        ),
        pytest.param({"status": "success", "message": "queued"}, "SendResult", id="success_body-is_send_result"),
        pytest.param({"status": "queued", "message": "queued"}, "SendResult", id="queued_body-is_send_result"),
    ],
)
def test_http_200_body_matches_exactly_one_member(body: dict[str, Any], expected_member: str) -> None:
    """Errors arrive with HTTP 200, so the 200 response is oneOf [ErrorEnvelope, SendResult], error first."""
    schema = _response_200_schema("/messages/sendMail")
    members = [ref["$ref"].rsplit("/", 1)[-1] for ref in schema["oneOf"]]
    assert members == ["ErrorEnvelope", "SendResult"]
    assert errors_for(VENDOR, schema, body) == []
    assert [m for m in members if not errors_for(VENDOR, m, body)] == [expected_member]
