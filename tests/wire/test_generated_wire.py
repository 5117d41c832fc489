"""The generated clients put exactly the documented request on the wire.

For every operation of every vendor, each request example in the spec (the vendor docs' payloads)
is turned into the generated model, sent with the generated ``sync_detailed`` over
``httpx.MockTransport``, and the captured request is compared with the example: method, path,
query string, auth and content-type headers, JSON body. The mock answers with the spec's own
success example, which must parse into the success model.
"""

from __future__ import annotations

import importlib
import inspect
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from spec_tools import VENDORS, load_spec

API_KEY = "wire-test-key"
AUTH = {
    # vendor: (client kwargs for AuthenticatedClient, expected header name, expected header value)
    "paubox": ({"token": f"token={API_KEY}", "prefix": "Token"}, "authorization", f"Token token={API_KEY}"),
    "smtpcom": ({"token": API_KEY, "prefix": "", "auth_header_name": "X-SMTPCOM-API"}, "x-smtpcom-api", API_KEY),
}


def base_url(spec: dict[str, Any]) -> str:
    server = spec["servers"][0]
    url: str = server["url"]
    for name, variable in server.get("variables", {}).items():
        url = url.replace("{" + name + "}", variable["default"])
    return url


def squash(name: str) -> str:
    """``sourceTrackingId`` and ``source_tracking_id`` both become ``sourcetrackingid``."""
    return name.replace("_", "").lower()


def operations(vendor: str) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    spec = load_spec(vendor)
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method in ("get", "post"):
                yield method, path, op["operationId"], op


def _first_example(parameter: dict[str, Any]) -> Any:
    examples: dict[str, Any] = parameter.get("examples", {})
    first: dict[str, Any] = next(iter(examples.values()), {})
    return first.get("value")


def success_example(op: dict[str, Any]) -> Any:
    for code in ("200", "201"):
        content = op["responses"].get(code, {}).get("content", {}).get("application/json")
        if content and content.get("examples"):
            examples = content["examples"]
            # prefer an example that is not an error envelope (SendClean answers errors with 200)
            for example in examples.values():
                if example["value"].get("status") != "error":
                    return example["value"]
    raise AssertionError(f"{op['operationId']}: no success example in the spec")


def cases() -> Iterator[Any]:
    for vendor in VENDORS:
        for method, path, operation_id, op in operations(vendor):
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            for name, example in body.get("examples", {}).items():
                yield pytest.param(
                    vendor, method, path, operation_id, example["value"], {}, id=f"{vendor}-{operation_id}-{name}"
                )
            params = op.get("parameters", [])
            if params and not body:
                values = {p["name"]: p.get("example", _first_example(p)) for p in params}
                yield pytest.param(
                    vendor, method, path, operation_id, None, values, id=f"{vendor}-{operation_id}-params"
                )


def annotation_class(annotation: Any) -> type[Any] | None:
    """The model class in an annotation like ``Model`` or ``Model | Unset``."""
    if inspect.isclass(annotation) and hasattr(annotation, "from_dict"):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        if inspect.isclass(arg) and hasattr(arg, "from_dict"):
            return arg
    return None


def expected_query(op: dict[str, Any], values: dict[str, Any]) -> list[tuple[str, str]]:
    def text(value: Any) -> str:
        return str(value).lower() if isinstance(value, bool) else str(value)

    expected: list[tuple[str, str]] = []
    for param in op.get("parameters", []):
        value = values.get(param["name"])
        if value is None:
            continue
        if param.get("style") == "deepObject":
            expected += [(f"{param['name']}[{key}]", text(v)) for key, v in value.items()]
        else:
            expected.append((param["name"], text(value)))
    return sorted(expected)


@pytest.mark.parametrize(("vendor", "method", "path", "operation_id", "body", "params"), list(cases()))
def test_generated_call_sends_the_documented_request(
    vendor: str, method: str, path: str, operation_id: str, body: Any, params: dict[str, Any]
) -> None:
    spec = load_spec(vendor)
    op = spec["paths"][path][method]
    package = f"{vendor}_client"
    module = importlib.import_module(f"{package}.api.messages.{operation_id}")
    client_module = importlib.import_module(f"{package}.client")
    reply = success_example(op)
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=reply)

    transport = httpx.MockTransport(answer)
    url = base_url(spec)
    signature = inspect.signature(module.sync_detailed)
    if signature.parameters["client"].annotation is client_module.AuthenticatedClient or vendor in AUTH:
        auth_kwargs, header, header_value = AUTH[vendor]
        client = client_module.AuthenticatedClient(base_url=url, httpx_args={"transport": transport}, **auth_kwargs)
    else:
        header, header_value = None, None
        client = client_module.Client(base_url=url, httpx_args={"transport": transport})

    kwargs: dict[str, Any] = {"client": client}
    if body is not None:
        model = annotation_class(signature.parameters["body"].annotation)
        assert model is not None
        kwargs["body"] = model.from_dict(body)
    by_squashed = {squash(name): name for name in signature.parameters}
    for name, value in params.items():
        python_name = by_squashed[squash(name)]
        model = annotation_class(signature.parameters[python_name].annotation)
        kwargs[python_name] = model.from_dict(value) if model is not None and isinstance(value, dict) else value

    response = module.sync_detailed(**kwargs)

    assert len(seen) == 1
    request = seen[0]
    assert request.method == method.upper()
    assert request.url.path == urlsplit(url).path + path
    assert sorted(request.url.params.multi_items()) == expected_query(op, params)
    if header is not None:
        assert request.headers[header] == header_value
    if body is not None:
        assert request.headers["content-type"] == "application/json"
        assert json.loads(request.content) == body, "the generated model changed the documented payload"
    else:
        assert request.content == b""
    parsed = response.parsed
    assert parsed is not None
    assert "Error" not in type(parsed).__name__, f"success example parsed as {type(parsed).__name__}"
