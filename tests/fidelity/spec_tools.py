"""Load the vendor specs and validate instances against their schemas (OpenAPI 3.0 dialect)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml
from openapi_schema_validator import OAS30Validator

SPECS_DIR = Path(__file__).resolve().parents[2] / "specs"
VENDORS = ("paubox", "smtpcom", "poweremail", "sendclean")


@functools.cache
def load_spec(vendor: str) -> dict[str, Any]:
    with (SPECS_DIR / f"{vendor}.yaml").open(encoding="utf-8") as fh:
        spec: dict[str, Any] = yaml.safe_load(fh)
    return spec


def validator_for(vendor: str, schema: dict[str, Any] | str) -> OAS30Validator:
    """A validator for a component name (``"Message"``) or an inline schema from the spec.

    Local ``$ref``s resolve against the whole spec document, so the root carries ``components``.
    """
    spec = load_spec(vendor)
    if isinstance(schema, str):
        schema = {"$ref": f"#/components/schemas/{schema}"}
    root = {"components": spec.get("components", {}), "allOf": [schema]}
    return OAS30Validator(root)


def errors_for(vendor: str, schema: dict[str, Any] | str, instance: Any) -> list[str]:
    """Human-readable validation errors; empty when the instance is valid."""
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
        for e in validator_for(vendor, schema).iter_errors(instance)
    ]
