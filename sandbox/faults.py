"""Fault rules: which requests get which fault, and the bodies faulted responses carry.

A rule matches on vendor, path and method (each optional) and applies to the next `times`
matching requests (`times=None`: every one). The first matching rule wins. `path` is an
`fnmatch` pattern tested against both the vendor-relative API path (`/messages`,
`/v4/messages`, `/v1.0/messages/sendMail`) and the full request path
(`/paubox/v1/sandbox/messages`).

Kinds (every kind may also carry `latency_ms`, slept with `asyncio.sleep` before anything else):

* `latency`           only the delay, then normal processing.
* `status`            answer `status` (default 503) with an optional `Retry-After` and the vendor's
                      error body (or `body`); the request is not processed.
* `html`              answer `status` (default 502) with an HTML error page; not processed.
* `truncated`         process normally, then send the response with its JSON body cut in half
                      (Content-Length matches the cut body, so the client gets invalid JSON).
* `drop_before_read`  close the connection without processing the request: the body is only
                      drained off the socket (and logged), never handed to the vendor API, so
                      nothing is stored. Closed with a TCP reset by default (`reset=False` for a
                      plain close). Draining first makes the client's error deterministic: it is
                      already waiting for the response when the reset arrives.
* `drop_after_read`   read and process the request (the message IS stored), then close the
                      connection without any response. Plain close by default (`reset=True` for RST).
"""

from __future__ import annotations

import fnmatch
import itertools
import threading
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, Final, Literal, cast, get_args

from .checks import dumps
from .config import VENDORS

FaultKind = Literal["latency", "status", "html", "truncated", "drop_before_read", "drop_after_read"]
FAULT_KINDS: Final[tuple[str, ...]] = get_args(FaultKind)
DEFAULT_STATUS: Final[dict[str, int]] = {"status": 503, "html": 502}


class FaultError(ValueError):
    """A fault definition is invalid."""


@dataclass(slots=True, eq=False)
class Fault:
    """One fault rule. `applied` counts how often it fired; `remaining` is None for "always"."""

    id: int
    kind: FaultKind
    vendor: str | None = None
    path: str | None = None
    method: str | None = None
    remaining: int | None = 1
    latency_ms: int = 0
    status: int | None = None
    retry_after: str | None = None
    body: Any = None
    reset: bool | None = None
    applied: int = 0

    def matches(self, vendor: str, method: str, path: str, api_path: str) -> bool:
        if self.vendor is not None and self.vendor != vendor:
            return False
        if self.method is not None and self.method != method:
            return False
        if self.path is not None:
            return fnmatch.fnmatchcase(api_path, self.path) or fnmatch.fnmatchcase(path, self.path)
        return True

    @property
    def effective_status(self) -> int | None:
        return self.status if self.status is not None else DEFAULT_STATUS.get(self.kind)

    @property
    def close_with_reset(self) -> bool:
        """Whether a drop sends a TCP RST (abortive close) rather than a FIN."""
        return self.reset if self.reset is not None else self.kind == "drop_before_read"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "vendor": self.vendor,
            "path": self.path,
            "method": self.method,
            "times": self.remaining,
            "latency_ms": self.latency_ms,
            "status": self.effective_status,
            "retry_after": self.retry_after,
            "body": self.body,
            "reset": self.close_with_reset if self.kind.startswith("drop") else None,
            "applied": self.applied,
        }


_UNSET: Any = object()


class FaultBook:
    """The active fault rules (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._rules: list[Fault] = []

    def add(
        self,
        kind: str,
        *,
        vendor: str | None = None,
        path: str | None = None,
        method: str | None = None,
        times: int | None = 1,
        latency_ms: int = 0,
        status: int | None = None,
        retry_after: int | str | None = None,
        body: Any = None,
        reset: bool | None = None,
    ) -> Fault:
        """Validate and register a rule; raises `FaultError` on bad input."""
        if kind not in FAULT_KINDS:
            raise FaultError(f"kind must be one of {', '.join(FAULT_KINDS)}")
        if vendor is not None and vendor not in VENDORS:
            raise FaultError(f"vendor must be one of {', '.join(VENDORS)}")
        if times is not None and (isinstance(times, bool) or not isinstance(times, int) or times < 1):
            raise FaultError("times must be a positive integer, or null for always")
        if isinstance(latency_ms, bool) or not isinstance(latency_ms, int | float) or latency_ms < 0:
            raise FaultError("latency_ms must be a non-negative number")
        if status is not None and (isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599):
            raise FaultError("status must be an HTTP status code (100-599)")
        if status is not None and kind not in ("status", "html"):
            raise FaultError("status only applies to the 'status' and 'html' kinds")
        if retry_after is not None and not isinstance(retry_after, int | str):
            raise FaultError("retry_after must be seconds (int) or an HTTP date (str)")
        if reset is not None and not isinstance(reset, bool):
            raise FaultError("reset must be a boolean")
        if path is not None and not isinstance(path, str):
            raise FaultError("path must be a string pattern")
        if method is not None and not isinstance(method, str):
            raise FaultError("method must be a string")
        rule = Fault(
            id=next(self._ids),
            kind=cast(FaultKind, kind),
            vendor=vendor,
            path=path,
            method=method.upper() if method else None,
            remaining=times,
            latency_ms=int(latency_ms),
            status=status,
            retry_after=None if retry_after is None else str(retry_after),
            body=body,
            reset=reset,
        )
        with self._lock:
            self._rules.append(rule)
        return rule

    def add_from_json(self, data: Any) -> Fault:
        """Register a rule from a control-API JSON object."""
        if not isinstance(data, dict):
            raise FaultError("fault must be a JSON object")
        allowed = {"kind", "vendor", "path", "method", "times", "latency_ms", "status", "retry_after", "body", "reset"}
        unknown = set(data) - allowed
        if unknown:
            raise FaultError(f"unknown field(s): {', '.join(sorted(unknown))}")
        if "kind" not in data:
            raise FaultError("kind is required")
        return self.add(**data)

    def take(self, vendor: str, method: str, path: str, api_path: str) -> Fault | None:
        """The first rule matching this request, consuming one of its `times`."""
        if not self._rules:  # fast path, no lock: a stale empty read only delays a new rule by one request
            return None
        with self._lock:
            for index, rule in enumerate(self._rules):
                if rule.matches(vendor, method, path, api_path):
                    rule.applied += 1
                    if rule.remaining is not None:
                        rule.remaining -= 1
                        if rule.remaining <= 0:
                            del self._rules[index]
                    return rule
        return None

    def remove(self, fault_id: int) -> bool:
        with self._lock:
            for index, rule in enumerate(self._rules):
                if rule.id == fault_id:
                    del self._rules[index]
                    return True
        return False

    def clear(self) -> int:
        with self._lock:
            count = len(self._rules)
            self._rules.clear()
            return count

    def list(self) -> list[Fault]:
        with self._lock:
            return list(self._rules)


# ------------------------------------------------------------------------------ faulted bodies
def reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


_DETAILS: Final[dict[int, str]] = {
    429: "Too many requests. Please retry later.",
    500: "Internal server error. Please try again later.",
    502: "Bad gateway. Please try again later.",
    503: "Service temporarily unavailable. Please try again later.",
    504: "Gateway timeout. Please try again later.",
}


def vendor_error_body(vendor: str, status: int) -> bytes:
    """The error body each vendor's envelope would carry for `status`."""
    details = _DETAILS.get(status, reason(status))
    if vendor == "paubox":
        return dumps({"errors": [{"code": status, "title": reason(status), "details": details}]})
    if vendor == "smtpcom":
        if status >= 500:
            return dumps({"status": "error", "message": details})
        return dumps({"status": "fail", "data": {"error": details}})
    return dumps({"status": "error", "code": -1, "name": "GeneralError", "message": details})


def html_error_page(status: int) -> bytes:
    """A gateway-style HTML error page, like nginx or a cloud load balancer would serve."""
    title = f"{status} {reason(status)}"
    return (
        f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n"
        f"<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    ).encode("ascii")


def fault_response(vendor: str, rule: Fault) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """Status, headers and body for a `status` or `html` fault."""
    status = rule.effective_status or 503
    if rule.kind == "html":
        body = rule.body.encode("utf-8") if isinstance(rule.body, str) else html_error_page(status)
        content_type = b"text/html; charset=utf-8"
    else:
        if rule.body is None:
            body = vendor_error_body(vendor, status)
        elif isinstance(rule.body, str):
            body = rule.body.encode("utf-8")
        else:
            body = dumps(rule.body)
        content_type = b"application/json"
    headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]
    if rule.retry_after is not None:
        headers.append((b"retry-after", rule.retry_after.encode("latin-1")))
    return status, headers, body
