"""The JSON control API under `/_sandbox/` (not logged, never faulted).

GET    /_sandbox/health                   {"status": "ok"}
GET    /_sandbox/config                   credentials, channels, templates, knobs
GET    /_sandbox/messages?vendor=&mime=1  {"messages": [...]} oldest first; `mime=1` adds the raw MIME
GET    /_sandbox/messages/{seq}           one message, with its raw MIME
GET    /_sandbox/messages/{seq}/raw       the message as `message/rfc822`
GET    /_sandbox/requests?vendor=&limit=  {"requests": [...]} oldest first (`limit`: only the last N)
GET    /_sandbox/faults                   {"faults": [...]}
POST   /_sandbox/faults                   body: a fault (see sandbox.faults) -> 201 {"fault": {...}}
DELETE /_sandbox/faults                   {"cleared": n}
DELETE /_sandbox/faults/{id}              {"deleted": id} or 404
POST   /_sandbox/reset                    forget messages, requests and faults; restore the config
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from .config import VENDORS, base_url
from .faults import FaultError
from .state import SandboxState
from .web import json_response


def control_routes(state: SandboxState) -> list[BaseRoute]:
    def vendor_filter(request: Request) -> str | Response | None:
        vendor = request.query_params.get("vendor")
        if vendor is not None and vendor not in VENDORS:
            return json_response({"error": f"vendor must be one of {', '.join(VENDORS)}"}, 400)
        return vendor

    async def health(request: Request) -> Response:
        return json_response({"status": "ok"})

    async def config(request: Request) -> Response:
        cfg = state.config
        root = str(request.base_url).rstrip("/")
        data = {
            field.name: _jsonable(getattr(cfg, field.name))
            for field in dataclasses.fields(cfg)
            if field.name not in ("templates",)
        }
        data["templates"] = {key: dataclasses.asdict(t) for key, t in cfg.templates.items()}
        data["base_urls"] = {vendor: base_url(root, vendor) for vendor in VENDORS}
        return json_response(data)

    async def messages(request: Request) -> Response:
        vendor = vendor_filter(request)
        if isinstance(vendor, Response):
            return vendor
        include = request.query_params.get("mime") in ("1", "true", "yes")
        return json_response({"messages": [m.to_dict(include_mime=include) for m in state.store.messages(vendor)]})

    async def message(request: Request) -> Response:
        found = state.store.message(request.path_params["seq"])
        if found is None:
            return json_response({"error": "no such message"}, 404)
        return json_response(found.to_dict(include_mime=True))

    async def message_raw(request: Request) -> Response:
        found = state.store.message(request.path_params["seq"])
        if found is None:
            return json_response({"error": "no such message"}, 404)
        return Response(found.raw, media_type="message/rfc822")

    async def requests(request: Request) -> Response:
        vendor = vendor_filter(request)
        if isinstance(vendor, Response):
            return vendor
        items = state.store.requests(vendor)
        limit = request.query_params.get("limit")
        if limit is not None:
            if not limit.isdigit():
                return json_response({"error": "limit must be a non-negative integer"}, 400)
            items = items[-int(limit) :] if int(limit) else []
        return json_response({"requests": [r.to_dict() for r in items]})

    async def list_faults(request: Request) -> Response:
        return json_response({"faults": [f.to_dict() for f in state.faults.list()]})

    async def add_fault(request: Request) -> Response:
        try:
            data = json.loads(await request.body())
            rule = state.faults.add_from_json(data)
        except (ValueError, FaultError, TypeError) as exc:
            return json_response({"error": str(exc)}, 400)
        return json_response({"fault": rule.to_dict()}, 201)

    async def clear_faults(request: Request) -> Response:
        return json_response({"cleared": state.faults.clear()})

    async def delete_fault(request: Request) -> Response:
        fault_id = request.path_params["fault_id"]
        if not state.faults.remove(fault_id):
            return json_response({"error": "no such fault"}, 404)
        return json_response({"deleted": fault_id})

    async def reset(request: Request) -> Response:
        state.reset()
        return json_response({"status": "ok"})

    return [
        Route("/health", health, methods=["GET"]),
        Route("/config", config, methods=["GET"]),
        Route("/messages", messages, methods=["GET"]),
        Route("/messages/{seq:int}", message, methods=["GET"]),
        Route("/messages/{seq:int}/raw", message_raw, methods=["GET"]),
        Route("/requests", requests, methods=["GET"]),
        Route("/faults", list_faults, methods=["GET"]),
        Route("/faults", add_fault, methods=["POST"]),
        Route("/faults", clear_faults, methods=["DELETE"]),
        Route("/faults/{fault_id:int}", delete_fault, methods=["DELETE"]),
        Route("/reset", reset, methods=["POST"]),
    ]


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, Mapping):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    return value
