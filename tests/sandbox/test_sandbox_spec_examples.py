"""Every request example in the vendor specs is accepted by the sandbox, with a spec-conforming reply.

Only the account-specific values are swapped for the sandbox's (credentials, SMTP user names,
channels, template ids are registered in the sandbox config instead); the bodies are sent as the
spec shows them.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import httpx
import pytest
from sandbox_spec import load_spec, query_examples, request_examples

from sandbox.config import PAUBOX_API_KEY, SMTPCOM_API_KEY, Template
from sandbox.testing import SandboxHandle

CASES = [
    pytest.param(vendor, path, method, body, id=f"{vendor}:{method} {path}:{name}")
    for vendor in ("paubox", "smtpcom", "sendclean", "poweremail")
    for path, method, name, body in request_examples(vendor)
]


def adopt_example_accounts(sb: SandboxHandle, vendor: str, values: list[dict[str, Any]]) -> None:
    """Register the example's channels / SMTP users / template ids in the sandbox config."""
    if vendor == "smtpcom":
        channels = {v["channel"] for v in values if "channel" in v}
        sb.configure(smtpcom_channels=(*sb.config.smtpcom_channels, *sorted(channels)))
    if vendor in ("sendclean", "poweremail"):
        account = sb.config.brand(vendor)
        users = {v["smtp_user_name"] for v in values if "smtp_user_name" in v}
        templates = {v["template_id"] for v in values if "template_id" in v}
        templates |= {v["message"]["template_id"] for v in values if "template_id" in v.get("message", {})}
        sb.configure(
            **{vendor: dataclasses.replace(account, smtp_user_names=(*account.smtp_user_names, *sorted(users)))},
            templates={
                **sb.config.templates,
                **{t: Template(subject="Hi {{NAME}}", html="<p>{{NAME}}</p>") for t in templates},
            },
        )


def brand_credentials(sb: SandboxHandle, vendor: str) -> dict[str, str]:
    account = sb.config.brand(vendor)
    return {"owner_id": account.owner_id, "token": account.token}


@pytest.mark.parametrize(("vendor", "path", "method", "body"), CASES)
def test_request_example_is_accepted(
    http: httpx.Client, sandbox: SandboxHandle, vendor: str, path: str, method: str, body: dict[str, Any]
) -> None:
    adopt_example_accounts(sandbox, vendor, [body])
    headers: dict[str, str] = {}
    if vendor == "paubox":
        headers["Authorization"] = f"Token token={PAUBOX_API_KEY}"
        url = sandbox.base_url("paubox") + path
    elif vendor == "smtpcom":
        headers["X-SMTPCOM-API"] = SMTPCOM_API_KEY
        url = sandbox.base_url("smtpcom") + path
    else:
        body = {**body, **brand_credentials(sandbox, vendor)}
        url = sandbox.base_url(vendor) + path
    response = http.request(method, url, json=body, headers=headers)  # the hook checks the spec schema
    assert response.status_code == 200, response.text
    reply = response.json()
    if vendor == "paubox":
        assert "sourceTrackingId" in reply or "messages" in reply
    else:
        assert reply["status"] == "success", reply
    if not path.endswith("getMessageInfo"):
        assert sandbox.messages(vendor)


@pytest.mark.parametrize("vendor", ["sendclean", "poweremail"])
def test_http_get_example_is_accepted(http: httpx.Client, sandbox: SandboxHandle, vendor: str) -> None:
    path = "/messages/sendTemplateHTTPGet"
    example = query_examples(vendor, path, "doc_example_call")
    adopt_example_accounts(sandbox, vendor, [example])
    params = {k: v for k, v in example.items() if k != "dynamic_value"}
    params |= {f"dynamic_value[{k}]": v for k, v in example.get("dynamic_value", {}).items()}
    params |= brand_credentials(sandbox, vendor)
    reply = http.get(sandbox.base_url(vendor) + path, params=params).json()
    assert reply["status"] == "success"
    assert sandbox.messages(vendor)[0].summary()["headers"]["Subject"] == example["subject"]


def test_every_spec_operation_is_served() -> None:
    served = {
        "paubox": {("POST", "/messages"), ("POST", "/bulk_messages"), ("GET", "/message_receipt")},
        "smtpcom": {("GET", "/v4/messages"), ("POST", "/v4/messages"), ("POST", "/v4/messages/mime")},
    }
    brand_ops = {
        ("POST", "/messages/sendMail"),
        ("POST", "/messages/sendTemplate"),
        ("GET", "/messages/sendTemplateHTTPGet"),
        ("POST", "/messages/getMessageInfo"),
    }
    served |= {"sendclean": brand_ops, "poweremail": brand_ops}
    for vendor, operations in served.items():
        in_spec = {(m.upper(), p) for p, item in load_spec(vendor)["paths"].items() for m in item if m != "parameters"}
        assert in_spec == operations, vendor
