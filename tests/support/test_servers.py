"""The loopback servers of tests/support work with httpx, as the behaviour tests use them."""

from __future__ import annotations

import json
import os
import socket
import time
import warnings
from collections.abc import Iterator

import httpx
import pytest

from .servers import DeadPort, ForwardProxy, PidRecordingServer, dead_port, pid_header

TIMEOUT = httpx.Timeout(5.0)


@pytest.fixture
def origin() -> Iterator[PidRecordingServer]:
    with PidRecordingServer() as server:
        yield server


@pytest.fixture
def proxy() -> Iterator[ForwardProxy]:
    with ForwardProxy() as server:
        yield server


@pytest.fixture
def no_proxy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


def _proxied_client(proxy_url: str) -> httpx.Client:
    if hasattr(httpx, "Proxy") and "proxy" in httpx.Client.__init__.__code__.co_varnames:
        return httpx.Client(proxy=proxy_url, timeout=TIMEOUT, trust_env=False)
    pytest.skip(f"httpx {httpx.__version__} has no Client(proxy=) (added in 0.26)")


def test_proxy_forwards_absolute_form_post_and_records_it(
    proxy: ForwardProxy, origin: PidRecordingServer, no_proxy_env: None
) -> None:
    with _proxied_client(proxy.url) as client:
        response = client.post(f"{origin.url}/v1/send?x=1", json={"to": "a@example.com"}, headers={"X-Probe": "1"})
    assert response.status_code == 200
    assert response.json() == {"ok": True}

    [seen] = proxy.requests
    assert (seen.method, seen.url) == ("POST", f"{origin.url}/v1/send?x=1")
    assert json.loads(seen.body) == {"to": "a@example.com"}
    assert seen.header("x-probe") == "1"
    [arrived] = origin.requests
    assert (arrived.method, arrived.path, arrived.body) == ("POST", "/v1/send?x=1", seen.body)
    assert dict(arrived.headers)["X-Probe"] == "1"


def test_proxy_from_http_proxy_env_keeps_the_client_connection(
    proxy: ForwardProxy, origin: PidRecordingServer, no_proxy_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    with httpx.Client(timeout=TIMEOUT) as client:  # trust_env: HTTP_PROXY applies
        first = client.get(f"{origin.url}/a")
        second = client.get(f"{origin.url}/b")
    assert (first.status_code, second.status_code) == (200, 200)
    assert [request.url for request in proxy.requests] == [f"{origin.url}/a", f"{origin.url}/b"]


def test_proxy_relays_chunked_bodies_both_ways(
    proxy: ForwardProxy, origin: PidRecordingServer, no_proxy_env: None
) -> None:
    origin.chunked = True
    origin.body = {"message": "relayed in many small chunks", "n": list(range(20))}
    with _proxied_client(proxy.url) as client:
        response = client.post(f"{origin.url}/stream", content=iter([b"part one, ", b"part two"]))
    assert response.json() == origin.body
    assert proxy.requests[0].header("transfer-encoding") == "chunked"
    assert origin.requests[0].body == b"part one, part two"


def test_proxy_answers_502_when_the_origin_is_down(proxy: ForwardProxy, no_proxy_env: None) -> None:
    with DeadPort() as dead, _proxied_client(proxy.url) as client:
        response = client.get(f"{dead.url}/x")
    assert response.status_code == 502
    assert proxy.requests[0].url == f"{dead.url}/x"


def test_proxy_tunnels_connect(proxy: ForwardProxy, origin: PidRecordingServer) -> None:
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=5) as sock:
        target = f"127.0.0.1:{origin.port}"
        sock.sendall(f"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\n".encode())
        assert sock.recv(4096).startswith(b"HTTP/1.1 200")
        sock.sendall(b"GET /tunnelled HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        reply = b""
        while chunk := sock.recv(4096):
            reply += chunk
    assert reply.startswith(b"HTTP/1.1 200") and reply.endswith(b'{"ok": true}')
    assert [(r.method, r.url) for r in proxy.requests] == [("CONNECT", target)]
    assert origin.requests[0].path == "/tunnelled"


def test_pid_server_keeps_one_connection_per_client(origin: PidRecordingServer, no_proxy_env: None) -> None:
    origin.status, origin.body = 201, {"id": 7}
    with httpx.Client(timeout=TIMEOUT, headers=pid_header()) as client:
        answers = [client.post(f"{origin.url}/send", json={}) for _ in range(2)]
    with httpx.Client(timeout=TIMEOUT, headers=pid_header()) as other:
        other.get(f"{origin.url}/again")
    assert [(a.status_code, a.json()) for a in answers] == [(201, {"id": 7})] * 2
    (one, pid), (same, _), (another, _) = origin.records
    assert pid == os.getpid()
    assert one == same != another


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_pid_server_tells_parent_and_forked_child_apart(origin: PidRecordingServer, no_proxy_env: None) -> None:
    """A forked child that reuses the parent's pooled connection shows up on the parent's
    connection id; one with its own client on a new id. The server copes with both processes
    writing on one connection."""
    parent = os.getpid()
    with httpx.Client(timeout=TIMEOUT) as inherited:
        inherited.get(origin.url, headers=pid_header())
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # fork() with threads (3.12+)
            child = os.fork()
        if child == 0:  # the child: report through the exit status only, never return into pytest
            status = 1
            try:
                inherited.get(f"{origin.url}/child-inherited", headers=pid_header())
                with httpx.Client(timeout=TIMEOUT) as own:
                    own.get(f"{origin.url}/child-own", headers=pid_header())
                status = 0
            finally:
                os._exit(status)
        assert _wait_for_exit(child, timeout=15.0) == 0
        inherited.get(f"{origin.url}/parent-again", headers=pid_header())

    by_path = {request.path: (request.connection_id, request.client_pid) for request in origin.requests}
    parent_connection = by_path["/"][0]
    assert by_path["/child-inherited"] == (parent_connection, child)
    assert by_path["/child-own"][1] == child and by_path["/child-own"][0] != parent_connection
    assert by_path["/parent-again"] == (parent_connection, parent)
    assert origin.connections_of(parent) == {parent_connection}


def _wait_for_exit(pid: int, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.02)
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    raise AssertionError(f"forked child {pid} did not finish within {timeout}s")


def test_dead_port_refuses_connections(no_proxy_env: None) -> None:
    with DeadPort() as dead:
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", dead.port), timeout=2).close()
        with pytest.raises(httpx.ConnectError):
            httpx.get(dead.url, timeout=TIMEOUT)
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", dead_port()), timeout=2).close()


def test_https_proxy_at_a_dead_port_fails_to_connect(no_proxy_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    with DeadPort() as dead:
        monkeypatch.setenv("HTTPS_PROXY", dead.url)
        with httpx.Client(timeout=TIMEOUT) as client, pytest.raises(httpx.ConnectError):
            client.get("https://api.example.invalid/v1/x")


def test_servers_stop_by_themselves_and_stop_is_idempotent() -> None:
    server = PidRecordingServer(lifetime=0.2).start()
    proxy = ForwardProxy(lifetime=0.2).start()
    assert server.stopped.wait(5) and proxy.stopped.wait(5)
    for port in (server.port, proxy.port):
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
    server.stop()
    proxy.stop()


def test_stop_closes_idle_keep_alive_connections(origin: PidRecordingServer) -> None:
    with socket.create_connection(("127.0.0.1", origin.port), timeout=5) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        reply = b""
        while not reply.endswith(b'{"ok": true}'):  # headers and body may arrive apart
            chunk = sock.recv(4096)
            assert chunk, reply
            reply += chunk
        assert reply.startswith(b"HTTP/1.1 200")
        started = time.monotonic()
        origin.stop()
        assert sock.recv(4096) == b""  # closed by stop(), not by the 5 s idle timeout
        assert time.monotonic() - started < 2
