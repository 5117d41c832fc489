"""The base every async vendor client stands on; the sync twin in ``_sync/base.py`` is derived from it.

One request, top to bottom:

    call = ops.send_message_request(...)     # vendor: validate input, generated _get_kwargs, decoder
    response = await self._send(call, ...)   # here: httpx.AsyncClient.send, with the retry policy around it
    return call.decode(Reply(response, ...)) # runtime classification, then the vendor's envelope

Every request goes through ``httpx.AsyncClient.send``, so environment proxies, ``proxy=``, mounts
and event hooks all apply. A client that builds its own httpx client opens new connections after
``os.fork()`` and on each new event loop; one passed as ``http_client=`` is used as it is.
"""

from __future__ import annotations

import itertools
import logging
import os
import weakref
from typing import Any, Generic, Self, TypeVar

import httpx

from ..calls import Call
from ..concurrency import async_event_loop, async_sleep, is_closed_event_loop
from ..decode import Reply
from ..errors import APIConnectionError, APITimeoutError, ConfigurationError, EventLoopError
from ..raw import capture
from ..redact import Redactor, mask_query_credentials_in_httpx_logs, redact_url
from ..retry import NEVER_SENT, RetryPolicy
from ..settings import DEFAULT_TIMEOUT, POOL_LIMITS, POOLS, Connection, G, TimeoutArg, as_timeout, user_agent

T = TypeVar("T")

logger = logging.getLogger(__name__.split(".")[0])

_EVENT_LOOP_FIX = (
    "the http_client= passed to this client holds connections of an event loop that has closed: create "
    "the httpx.AsyncClient inside the running loop, or pass no http_client= (the client then opens new "
    "connections on each event loop)"
)


def _is_closed(loop: object) -> bool:
    is_closed = getattr(loop, "is_closed", None)
    return bool(is_closed()) if callable(is_closed) else False


class AsyncBaseClient(Generic[G]):
    """Configuration, the request path and the connection pool's life cycle, for every vendor."""

    def __init__(
        self,
        connection: Connection[G],
        *,
        timeout: TimeoutArg = None,
        retry: RetryPolicy | None = None,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        user_agent_extra: str | None = None,
    ) -> None:
        if http_client is not None and transport is not None:
            raise ConfigurationError("pass http_client= or transport=, not both: a transport belongs to its client")
        if http_client is not None and not isinstance(http_client, httpx.AsyncClient):  # pyright: ignore[reportUnnecessaryIsInstance]
            raise ConfigurationError(f"http_client must be an httpx.AsyncClient, got {type(http_client).__name__}")
        self.base_url = connection.base_url
        self.retry = retry if retry is not None else RetryPolicy()
        #: The client's timeout; None with ``http_client=`` means that client's own.
        self.timeout = as_timeout(timeout)
        self._auth_description = connection.auth_description
        self._redact = Redactor(connection.secrets)
        self._headers = {**connection.headers, "User-Agent": user_agent(user_agent_extra)}
        self._params = dict(connection.params)
        self._transport = transport
        self._sleep = async_sleep
        if connection.secret_in_url:
            mask_query_credentials_in_httpx_logs()
        self._owns_http = http_client is None
        self._pools = [http_client] if http_client is not None else self._new_pools()
        self._turn = itertools.count()
        self._urls: dict[str, httpx.URL] = {}
        self._pid = os.getpid()
        self._loop: weakref.ref[object] | None = None
        self._generated: G = connection.generated
        self._generated.set_async_httpx_client(self._pools[0])

    def _new_pools(self) -> list[httpx.AsyncClient]:
        """The httpx clients this client owns (``POOLS`` of them, one with ``transport=``, sharing one
        SSL context). Their default headers and params carry the credentials and User-Agent, so the
        generated functions called with ``.client`` (the first one) send them too."""
        options: dict[str, Any] = {
            "base_url": self.base_url,
            "headers": self._headers,
            "params": self._params,
            "timeout": self.timeout or DEFAULT_TIMEOUT,
        }
        if self._transport is not None:  # the caller's transport holds the connections: one client
            return [httpx.AsyncClient(**options, transport=self._transport)]
        shared_tls = httpx.create_ssl_context()
        return [httpx.AsyncClient(**options, limits=POOL_LIMITS, verify=shared_tls) for _ in range(POOLS)]

    def _pool_belongs_here(self) -> bool:
        """False after a fork (the connections belong to the parent) or on another event loop than
        the one the connections were opened on (they belong to that loop)."""
        loop = async_event_loop()
        known = self._loop() if self._loop is not None else None
        return os.getpid() == self._pid and (self._loop is None or known is loop)

    def _current_http(self) -> httpx.AsyncClient:
        """The httpx client for the next request (round-robin over the pools), the pools replaced
        first when their connections cannot be used here. Old pools are left to the garbage
        collector: closing them could touch the parent's connections, or need an event loop that is
        gone. A caller's ``http_client=`` cannot be replaced: if the loop it was last used on has
        closed, this refuses before anything is sent."""
        if not self._owns_http:
            known = self._loop() if self._loop is not None else None
            if self._loop is not None and (known is None or _is_closed(known)) and known is not async_event_loop():
                raise EventLoopError(_EVENT_LOOP_FIX, may_have_been_sent=False)
        elif not self._pool_belongs_here():
            self._pools = self._new_pools()
            self._generated.set_async_httpx_client(self._pools[0])
            self._pid = os.getpid()
        loop = async_event_loop()
        if loop is not None:
            self._loop = weakref.ref(loop)
        return self._pools[next(self._turn) % len(self._pools)]

    @property
    def client(self) -> G:
        """The generated client (``AuthenticatedClient`` or ``Client``) for the generated functions,
        sharing this client's connection pool, credentials, timeout and User-Agent. The generated
        functions do not retry and return the generated response types.

        With ``http_client=``, the generated functions use that client as it is: it needs a
        ``base_url`` (and the credentials) of its own, else this raises ``ConfigurationError``.
        """
        self._current_http()
        http = self._pools[0]
        if not self._owns_http and not str(http.base_url):
            raise ConfigurationError(
                ".client hands the generated functions your http_client as it is, and it has no base_url: "
                "build it with base_url= and the credentials, or use this client's own methods"
            )
        return self._generated

    # ------------------------------------------------------------------------ one request

    def _build(self, http: httpx.AsyncClient, call: Call[Any], timeout: TimeoutArg) -> httpx.Request:
        options = dict(call.request)
        options["url"] = self._absolute_url(options["url"])
        if not self._owns_http:  # a caller's client: credentials and User-Agent go on each request
            options["headers"] = {**self._headers, **options.get("headers", {})}
            if self._params:
                options["params"] = {**self._params, **(options.get("params") or {})}
        chosen = as_timeout(timeout) or self.timeout
        if chosen is not None:
            options["timeout"] = chosen
        return http.build_request(**options)

    def _absolute_url(self, path: str) -> httpx.URL:
        """``base_url`` + ``path``, parsed once per operation path (a small, fixed set)."""
        url = self._urls.get(path)
        if url is None:
            url = httpx.URL(self.base_url + path)
            if len(self._urls) < 64:
                self._urls[path] = url
        return url

    async def _send(self, call: Call[Any], timeout: TimeoutArg, retry: RetryPolicy | None) -> httpx.Response:
        """One exchange through ``httpx.AsyncClient.send``, repeated as the retry policy allows."""
        http = self._current_http()
        request = self._build(http, call, timeout)
        policy = retry if retry is not None else self.retry
        repeatable = policy.may_repeat(request.method, call.delivers)
        attempt = 0
        while True:
            try:
                response = await http.send(request)
            except httpx.TransportError as error:
                delay = policy.delay_after_error(error, attempt, repeatable)
                if delay is None:
                    raise self._connection_error(error, request) from None
                reason = type(error).__name__
            except RuntimeError as error:
                if is_closed_event_loop(error):  # failed mid-exchange: the bytes may have gone out
                    raise EventLoopError(_EVENT_LOOP_FIX, may_have_been_sent=True) from None
                raise
            else:
                delay = policy.delay_after_response(response, attempt, repeatable)
                if delay is None:
                    return response
                reason = f"HTTP {response.status_code}"
            if logger.isEnabledFor(logging.INFO):
                url = redact_url(str(request.url.copy_with(query=None)))
                logger.info(
                    "retrying %s %s after %s (retry %d of %d) in %.2fs",
                    request.method,
                    url,
                    reason,
                    attempt + 1,
                    policy.max_retries,
                    delay,
                )
            await self._sleep(delay)
            attempt += 1

    def _connection_error(self, error: httpx.TransportError, request: httpx.Request) -> APIConnectionError:
        cls = APITimeoutError if isinstance(error, httpx.TimeoutException) else APIConnectionError
        return cls(
            self._redact(f"{type(error).__name__}: {error}"),
            method=request.method,
            url=self._redact(str(request.url.copy_with(query=None))),
            may_have_been_sent=not isinstance(error, NEVER_SENT),
        )

    async def _call(self, call: Call[T], timeout: TimeoutArg = None, retry: RetryPolicy | None = None) -> T:
        response = await self._send(call, timeout, retry)
        capture(response)
        return call.decode(Reply(response, self._redact, call.delivers))

    # -------------------------------------------------------------------------- life cycle

    async def aclose(self) -> None:
        """Close the connection pool (an ``http_client=`` passed in is left to its owner). A pool
        opened in a parent process or on an event loop that is gone is only dropped."""
        if self._owns_http and self._pool_belongs_here():
            for pool in self._pools:
                await pool.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={redact_url(self.base_url)!r}, auth={self._auth_description!r})"
