"""Check sandbox traffic against the vendor OpenAPI specs (specs/<vendor>.yaml)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import httpx
import yaml
from openapi_schema_validator import OAS30Validator

SPECS = Path(__file__).resolve().parents[2] / "specs"


@functools.cache
def load_spec(vendor: str) -> dict[str, Any]:
    with (SPECS / f"{vendor}.yaml").open(encoding="utf-8") as fh:
        spec: dict[str, Any] = yaml.safe_load(fh)
    return spec


def spec_location(path: str) -> tuple[str, str] | None:
    """Request path on the sandbox -> (vendor, path key in that vendor's spec)."""
    parts = path.split("/")
    if path.startswith("/paubox/v1/") and len(parts) >= 5:
        return "paubox", "/" + "/".join(parts[4:])
    if path.startswith("/smtpcom/"):
        return "smtpcom", path[len("/smtpcom") :]
    for vendor in ("sendclean", "poweremail"):
        prefix = f"/{vendor}/v1.0"
        if path.startswith(prefix + "/"):
            return vendor, path[len(prefix) :]
    return None


def schema_errors(vendor: str, schema: dict[str, Any], instance: Any) -> list[str]:
    root = {"components": load_spec(vendor).get("components", {}), "allOf": [schema]}
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
        for e in OAS30Validator(root).iter_errors(instance)
    ]


def response_schema(vendor: str, spec_path: str, method: str, status: int) -> dict[str, Any] | None:
    """The JSON schema the spec declares for this response, or None if the operation is not in the spec."""
    spec = load_spec(vendor)
    operation = spec["paths"].get(spec_path, {}).get(method.lower())
    if operation is None:
        return None
    responses = operation["responses"]
    for key in (str(status), f"{status // 100}XX", "default"):
        if key in responses:
            response = responses[key]
            if "$ref" in response:
                response = spec["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
            schema: dict[str, Any] = response["content"]["application/json"]["schema"]
            return schema
    raise AssertionError(f"{vendor} {method} {spec_path}: status {status} is not declared in the spec")


def check_response(response: httpx.Response) -> None:
    """httpx response hook: a vendor response must be JSON and match the spec's schema for its status."""
    location = spec_location(response.request.url.path)
    if location is None:
        return
    vendor, spec_path = location
    response.read()
    schema = response_schema(vendor, spec_path, response.request.method, response.status_code)
    if schema is None:
        return
    assert response.headers.get("content-type", "").startswith("application/json"), response.headers
    errors = schema_errors(vendor, schema, response.json())
    assert not errors, f"{vendor} {spec_path} {response.status_code} does not match the spec: {errors}\n{response.text}"


def request_examples(vendor: str) -> list[tuple[str, str, str, Any]]:
    """(spec path, method, example name, JSON body) for every request-body example in the spec."""
    out = []
    for path, item in load_spec(vendor)["paths"].items():
        for method, operation in item.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            for name, example in body.get("examples", {}).items():
                out.append((path, method.upper(), name, example["value"]))
    return out


def query_examples(vendor: str, spec_path: str, example: str) -> dict[str, Any]:
    """Query parameters of a GET operation, from each parameter's example named `example`."""
    operation = load_spec(vendor)["paths"][spec_path]["get"]
    return {
        p["name"]: p["examples"][example]["value"] for p in operation["parameters"] if example in p.get("examples", {})
    }
