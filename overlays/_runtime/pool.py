"""Several small connection pools behind one async transport.

httpcore's async pool re-examines every connection it holds each time it assigns a request
(``is_idle``/``has_expired`` per connection, a socket poll for each idle one), so its cost per
request grows with the number of connections: at 50 concurrent sends that scan was most of the
client's CPU (``make bench`` profile). Spreading requests round-robin over pools of at most
``connections_per_pool`` keeps every scan short. Each pool keeps its connections alive, so
throughput at high concurrency no longer pays for reconnects either.
"""

from __future__ import annotations

import itertools

import httpx

#: httpx's own defaults, kept in total: 100 connections.
DEFAULT_MAX_CONNECTIONS = 100
DEFAULT_CONNECTIONS_PER_POOL = 10


class ShardedAsyncTransport(httpx.AsyncBaseTransport):
    """Round-robin over ``max_connections / connections_per_pool`` independent HTTP pools."""

    def __init__(
        self,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        connections_per_pool: int = DEFAULT_CONNECTIONS_PER_POOL,
    ) -> None:
        if max_connections < 1 or connections_per_pool < 1:
            raise ValueError("max_connections and connections_per_pool must be at least 1")
        size = min(connections_per_pool, max_connections)
        count = max(1, max_connections // size)
        limits = httpx.Limits(max_connections=size, max_keepalive_connections=size)
        self._pools = [httpx.AsyncHTTPTransport(limits=limits) for _ in range(count)]
        self._next = itertools.cycle(self._pools)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await next(self._next).handle_async_request(request)

    async def aclose(self) -> None:
        for pool in self._pools:
            await pool.aclose()
