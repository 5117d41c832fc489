"""After ``os.fork()`` a client that built its own pool opens new connections in the child.

``PidRecordingServer`` records, per request, the id of the TCP connection it arrived on. The parent
sends once on each of the client's pools (``POOLS`` requests, round-robin: every pool then holds a
connection of the parent's), forks, waits for the child to send and exit, then sends again. The
requests arrive in that order, so the records say which process used which connection: the child
must never write on a connection of the parent's (two processes sharing one socket interleave bytes
and read each other's answers), and the parent keeps reusing its own.

The child is bounded by ``signal.alarm`` and always leaves by ``os._exit``; the parent's
``os.waitpid`` therefore returns.
"""

from __future__ import annotations

import asyncio
import importlib
import os
import signal
from collections.abc import Callable, Iterator
from typing import Any

import paubox_client
import pytest
from support.clients import paubox_message
from support.servers import PidRecordingServer

#: What Paubox answers to POST /messages (enough for send_message to return a SentMessage).
SENT = {"sourceTrackingId": "3d38ab13-0af8-4028-bd45-52e882e0d584", "data": "Service OK"}
CHILD_DEADLINE_S = 20


@pytest.fixture
def server() -> Iterator[PidRecordingServer]:
    with PidRecordingServer(body=SENT) as running:
        yield running


def in_child(send: Callable[[], Any]) -> int:
    """Fork; the child runs ``send`` and exits 0 if it returned the tracking id, 1 otherwise.
    Returns the child's exit code (the parent waits for it)."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child, which leaves only through os._exit
        code = 1
        try:
            signal.alarm(CHILD_DEADLINE_S)  # a stuck child dies instead of hanging the parent's wait
            code = 0 if send().id == SENT["sourceTrackingId"] else 1
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


POOLS = importlib.import_module("paubox_client._runtime.settings").POOLS


def assert_child_used_a_new_connection(server: PidRecordingServer) -> None:
    *parent_before, child, parent_again = (request.connection_id for request in server.requests)
    assert len(parent_before) == POOLS
    assert child not in (*parent_before, parent_again), f"the child wrote on the parent's connection: {server.records}"
    assert parent_again == parent_before[0], f"the parent should keep its pooled connection: {server.records}"


def test_a_sync_client_opens_new_connections_after_fork(server: PidRecordingServer) -> None:
    client = paubox_client.Paubox("fork-test-key-0001", base_url=f"{server.url}/v1/email")
    try:
        for _ in range(POOLS):
            client.send_message(paubox_message())
        assert in_child(lambda: client.send_message(paubox_message())) == 0
        client.send_message(paubox_message())
    finally:
        client.close()
    assert_child_used_a_new_connection(server)


def test_an_async_client_opens_new_connections_after_fork(server: PidRecordingServer) -> None:
    client = paubox_client.AsyncPaubox("fork-test-key-0001", base_url=f"{server.url}/v1/email")
    # The parent keeps one event loop, so that its second send may reuse its pooled connection.
    loop = asyncio.new_event_loop()
    try:
        for _ in range(POOLS):
            loop.run_until_complete(client.send_message(paubox_message()))
        assert in_child(lambda: asyncio.run(client.send_message(paubox_message()))) == 0
        loop.run_until_complete(client.send_message(paubox_message()))
        loop.run_until_complete(client.aclose())
    finally:
        loop.close()
    assert_child_used_a_new_connection(server)
