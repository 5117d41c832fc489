"""The thin base every vendor client stands on.

A vendor client (``Paubox``, ``AsyncSendClean``, ...) owns one httpx client built here: default
timeout, retrying transport, auth headers. It hands the same httpx client to the generated
``AuthenticatedClient``/``Client`` (``.client``), so the generated ``sync``/``asyncio`` functions
get the same timeout, retries and auth. Each overlay call is then three steps:

    kwargs = <generated module>._get_kwargs(...)     # the spec decides method, path, query, body
    response = self._send(kwargs, timeout, retry)    # built by httpx, sent by the retrying transport
    return decode(response)                          # vendor rules: success model or typed error
"""

from __future__ import annotations

import base64
import importlib.util
import json
import logging
import os
import sys
from collections.abc import Callable, Mapping
from typing import Any, Generic, NoReturn, Protocol, Self, TypeVar, cast

import httpx
from attrs import define, field

from ..client import AuthenticatedClient, Client
from .errors import APIConnectionError, APIStatusError, APITimeoutError, ConfigurationError, ResponseParseError
from .pool import ShardedAsyncTransport
from .redact import install_log_filter, redact, redact_url, register_secret
from .retry import (
    NEVER_SENT,
    POLICY_EXTENSION,
    SENDS_MESSAGE_EXTENSION,
    AsyncRetryTransport,
    RetryPolicy,
    RetryTransport,
)

T = TypeVar("T")

# One INFO line per overlay call, like httpx's own (whose client layer those calls skip), URL redacted.
logger = logging.getLogger(__name__.rsplit(".", 2)[0])
#: The generated client class a vendor uses (``AuthenticatedClient`` or ``Client``).
G = TypeVar("G", AuthenticatedClient, Client)

#: Default time limits (seconds). Sends are small JSON requests, so 5 s to connect is generous;
#: 30 s to read leaves room for a bulk send of 50 messages. Override per client or per call.
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)

#: A timeout a caller may pass: seconds, an ``httpx.Timeout``, or None for "the client's default".
TimeoutArg = float | httpx.Timeout | None


def credential(value: str | None, *, argument: str, env: str, secret: bool = True) -> str:
    """``value``, else the environment variable ``env``; a clear error names both when neither is set."""
    if value is None:
        value = os.environ.get(env)
    if value is None or not value.strip():
        raise ConfigurationError(f"missing {argument}: pass {argument}=... or set the {env} environment variable")
    if secret:
        register_secret(value)
    return value


class _Model(Protocol):
    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self: ...


M = TypeVar("M", bound=_Model)


def response_json(response: httpx.Response) -> Any:
    """The decoded JSON body, or ``ResponseParseError`` keeping the raw bytes."""
    try:
        return json.loads(response.content)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise ResponseParseError(
            f"response body is not JSON ({exc})",
            status_code=response.status_code,
            body=response.content,
            headers=response.headers,
        ) from None


def parse_model(model: type[M], data: Any, response: httpx.Response) -> M:
    """``model.from_dict(data)``; any mismatch (missing key, wrong type, unknown value) becomes
    ``ResponseParseError`` instead of a raw KeyError/TypeError/ValueError."""
    if not isinstance(data, Mapping):
        raise ResponseParseError(
            f"expected a JSON object for {model.__name__}, got {type(data).__name__}",
            status_code=response.status_code,
            body=response.content,
            headers=response.headers,
        )
    try:
        return model.from_dict(cast(Mapping[str, Any], data))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ResponseParseError(
            f"response does not match {model.__name__}: {type(exc).__name__}: {exc}",
            status_code=response.status_code,
            body=response.content,
            headers=response.headers,
        ) from None


def raise_status_error(
    cls: type[APIStatusError], response: httpx.Response, error: Any, detail: str | None = None
) -> NoReturn:
    """Raise ``cls`` for ``response``; the message is the vendor's own words when it gave any."""
    message = detail or f"{response.request.method} {redact_url(str(response.url.copy_with(query=None)))} failed"
    raise cls(
        redact(message), status_code=response.status_code, error=error, body=response.content, headers=response.headers
    )


def _as_timeout(timeout: TimeoutArg) -> httpx.Timeout | None:
    if timeout is None or isinstance(timeout, httpx.Timeout):
        return timeout
    return httpx.Timeout(timeout)


def _log_exchange(request: httpx.Request, response: httpx.Response) -> None:
    if logger.isEnabledFor(logging.INFO):
        logger.info(
            'HTTP Request: %s %s "%s %d %s"',
            request.method,
            redact_url(str(request.url)),
            response.http_version,
            response.status_code,
            response.reason_phrase,
        )


def _transport_error(error: httpx.TransportError, request: httpx.Request) -> APIConnectionError:
    cls = APITimeoutError if isinstance(error, httpx.TimeoutException) else APIConnectionError
    url = redact_url(str(request.url))
    return cls(
        redact(f"{type(error).__name__}: {error}"),
        method=request.method,
        url=url,
        may_have_been_sent=not isinstance(error, NEVER_SENT),
    )


def as_send(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Mark a request as one that delivers a message, so it is retried like a POST (see retry.py)."""
    kwargs["extensions"] = {**kwargs.get("extensions", {}), SENDS_MESSAGE_EXTENSION: True}
    return kwargs


# The generated ``_get_kwargs`` names this header for JSON bodies; httpx sets the same one for
# ``json=``, so dropping the duplicate changes no byte on the wire and saves a header merge per call.
_JSON_ONLY_HEADERS = {"Content-Type": "application/json"}


def _skip_missing_sniffio_lookups() -> None:
    """Cache, once, that sniffio is not installed.

    httpcore 1.0 calls ``import sniffio`` inside every async lock acquisition and falls back when
    it fails. Without sniffio installed (anyio 4.16 no longer pulls it in) each attempt rescans all
    of ``sys.path``: a third of the async client's CPU under load (``make bench``). A ``None`` entry
    in ``sys.modules`` makes that import fail at once, exactly as it would have after the scan.
    """
    if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
        sys.modules["sniffio"] = None  # type: ignore[assignment]


def _no_entries() -> dict[str, str]:
    return {}


@define(frozen=True)
class Connection(Generic[G]):
    """Where and how a vendor client talks: built by each vendor's settings function."""

    generated: G
    base_url: str
    auth_description: str
    headers: Mapping[str, str] = field(factory=_no_entries, repr=False)
    params: Mapping[str, str] = field(factory=_no_entries, repr=False)
    auth: tuple[str, str] | None = field(default=None, repr=False)


class _APIBase:
    """What the sync and async clients share: configuration, repr, redaction."""

    _auth_description: str
    base_url: str

    def _configure(self, connection: Connection[Any], timeout: TimeoutArg, retry: RetryPolicy | None) -> dict[str, Any]:
        install_log_filter(__name__.rsplit(".", 2)[0])
        self.base_url = connection.base_url.rstrip("/")
        self._auth_description = connection.auth_description
        self.retry = retry if retry is not None else RetryPolicy()
        self.timeout = _as_timeout(timeout) or DEFAULT_TIMEOUT
        self._urls: dict[str, httpx.URL] = {}
        options: dict[str, Any] = {
            "base_url": self.base_url,
            "headers": dict(connection.headers),
            "timeout": self.timeout,
        }
        if connection.params:
            options["params"] = dict(connection.params)
        if connection.auth is not None:
            # A default header rather than httpx.BasicAuth: the overlay calls hand requests straight
            # to the transport (see _request), past the client's auth flow, and this way the
            # generated functions and the overlay calls send the same header by one mechanism.
            basic = base64.b64encode(":".join(connection.auth).encode("utf-8")).decode("ascii")
            register_secret(basic)
            options["headers"]["Authorization"] = f"Basic {basic}"
        return options

    def _request(
        self,
        http: httpx.Client | httpx.AsyncClient,
        kwargs: dict[str, Any],
        timeout: TimeoutArg,
        retry: RetryPolicy | None,
    ) -> httpx.Request:
        """The generated request kwargs, built by httpx: absolute URL, per-call options."""
        options = dict(kwargs)
        options["url"] = self._absolute_url(http.base_url, kwargs["url"])
        if "json" in options and options.get("headers") == _JSON_ONLY_HEADERS:
            del options["headers"]
        resolved = _as_timeout(timeout)
        if resolved is not None:
            options["timeout"] = resolved
        if retry is not None:
            options["extensions"] = {**kwargs.get("extensions", {}), POLICY_EXTENSION: retry}
        return http.build_request(**options)

    def _absolute_url(self, base: httpx.URL, path: str) -> httpx.URL:
        """``base`` + ``path``, parsed once per path: httpx would re-parse both on every request."""
        url = self._urls.get(path)
        if url is None:
            url = base.copy_with(raw_path=base.raw_path + path.lstrip("/").encode("ascii"))
            if len(self._urls) < 64:  # operation paths are a fixed, small set
                self._urls[path] = url
        return url

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={redact_url(self.base_url)!r}, auth={self._auth_description!r})"


class SyncAPI(_APIBase, Generic[G]):
    """Base of the synchronous vendor clients."""

    client: G

    def __init__(
        self,
        connection: Connection[G],
        *,
        timeout: TimeoutArg = None,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        options = self._configure(connection, timeout, retry)
        self._transport = RetryTransport(self.retry, wrapped=transport)
        self._http = httpx.Client(**options, transport=self._transport)
        self.client = connection.generated.set_httpx_client(self._http)

    def _send(self, kwargs: dict[str, Any], timeout: TimeoutArg, retry: RetryPolicy | None) -> httpx.Response:
        """One exchange, handed straight to the retrying transport: the overlay calls need none of
        httpx.Client's auth flow, redirects, cookies or hooks, and skipping them is the lean path
        ``make bench`` measures."""
        request = self._request(self._http, kwargs, timeout, retry)
        try:
            response = self._transport.handle_request(request)
            response.request = request
            try:
                response.read()
            finally:
                response.close()
        except httpx.TransportError as error:
            raise _transport_error(error, request) from None
        _log_exchange(request, response)
        return response

    def _call(
        self,
        kwargs: dict[str, Any],
        decode: Callable[[httpx.Response], T],
        timeout: TimeoutArg = None,
        retry: RetryPolicy | None = None,
    ) -> T:
        return decode(self._send(kwargs, timeout, retry))

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncAPI(_APIBase, Generic[G]):
    """Base of the asynchronous vendor clients."""

    client: G

    def __init__(
        self,
        connection: Connection[G],
        *,
        timeout: TimeoutArg = None,
        retry: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        options = self._configure(connection, timeout, retry)
        _skip_missing_sniffio_lookups()
        self._transport = AsyncRetryTransport(self.retry, wrapped=transport or ShardedAsyncTransport())
        self._http = httpx.AsyncClient(**options, transport=self._transport)
        self.client = connection.generated.set_async_httpx_client(self._http)

    async def _send(self, kwargs: dict[str, Any], timeout: TimeoutArg, retry: RetryPolicy | None) -> httpx.Response:
        """The async twin of ``SyncAPI._send``."""
        request = self._request(self._http, kwargs, timeout, retry)
        try:
            response = await self._transport.handle_async_request(request)
            response.request = request
            try:
                await response.aread()
            finally:
                await response.aclose()
        except httpx.TransportError as error:
            raise _transport_error(error, request) from None
        _log_exchange(request, response)
        return response

    async def _call(
        self,
        kwargs: dict[str, Any],
        decode: Callable[[httpx.Response], T],
        timeout: TimeoutArg = None,
        retry: RetryPolicy | None = None,
    ) -> T:
        return decode(await self._send(kwargs, timeout, retry))

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
