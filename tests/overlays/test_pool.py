"""The async clients spread requests over several small connection pools (see _runtime/pool.py)."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from paubox_client._runtime.pool import ShardedAsyncTransport

from sandbox.testing import SandboxHandle


async def test_requests_are_spread_over_small_pools(sandbox: SandboxHandle) -> None:
    transport = ShardedAsyncTransport(max_connections=6, connections_per_pool=2)
    assert len(transport._pools) == 3
    sandbox.set_fault("latency", vendor="smtpcom", latency_ms=50, times=None)  # keep requests in flight together
    async with httpx.AsyncClient(transport=transport, base_url=sandbox.url) as client:
        replies = await asyncio.gather(*(client.get("/smtpcom/v4/nothing-here") for _ in range(12)))
        assert all(r.status_code in (401, 404) for r in replies)
        per_pool = [len(pool._pool.connections) for pool in transport._pools]
    assert per_pool == [2, 2, 2], "each pool opened its own connections, none more than its share"
    assert len(sandbox.requests("smtpcom")) == 12


def test_pool_sizes_are_validated() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        ShardedAsyncTransport(max_connections=0)
    assert len(ShardedAsyncTransport(max_connections=5, connections_per_pool=10)._pools) == 1
