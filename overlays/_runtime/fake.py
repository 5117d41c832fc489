"""The in-process fake behind every package's ``testing.FakeAPI``: the machinery, written once.

A vendor's ``testing.py`` says only what is its own: the operations (path and method, each a
handler that reads the request with the generated models and answers as the vendor does) and the
vendor's error envelope. Everything else is here:

* ``transport`` / ``async_transport``: one ``httpx.MockTransport`` around one handler, so a sync
  and an async client (or your own ``httpx.Client``/``AsyncClient``) can share one fake;
* ``requests``: every request received, failed ones included; ``sent``: the parsed models of the
  messages the fake accepted, in order;
* ``fail_next``: the next requests fail with an HTTP status (in the vendor's error envelope), a
  read timeout or a dropped connection;
* a request the vendor would refuse (not JSON, not the spec's shape, breaking a documented rule)
  gets the vendor's validation error; an unknown path its 404, a wrong method its 405.

Handlers run under one lock, so the sync clients' threads (``send_bulk``) can share a fake.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import Any, Generic, TypeVar, cast

import httpx
from attrs import define

from .decode import Model
from .errors import InvalidRequestError

S = TypeVar("S")
M = TypeVar("M", bound=Model)

#: Answers one request the fake routed to it.
Handler = Callable[[httpx.Request], httpx.Response]
#: Per path suffix (``"/messages"``), per method, its handler.
Routes = Mapping[str, Mapping[str, Handler]]


class Refused(Exception):
    """Raised by a handler for a request the vendor refuses as invalid; the fake answers with the
    vendor's validation error naming ``field``. The client's own ``InvalidRequestError`` (from its
    ``check_*`` rules, run by the handlers on what they received) is answered the same way."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


@define(frozen=True)
class Failure:
    """One scripted failure (``fail_next``)."""

    status: int | None = None
    retry_after: float | None = None
    timeout: bool = False
    disconnect: bool = False


def phrase(status: int) -> str:
    """The reason phrase of an HTTP status (``503`` -> ``"Service Unavailable"``)."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Client Error" if status < 500 else "Server Error"


def json_response(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers)


def request_json(request: httpx.Request) -> Any:
    """The request's JSON body, or ``Refused`` naming ``body``."""
    try:
        return json.loads(request.content)
    except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise Refused("body", "is not valid JSON") from None


def parse(model: type[M], data: Any, field: str = "body") -> M:
    """``model.from_dict(data)`` as the vendor reads it: a body that is not the spec's shape is
    ``Refused`` (a missing key is named)."""
    if not isinstance(data, Mapping):
        raise Refused(field, "must be a JSON object")
    try:
        return model.from_dict(cast(Mapping[str, Any], data))
    except KeyError as exc:
        raise Refused(str(exc.args[0]), "is required") from None
    except (TypeError, ValueError, AttributeError):
        raise Refused(field, f"does not match {model.__name__}") from None


class FakeService(Generic[S]):
    """The shared part of every ``FakeAPI``; ``S`` is the type of what ``sent`` holds.

    A vendor subclass passes its routes to ``__init__`` and implements ``error_response`` (the
    vendor's answer to a failing HTTP status), ``refused_response`` (its validation error) and,
    when it keeps state beyond ``sent``, ``forget`` (called by ``reset``).
    """

    def __init__(self, routes: Routes) -> None:
        self._routes = routes
        self._lock = threading.RLock()
        self._failures: deque[Failure] = deque()
        #: Every request received, in order, failed and refused ones included (bodies already read).
        self.requests: list[httpx.Request] = []
        #: The parsed request model of every message accepted, in order.
        self.sent: list[S] = []
        #: For a sync client: ``Client(..., transport=fake.transport)`` or ``httpx.Client(transport=...)``.
        self.transport: httpx.MockTransport = httpx.MockTransport(self._handle)
        #: For an async client (the same transport: ``httpx.MockTransport`` serves both).
        self.async_transport: httpx.MockTransport = self.transport

    # ------------------------------------------------------------------------ the public surface

    def fail_next(
        self,
        count: int = 1,
        *,
        status: int | None = None,
        retry_after: float | None = None,
        timeout: bool = False,
        disconnect: bool = False,
    ) -> None:
        """Make the next ``count`` requests fail, one way (failures queue up behind any already set):

        * ``status=503``: that HTTP status, with the vendor's error body (and ``Retry-After:
          <retry_after>`` when given);
        * ``timeout=True``: ``httpx.ReadTimeout``, as if the vendor never answered;
        * ``disconnect=True``: ``httpx.RemoteProtocolError``, the connection dropped without an answer.

        Each request counts, a client's retries included. A failed request is recorded in
        ``requests`` and never in ``sent``.
        """
        if int(status is not None) + int(timeout) + int(disconnect) != 1:
            raise ValueError("fail_next() takes exactly one of status=..., timeout=True or disconnect=True")
        if status is not None and not 400 <= status <= 599:
            raise ValueError(f"status must be an HTTP error status (400-599), got {status}")
        if retry_after is not None and (status is None or retry_after < 0):
            raise ValueError("retry_after= is seconds (>= 0) and goes with status=")
        if count < 1:
            raise ValueError(f"count must be at least 1, got {count}")
        with self._lock:
            self._failures.extend([Failure(status, retry_after, timeout, disconnect)] * count)

    def reset(self) -> None:
        """Forget every request, message and scripted failure."""
        with self._lock:
            self._failures.clear()
            self.requests.clear()
            self.sent.clear()
            self.forget()

    # -------------------------------------------------------------------------- vendor hooks

    def error_response(self, status: int, words: str) -> httpx.Response:
        """The vendor's answer with HTTP ``status``: its error envelope saying ``words`` (and, where
        the envelope has room for it, the status's reason phrase, ``phrase(status)``)."""
        raise NotImplementedError

    def refused_response(self, field: str, problem: str) -> httpx.Response:
        """The vendor's validation error for a request it refuses."""
        raise NotImplementedError

    def forget(self) -> None:
        """Drop the vendor state kept beyond ``sent`` (receipts, message lists)."""

    # ---------------------------------------------------------------------------- the handler

    def _handle(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.requests.append(request)
            if self._failures:
                return self._fail(self._failures.popleft(), request)
            handler = self._find(request)
            if isinstance(handler, httpx.Response):
                return handler
            try:
                return handler(request)
            except Refused as refused:
                return self.refused_response(refused.field, refused.problem)
            except InvalidRequestError as invalid:
                return self.refused_response(invalid.field, invalid.problem)
            except (TypeError, ValueError, AttributeError, KeyError):
                # from_dict does not check value types: a string where the spec wants a list, say
                return self.refused_response("body", "does not match the operation's schema")

    def _find(self, request: httpx.Request) -> Handler | httpx.Response:
        path = request.url.path.rstrip("/")
        for suffix in sorted(self._routes, key=len, reverse=True):
            if path.endswith(suffix):
                methods = self._routes[suffix]
                handler = methods.get(request.method)
                if handler is not None:
                    return handler
                answer = self.error_response(405, f"{request.method} is not allowed for {suffix}")
                answer.headers["Allow"] = ", ".join(methods)
                return answer
        return self.error_response(404, f"no operation at {request.url.path}")

    def _fail(self, failure: Failure, request: httpx.Request) -> httpx.Response:
        if failure.timeout:
            raise httpx.ReadTimeout("timed out (FakeAPI.fail_next(timeout=True))", request=request)
        if failure.disconnect:
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)
        assert failure.status is not None
        answer = self.error_response(failure.status, "scripted by FakeAPI.fail_next")
        if failure.retry_after is not None:
            seconds = failure.retry_after
            answer.headers["Retry-After"] = str(int(seconds)) if seconds == int(seconds) else str(seconds)
        return answer
