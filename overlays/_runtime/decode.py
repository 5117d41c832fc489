"""Reading an answer: response classification, written once for every vendor.

A vendor module says only how its envelope names an error (an ``Envelope``); ``success_payload``
applies the rule every vendor shares:

* 2xx: the JSON body, unless the vendor's envelope says it is an error (SendClean answers errors
  with HTTP 200; SMTP.com's JSend ``fail``; Paubox's ``errors`` without a result);
* 4xx and 5xx: the typed error for the status (``status_error_class``), with the vendor's parsed
  envelope and its own words when the body is one;
* anything else (1xx, 3xx, beyond 599): ``ResponseParseError``.

Every exception built here goes through the client's ``Redactor`` and never quotes the body.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, NoReturn, Protocol, Self, TypeVar, cast

import httpx
from attrs import define

from .errors import APIStatusError, ResponseParseError, status_error_class
from .redact import Redactor


class Model(Protocol):
    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self: ...


M = TypeVar("M", bound=Model)


@define(frozen=True, slots=True)
class VendorError:
    """An error as the vendor's envelope describes it: the parsed envelope (None when the body is
    not one), the vendor's own words, and the exception class when the envelope decides it (an
    error name in an HTTP 200 body); None lets the HTTP status decide."""

    model: Any = None
    words: str | None = None
    cls: type[APIStatusError] | None = None


class Envelope(Protocol):
    """How one vendor's responses name an error."""

    def error_in_success(self, payload: Any, reply: Reply) -> VendorError | None:
        """The error a 2xx body carries, or None when it is a result."""
        ...

    def error_in_failure(self, payload: Any, reply: Reply) -> VendorError:
        """The error of a 4xx/5xx answer; ``payload`` is None when the body is not JSON."""
        ...


@define(frozen=True, slots=True)
class Reply:
    """An answer being decoded: the response, the client's redactor, and whether the request
    delivers a message (a 2xx that cannot be read then says the message was probably accepted)."""

    response: httpx.Response
    redact: Redactor
    delivers: bool = False

    def parse_error(self, problem: str) -> ResponseParseError:
        response = self.response
        return ResponseParseError(
            self.redact(problem),
            status_code=response.status_code,
            body=response.content,
            headers=response.headers,
            may_have_been_sent=self.delivers and 200 <= response.status_code < 300,
        )

    def status_error(self, error: VendorError) -> APIStatusError:
        response = self.response
        cls = error.cls or status_error_class(response.status_code)
        words = error.words or f"{response.request.method} {response.request.url.copy_with(query=None)} failed"
        return cls(
            self.redact(words),
            status_code=response.status_code,
            error=error.model,
            body=response.content,
            headers=response.headers,
        )

    def json(self) -> Any:
        """The decoded JSON body, or ``ResponseParseError`` (the raw bytes stay on ``.body``)."""
        try:
            return json.loads(self.response.content)
        except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
            raise self.parse_error(f"response body is not JSON ({type(exc).__name__})") from None

    def model(self, model: type[M], data: Any) -> M:
        """``model.from_dict(data)``; a mismatch becomes ``ResponseParseError`` naming the model and
        the missing key, never a value from the body."""
        if not isinstance(data, Mapping):
            raise self.parse_error(f"expected a JSON object for {model.__name__}, got {type(data).__name__}")
        try:
            return model.from_dict(cast(Mapping[str, Any], data))
        except KeyError as exc:
            raise self.parse_error(f"response does not match {model.__name__}: no {exc.args[0]!r}") from None
        except (TypeError, ValueError, AttributeError) as exc:
            raise self.parse_error(f"response does not match {model.__name__} ({type(exc).__name__})") from None

    def fail(self, error: VendorError) -> NoReturn:
        raise self.status_error(error)


def success_payload(reply: Reply, envelope: Envelope) -> Any:
    """The JSON body of a successful answer; the typed error for anything else."""
    status = reply.response.status_code
    if 200 <= status < 300:
        payload = reply.json()
        error = envelope.error_in_success(payload, reply)
        if error is not None:
            reply.fail(error)
        return payload
    if 400 <= status < 600:
        try:
            body: Any = reply.json()
        except ResponseParseError:
            body = None  # an HTML page from a proxy, say: the status still decides the class
        reply.fail(envelope.error_in_failure(body, reply))
    raise reply.parse_error(f"unexpected HTTP status {status}")


def decode_model(reply: Reply, envelope: Envelope, model: type[M]) -> M:
    """The success model of an answer, or the typed error."""
    return reply.model(model, success_payload(reply, envelope))
