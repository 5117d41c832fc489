"""One measured job of the bench, in a fresh process of its own.

    python worker.py '<job as JSON>'

Prints one JSON line with the measurements. Jobs (``mode``):

* ``throughput``: N sends at a fixed concurrency against the canned server. ``client`` is ``ours``
  (the async client, one coroutine per concurrent slot), ``raw`` (httpx.AsyncClient by hand),
  ``ours_threads`` (the sync client in threads) or ``peer`` (openapi-generator's sync client in
  threads; runs in the peer's venv, so this file imports nothing from the bench for it). The
  connections are opened first (one request per slot, untimed); then the N sends are timed: wall
  time, the process CPU time of this client, and the canned server's CPU time from ``/proc``.
  ``hide_sniffio`` installs, in this process only, a meta path finder that makes ``import sniffio``
  fail after the same search of sys.path an absent package costs.
* ``memory``: sync client over ``httpx.MockTransport``; RSS (``/proc/self/statm``, after
  ``gc.collect()``) at each checkpoint of sends; optionally tracemalloc between two checkpoints.
* ``redaction``: ``client._redact(long text)`` and a send answered 400 (the typed error built and
  raised), timed with one client alive, then with ``alive`` clients (each with its own secrets).

Each job builds its messages the way a user does: a request model per send, inside the timed loop.
Profiles here use ``time.thread_time`` as cProfile's clock: CPU time of each thread, so time spent
waiting on sockets or locks does not count and the threaded clients' profiles (one per thread,
added up) are comparable with the async ones.
"""

from __future__ import annotations

import asyncio
import gc
import importlib
import importlib.abc
import importlib.machinery
import json
import os
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


# ------------------------------------------------------------------------------------ helpers
def process_cpu(pid: int | None) -> float:
    if not pid:
        return 0.0
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS


def rss_bytes() -> int:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class HiddenModuleFinder(importlib.abc.MetaPathFinder):
    """Makes ``import <name>`` fail as if the package were not installed: it searches every sys.path
    entry that does not hold it (the work a real miss costs) and raises ModuleNotFoundError."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.search = [p for p in sys.path if not os.path.exists(os.path.join(p or ".", name))]

    def find_spec(self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None) -> None:
        if fullname == self.name or fullname.startswith(self.name + "."):
            importlib.machinery.PathFinder.find_spec(fullname, self.search)
            raise ModuleNotFoundError(f"No module named {fullname!r} (hidden by the bench)", name=fullname)
        return None


def bench_modules() -> Any:
    """The bench's payloads (our venv only: they import httpx, the clients and sandbox.config)."""
    for path in (str(ROOT), str(ROOT / "scripts")):
        if path not in sys.path:
            sys.path.append(path)
    from bench_support import payloads

    return payloads


def profile_table(profilers: list[Any], ops: int) -> dict[str, Any]:
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))
    import profiling  # type: ignore[import-not-found,unused-ignore]

    result: dict[str, Any] = profiling.table(profilers, ops, top=25)
    return result


# --------------------------------------------------------------------------------- concurrency
async def run_async(send: Callable[[], Awaitable[Any]], n: int, concurrency: int) -> int:
    """``n`` sends, ``concurrency`` at a time: one coroutine per slot pulls the next send."""
    slots = iter(range(n))

    async def slot() -> int:
        done = 0
        for _ in slots:
            if await send():
                done += 1
        return done

    return sum(await asyncio.gather(*(slot() for _ in range(concurrency))))


async def run_async_sharded(calls: Sequence[Callable[[], Awaitable[Any]]], n: int, concurrency: int) -> int:
    """As ``run_async``, slot ``i`` always sending through ``calls[i * len(calls) // concurrency]``."""
    slots = iter(range(n))

    async def slot(send: Callable[[], Awaitable[Any]]) -> int:
        done = 0
        for _ in slots:
            if await send():
                done += 1
        return done

    return sum(await asyncio.gather(*(slot(calls[i * len(calls) // concurrency]) for i in range(concurrency))))


def run_threads(send: Callable[[], Any], n: int, concurrency: int, profilers: list[Any] | None = None) -> int:
    """``n`` sends, ``concurrency`` at a time: one thread per slot pulls the next send. With
    ``profilers``, each thread runs under a cProfile of its own (cProfile sees one thread only)."""
    slots = iter(range(n))
    done: list[int] = []

    def slot() -> None:
        profiler: Any = None
        if profilers is not None:
            import cProfile

            profiler = cProfile.Profile(time.thread_time)
            profiler.enable()
        count = 0
        for _ in slots:
            if send():
                count += 1
        done.append(count)
        if profiler is not None and profilers is not None:
            profiler.disable()
            profilers.append(profiler)

    threads = [threading.Thread(target=slot) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done)


class Timed:
    """Wall, process CPU and server CPU around the timed region (optionally under cProfile)."""

    def __init__(self, server_pid: int | None, profile: bool) -> None:
        self.server_pid = server_pid
        self.profiler: Any = None
        self.thread_profilers: list[Any] | None = [] if profile else None
        if profile:
            import cProfile

            self.profiler = cProfile.Profile(time.thread_time)

    def __enter__(self) -> Timed:
        gc.collect()
        self.server0 = process_cpu(self.server_pid)
        self.cpu0 = time.process_time()
        if self.profiler is not None:
            self.profiler.enable()
        self.wall0 = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall0
        if self.profiler is not None:
            self.profiler.disable()
        self.cpu = time.process_time() - self.cpu0
        self.server = process_cpu(self.server_pid) - self.server0


# ---------------------------------------------------------------------------------- throughput
def throughput(job: dict[str, Any]) -> dict[str, Any]:
    client, workload, n = job["client"], job["workload"], int(job["messages"])
    timed = Timed(job.get("server_pid"), bool(job.get("profile")))
    if client == "peer":
        accepted = peer_throughput(job, timed)
    elif client == "ours_threads":
        accepted = ours_threads_throughput(job, timed)
    else:
        accepted = asyncio.run(async_throughput(job, timed))
    requests = -(-n // int(job["chunk"])) if workload == "paubox_bulk" else n
    out: dict[str, Any] = {
        "wall_s": timed.wall,
        "client_cpu_s": timed.cpu,
        "server_cpu_s": timed.server,
        "accepted": accepted,
        "messages": n,
        "requests": requests,
        "sniffio_hidden": bool(job.get("hide_sniffio")),
        "sniffio_loaded": "sniffio" in sys.modules,
    }
    if timed.profiler is not None:
        out["profile"] = profile_table([timed.profiler, *(timed.thread_profilers or [])], requests)
    return out


async def async_throughput(job: dict[str, Any], timed: Timed) -> int:
    payloads = bench_modules()
    client, workload, root = job["client"], job["workload"], job["root"]
    n, concurrency, chunk = int(job["messages"]), int(job["concurrency"]), int(job["chunk"])
    vendor = "sendclean" if workload == "sendclean_single" else "paubox"
    if client == "ours":
        http = payloads.ours_client(vendor, root=root, use_async=True)
        one = payloads.ours_async_call(vendor, http)
        close = http.aclose
    elif client == "raw_sharded":
        # Reference: several small pools instead of one big one, each serving a fixed group of slots.
        import httpx

        shards = int(job.get("shards", 5))
        limits = httpx.Limits(
            max_connections=-(-concurrency // shards), max_keepalive_connections=-(-concurrency // shards)
        )
        pools = [payloads.raw_client(vendor, use_async=True, limits=limits) for _ in range(shards)]
        calls = [payloads.raw_async_call(vendor, pool, root) for pool in pools]
        await run_async_sharded(calls, concurrency, concurrency)
        with timed:
            accepted = await run_async_sharded(calls, n, concurrency)
        for pool in pools:
            await pool.aclose()
        return accepted
    else:
        import httpx

        # Raw httpx with its one pool of the same 100 connections (the clients spread theirs over POOLS).
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=100)
        http = payloads.raw_client(vendor, use_async=True, limits=limits)
        one = payloads.raw_async_call(vendor, http, root)
        close = http.aclose
    await run_async(one, concurrency, concurrency)  # open one connection per slot
    if workload != "paubox_bulk":
        with timed:
            accepted = await run_async(one, n, concurrency)
        await close()
        return accepted
    if client == "ours":
        from paubox_client import Message, MessageContent, MessageHeaders

        messages = [
            Message(
                recipients=[f"patient{i}@example.com"],
                headers=MessageHeaders(subject=payloads.SUBJECT, from_=payloads.FROM),
                content=MessageContent(textplain=payloads.TEXT),
            )
            for i in range(n)
        ]
        with timed:
            result = await http.send_bulk(messages, chunk_size=chunk, concurrency=concurrency)
        await close()
        return len(result.accepted)
    dicts = [
        {
            "recipients": [f"patient{i}@example.com"],
            "headers": {"subject": payloads.SUBJECT, "from": payloads.FROM},
            "content": {"text/plain": payloads.TEXT},
        }
        for i in range(n)
    ]
    url = payloads.base_url("paubox", root) + payloads.PAUBOX_BULK_PATH
    chunks = iter(range(0, n, chunk))
    post = http.post

    async def slot() -> int:
        accepted = 0
        for start in chunks:
            response = await post(url, json={"data": {"messages": dicts[start : start + chunk]}})
            response.raise_for_status()
            accepted += len(response.json()["messages"])
        return accepted

    with timed:
        accepted = sum(await asyncio.gather(*(slot() for _ in range(concurrency))))
    await close()
    return accepted


def ours_threads_throughput(job: dict[str, Any], timed: Timed) -> int:
    payloads = bench_modules()
    n, concurrency = int(job["messages"]), int(job["concurrency"])
    client = payloads.ours_client("paubox", root=job["root"])
    one = payloads.ours_call("paubox", client)
    run_threads(one, concurrency, concurrency)
    with timed:
        accepted = run_threads(one, n, concurrency, timed.thread_profilers)
    client.close()
    return accepted


def peer_throughput(job: dict[str, Any], timed: Timed) -> int:
    n, concurrency = int(job["messages"]), int(job["concurrency"])
    one = peer_sender({"base_url": job["root"] + job["peer"]["path"], **job["peer"]}, pool_size=concurrency)
    run_threads(one, concurrency, concurrency)
    with timed:
        return run_threads(one, n, concurrency, timed.thread_profilers)


def peer_sender(peer: dict[str, Any], pool_size: int) -> Callable[[], Any]:
    """openapi-generator's client of the Paubox spec, configured as its README says."""
    import paubox_peer  # type: ignore[import-not-found]

    configuration = paubox_peer.Configuration(host=peer["base_url"])
    configuration.api_key["PauboxToken"] = f"token={peer['api_key']}"
    configuration.api_key_prefix["PauboxToken"] = "Token"
    configuration.connection_pool_maxsize = pool_size  # urllib3's pool: one connection per thread
    api = paubox_peer.MessagesApi(paubox_peer.ApiClient(configuration))
    m, text = paubox_peer, peer["message"]

    def send() -> Any:
        request = m.SingleSendRequest(
            data=m.SingleSendRequestData(
                message=m.Message(
                    recipients=[text["to"]],
                    headers=m.MessageHeaders(subject=text["subject"], var_from=text["from"]),
                    content=m.MessageContent(text_plain=text["text"], text_html=None),
                )
            )
        )
        return api.send_message(request).source_tracking_id

    return send


# -------------------------------------------------------------------------------------- memory
def memory(job: dict[str, Any]) -> dict[str, Any]:
    payloads = bench_modules()
    vendor = job["vendor"]
    checkpoints = sorted(int(c) for c in job["checkpoints"])
    trace = job.get("tracemalloc")  # [from, to] checkpoints, or None
    client = payloads.ours_client(vendor, transport=payloads.mock_transport(vendor))
    one = payloads.ours_call(vendor, client)
    rss: dict[str, int] = {}
    sent = 0
    snapshot: Any = None
    growth: list[dict[str, Any]] = []
    started = time.perf_counter()
    for checkpoint in checkpoints:
        while sent < checkpoint:
            one()
            sent += 1
        gc.collect()
        rss[str(checkpoint)] = rss_bytes()
        if trace and checkpoint == trace[0]:
            import tracemalloc

            tracemalloc.start(10)
            snapshot = tracemalloc.take_snapshot()
        elif trace and checkpoint == trace[1] and snapshot is not None:
            import tracemalloc

            later = tracemalloc.take_snapshot()
            tracemalloc.stop()
            for stat in later.compare_to(snapshot, "traceback")[:10]:
                growth.append(
                    {
                        "size_diff_kb": round(stat.size_diff / 1024, 1),
                        "count_diff": stat.count_diff,
                        "traceback": [
                            f"{frame.filename.split('site-packages/')[-1]}:{frame.lineno}" for frame in stat.traceback
                        ][-6:],
                    }
                )
    client.close()
    out: dict[str, Any] = {"vendor": vendor, "rss_bytes": rss, "seconds": time.perf_counter() - started}
    if trace:
        out["tracemalloc_growth"] = {"between": trace, "top": growth}
    return out


# ----------------------------------------------------------------------------------- redaction
def redaction(job: dict[str, Any]) -> dict[str, Any]:
    import httpx

    payloads = bench_modules()
    vendor, alive, rounds, calls = job["vendor"], int(job["alive"]), int(job["rounds"]), int(job["calls"])
    suffix = "-probe-0000"
    secret_words = "Authorization: Token token=" + payloads.PAUBOX_API_KEY + suffix
    line = f"GET https://api.example.com/v1/x?token=abcdef123456&page=2 {secret_words} -- ordinary log text. "
    text = line * max(1, int(job.get("text_bytes", 16384)) // len(line))
    error_body = json.dumps(
        {"errors": [{"code": 400, "title": "Bad Request", "details": "data.message.recipients is required"}]}
    ).encode()

    def refuse(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, content=error_body, headers=[("content-type", "application/json")])

    probe = payloads.ours_client(vendor, transport=httpx.MockTransport(refuse), credential_suffix=suffix)
    make, send = payloads.ours_message_factory(vendor), payloads.ours_send(vendor, probe)
    redact = probe._redact
    errors: tuple[type[BaseException], ...] = (importlib.import_module(f"{vendor}_client").APIStatusError,)

    def typed_error() -> None:
        try:
            send(make())
        except errors:
            return
        raise AssertionError("the 400 answer did not raise")

    def per_call(fn: Callable[[], Any], count: int) -> float:
        samples = []
        for _ in range(3):
            gc.collect()
            start = time.perf_counter()
            for _ in range(count):
                fn()
            samples.append((time.perf_counter() - start) / count)
        return sorted(samples)[1]

    assert "***" in redact(text) and payloads.PAUBOX_API_KEY + suffix not in redact(text)
    for _ in range(50):
        redact(text)
        typed_error()
    out: dict[str, Any] = {
        "text_bytes": len(text),
        "one": {"redact": [], "error": []},
        "many": {"redact": [], "error": []},
    }
    transport = httpx.MockTransport(refuse)
    for index in range(rounds):
        out["one"]["redact"].append(per_call(lambda: redact(text), calls))
        out["one"]["error"].append(per_call(typed_error, max(1, calls // 4)))
        others = [
            payloads.ours_client(vendor, transport=transport, credential_suffix=f"-{index:02d}-{i:06d}")
            for i in range(alive - 1)
        ]
        out["many"]["redact"].append(per_call(lambda: redact(text), calls))
        out["many"]["error"].append(per_call(typed_error, max(1, calls // 4)))
        if job.get("profile") and index == rounds - 1:
            import cProfile

            for name, fn, count in (("redact", lambda: redact(text), calls), ("error", typed_error, calls // 4)):
                profiler = cProfile.Profile(time.thread_time)
                profiler.enable()
                for _ in range(max(1, count)):
                    fn()
                profiler.disable()
                out.setdefault("profile", {})[name] = profile_table([profiler], max(1, count))
        for other in others:
            other.close()
        del others
        gc.collect()
    return out


def main(argv: list[str]) -> int:
    job = json.loads(argv[0])
    if job.get("hide_sniffio"):
        sys.meta_path.insert(0, HiddenModuleFinder("sniffio"))
    run = {"throughput": throughput, "memory": memory, "redaction": redaction}[job["mode"]]
    print(json.dumps(run(job)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
