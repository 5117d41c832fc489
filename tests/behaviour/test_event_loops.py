"""One async client across many event loops, and a clear error for a pool tied to a closed loop.

A client that built its own pool opens new connections on each event loop, so scripts that call
``asyncio.run()`` repeatedly just work. An ``http_client=`` passed in is the caller's: its pooled
connections belong to the loop that opened them, and reusing it after that loop closed must name
the fix instead of surfacing asyncio's bare "Event loop is closed".
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import httpx
import paubox_client
import pytest
from support.clients import VENDORS, make_client

from sandbox.testing import SandboxHandle

RUNS = 20


# Each new loop leaves the previous loop's pool to the garbage collector, whose sockets that dead
# loop can no longer close: asyncio reports them as unclosed transports.
@pytest.mark.filterwarnings("ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning")
def test_one_async_client_works_across_successive_event_loops(sandbox: SandboxHandle) -> None:
    client = make_client("paubox", async_=True, base_url=sandbox.base_url("paubox"))

    async def send(last: bool) -> str:
        sent = await client.send_message(VENDORS["paubox"].message())
        if last:
            await client.aclose()  # inside the loop that opened the pool in use
        return str(sent.id)

    ids = [asyncio.run(send(last=run == RUNS - 1)) for run in range(RUNS)]
    assert len(set(ids)) == RUNS
    assert len(sandbox.messages("paubox")) == RUNS


@pytest.mark.filterwarnings("ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning")
def test_aclose_works_in_a_new_event_loop(sandbox: SandboxHandle) -> None:
    client = make_client("paubox", async_=True, base_url=sandbox.base_url("paubox"))
    asyncio.run(client.send_message(VENDORS["paubox"].message()))
    asyncio.run(client.aclose())  # the natural way to close after asyncio.run(...) calls


@pytest.mark.filterwarnings("ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_users_http_client_from_a_closed_loop_raises_event_loop_error(sandbox: SandboxHandle) -> None:
    held: dict[str, Any] = {}

    async def first() -> None:
        http = httpx.AsyncClient()  # created in this loop; its keep-alive connection stays pooled
        client = make_client("paubox", async_=True, base_url=sandbox.base_url("paubox"), http_client=http)
        held.update(http=http, client=client)
        await client.send_message(VENDORS["paubox"].message())

    async def again() -> None:
        await held["client"].send_message(VENDORS["paubox"].message())

    asyncio.run(first())
    with pytest.raises(paubox_client.EventLoopError) as raised:
        asyncio.run(again())
    error = raised.value
    assert isinstance(error, paubox_client.ClientError) and isinstance(error, RuntimeError)
    message = str(error)
    assert "http_client" in message and "inside the running loop" in message, message
    assert message != "Event loop is closed"


@pytest.mark.filterwarnings("ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_send_refused_with_event_loop_error_was_not_delivered(sandbox: SandboxHandle) -> None:
    held: dict[str, Any] = {}

    async def first() -> None:
        held["client"] = make_client(
            "paubox", async_=True, base_url=sandbox.base_url("paubox"), http_client=httpx.AsyncClient()
        )
        await held["client"].send_message(VENDORS["paubox"].message())

    async def again() -> None:
        await held["client"].send_message(VENDORS["paubox"].message())

    asyncio.run(first())
    with pytest.raises(paubox_client.EventLoopError) as caught:
        asyncio.run(again())
    assert caught.value.may_have_been_sent is False
    # The sandbox answers from its own thread: let a request that did arrive finish first (a bounded
    # wait for that event, over at once when it happens; nothing here depends on how long it took).
    never = threading.Event()
    for _ in range(200):
        if all(r.outcome != "pending" for r in sandbox.requests("paubox")):
            break
        never.wait(0.01)
    assert len(sandbox.messages("paubox")) == 1, "only the first send was delivered"
