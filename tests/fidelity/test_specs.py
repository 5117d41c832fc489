"""Every spec is a valid OpenAPI document and every example in it matches its own schema."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from openapi_spec_validator import validate
from spec_tools import VENDORS, errors_for, load_spec

HTTP_METHODS = ("get", "post", "put", "patch", "delete")


def resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """Follow a local ``$ref`` (``#/components/responses/NotFound``) to the object it names."""
    while "$ref" in node:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def iter_examples(vendor: str) -> Iterator[tuple[str, dict[str, Any], Any]]:
    """(where, schema, example value) for every media-type and parameter example in the spec."""
    spec = load_spec(vendor)
    for path, item in spec["paths"].items():
        for method in HTTP_METHODS:
            op = item.get(method)
            if op is None:
                continue
            where = f"{method.upper()} {path}"
            media_sets = [("request", op.get("requestBody", {}).get("content", {}))]
            media_sets += [
                (f"response {code}", resolve(spec, r).get("content", {})) for code, r in op["responses"].items()
            ]
            for label, content in media_sets:
                for media_type, media in content.items():
                    for name, example in media.get("examples", {}).items():
                        yield f"{where} {label} {media_type} example {name!r}", media["schema"], example["value"]
                    if "example" in media:
                        yield f"{where} {label} {media_type} example", media["schema"], media["example"]
            for param in (resolve(spec, p) for p in op.get("parameters", [])):
                for name, example in param.get("examples", {}).items():
                    yield f"{where} parameter {param['name']} example {name!r}", param["schema"], example["value"]


@pytest.mark.parametrize("vendor", VENDORS)
def test_spec_is_valid_openapi(vendor: str) -> None:
    validate(load_spec(vendor))


@pytest.mark.parametrize("vendor", VENDORS)
def test_every_operation_has_examples(vendor: str) -> None:
    """The vendor docs' payloads live in the spec: no operation is left without one."""
    spec = load_spec(vendor)
    examples = list(iter_examples(vendor))
    for path, item in spec["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                where = f"{method.upper()} {path} "
                assert any(w.startswith(where) for w, _, _ in examples), f"no example for {where}"


@pytest.mark.parametrize(
    ("vendor", "where", "schema", "value"),
    [pytest.param(v, w, s, x, id=f"{v}: {w}") for v in VENDORS for (w, s, x) in iter_examples(v)],
)
def test_example_matches_schema(vendor: str, where: str, schema: dict[str, Any], value: Any) -> None:
    assert errors_for(vendor, schema, value) == [], where
