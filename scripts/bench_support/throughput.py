"""Section 4: throughput at concurrency 50 against a canned server with 20 ms latency.

Workloads (async clients on the default asyncio loop, one coroutine per concurrent slot):

* ``paubox_single``: N ``AsyncPaubox.send_message`` calls;
* ``sendclean_single``: N ``AsyncSendClean.send_mail`` calls;
* ``paubox_bulk``: N Paubox messages through ``AsyncPaubox.send_bulk(chunk_size=50, concurrency=50)``,
  i.e. N/50 requests of 50 messages.

The goal is against the limit a perfect client reaches: requests × latency ÷ concurrency (4.0 s for
10,000 single sends). The load target is ``canned_server.py``: one process of its own that answers
every request with the vendor's success JSON after 20 ms, reading only the request line, the end
of the headers and Content-Length. Its own ceiling is measured in the same run by a raw-socket
load generator (``loadgen``) at the same concurrency, at 20 ms (how close to the limit a client
doing nothing can get) and at 0 ms (the server's maximum rate), so the server is shown not to be
the bottleneck.

Every run is a fresh ``worker.py`` process: the connections are opened first (one request per slot,
untimed), then the N sends are timed (each single send builds its request model, as a user does;
the bulk's messages are built before). Recorded: wall time, the client's process CPU time, and the
server's CPU time. References in the same rounds: raw httpx ``AsyncClient`` posting the same JSON
by hand with the same pool size (``max_connections=100, max_keepalive_connections=100``, the
clients' default), the same posts over 5 pools of 10 connections (what sharding the pool buys),
and, for the reason ``sniffio`` is a dependency, the async client's CPU per send with sniffio
importable against a worker where a meta path finder hides it (that process only). That case sends
one at a time (0 ms): at concurrency 50 httpcore's pool bookkeeping dominates every figure and
would hide a cost that is the same per send at any concurrency. A
missed goal keeps a cProfile of our client in one more run, and the CPU shares.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from . import loadgen, payloads
from .canned_server import CannedServer, describe
from .cold_start import clean_env
from .stats import ratio_summary, summary

GOAL = 1.15
CONCURRENCY = 50
CHUNK = payloads.BULK_CHUNK
LATENCY_MS = 20
WORKER = Path(__file__).with_name("worker.py")
SNIFFIO_CONCURRENCY = 1  # the sniffio case: one send at a time
SHARDS = 5  # the sharded reference: 5 httpx.AsyncClient pools of 10 connections

WORKLOADS = ("paubox_single", "sendclean_single", "paubox_bulk")
LABELS = {
    "paubox_single": "AsyncPaubox.send_message",
    "sendclean_single": "AsyncSendClean.send_mail",
    "paubox_bulk": "AsyncPaubox.send_bulk",
}
PROFILE_MESSAGES = 1000  # a profiled run is slower; this many messages are enough to rank the frames


def requests_of(workload: str, messages: int) -> int:
    return -(-messages // CHUNK) if workload == "paubox_bulk" else messages


def limit_seconds(workload: str, messages: int, latency_ms: int = LATENCY_MS) -> float:
    return requests_of(workload, messages) * latency_ms / 1000 / CONCURRENCY


def run_worker(python: str, job: dict[str, Any], env: dict[str, str] | None = None) -> dict[str, Any]:
    proc = subprocess.run(
        [python, str(WORKER), json.dumps(job)],
        capture_output=True,
        text=True,
        env=env or clean_env(),
        timeout=900,
        check=False,
    )
    if proc.returncode != 0 or not proc.stdout.strip():
        raise RuntimeError(
            f"worker {job.get('mode')} {job.get('client')} failed ({proc.returncode}):\n{proc.stderr[-3000:]}"
        )
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def job(
    server: CannedServer, client: str, workload: str, messages: int, latency_ms: int, **extra: Any
) -> dict[str, Any]:
    return {
        "mode": "throughput",
        "client": client,
        "workload": workload,
        "root": server.url(latency_ms),
        "messages": messages,
        "concurrency": CONCURRENCY,
        "chunk": CHUNK,
        "server_pid": server.pid,
        **extra,
    }


def checked(result: dict[str, Any], what: str) -> dict[str, Any]:
    if result["accepted"] != result["messages"]:
        raise RuntimeError(f"{what}: {result['accepted']} of {result['messages']} messages accepted")
    result["requests_per_s"] = result["requests"] / result["wall_s"]
    result["client_cpu_share"] = result["client_cpu_s"] / result["wall_s"]
    result["server_cpu_share"] = result["server_cpu_s"] / result["wall_s"]
    return result


def loadgen_run(server: CannedServer, workload: str, count: int, latency_ms: int) -> dict[str, Any]:
    """The canned server's own ceiling: pre-encoded requests over CONCURRENCY raw sockets."""
    spec = payloads.raw_request("paubox")
    url = server.url(latency_ms)
    if workload == "paubox_bulk":
        body = {"data": {"messages": [spec.build()["data"]["message"] for _ in range(CHUNK)]}}
        request = loadgen.encode_request(
            payloads.base_url("paubox", url) + payloads.PAUBOX_BULK_PATH, body, spec.headers
        )
    else:
        request = loadgen.encode_request(payloads.base_url("paubox", url) + spec.path, spec.build(), spec.headers)
    requests = requests_of(workload, count)
    server_cpu = server.cpu_seconds()
    result = loadgen.run(url, request, requests, CONCURRENCY)
    result["server_cpu_s"] = server.cpu_seconds() - server_cpu
    bad = {s: n for s, n in result["statuses"].items() if s != 200}
    if bad:
        raise RuntimeError(f"loadgen {workload}: non-200 answers {bad}")
    result["requests"] = requests
    result["requests_per_s"] = requests / result["wall_s"]
    result["server_cpu_share"] = result["server_cpu_s"] / result["wall_s"]
    result["client_cpu_share"] = result["client_cpu_s"] / result["wall_s"]
    return result


def _median(runs: list[dict[str, Any]], key: str) -> float:
    return float(summary([r[key] for r in runs])["median"])


#: A client run in the same rounds for another section (the peer's): kind, python, environment and
#: what its job needs beyond the standard fields. It sends ``paubox_single`` at 20 ms.
ExtraClient = tuple[str, str, dict[str, str] | None, dict[str, Any]]


def run(
    python: str,
    *,
    messages: int,
    sniffio_messages: int,
    rounds: int,
    raw_workloads: tuple[str, ...],
    log: Callable[[str], None],
    extra_clients: Sequence[ExtraClient] = (),
    profile_misses: bool = True,
) -> dict[str, Any]:
    plan: list[tuple[str, str, int]] = [("ours", w, LATENCY_MS) for w in WORKLOADS]
    plan += [("raw", w, LATENCY_MS) for w in raw_workloads]
    plan += [("raw_sharded", "paubox_single", LATENCY_MS)]
    plan += [("loadgen", "paubox_single", LATENCY_MS), ("loadgen", "paubox_bulk", LATENCY_MS)]
    plan += [("loadgen", "paubox_single", 0), ("sniffio", "importable", 0), ("sniffio", "hidden", 0)]
    extras = {kind: (extra_python, env, fields) for kind, extra_python, env, fields in extra_clients}
    plan += [(f"extra:{kind}", "paubox_single", LATENCY_MS) for kind in extras]
    runs: dict[tuple[str, str, int], list[dict[str, Any]]] = {key: [] for key in plan}
    results: list[dict[str, Any]] = []
    section: dict[str, Any] = {"server": describe(), "results": results}
    with CannedServer(payloads.server_routes(), (LATENCY_MS, 0)) as server:
        for index in range(rounds):
            shift = index % len(plan)
            for key in plan[shift:] + plan[:shift]:
                client, workload, latency = key
                started = time.perf_counter()
                if client == "loadgen":
                    runs[key].append(loadgen_run(server, workload, messages, latency))
                elif client == "sniffio":
                    spec = job(
                        server,
                        "ours",
                        "paubox_single",
                        sniffio_messages,
                        0,
                        hide_sniffio=workload == "hidden",
                        concurrency=SNIFFIO_CONCURRENCY,
                    )
                    runs[key].append(checked(run_worker(python, spec), f"sniffio {workload}"))
                elif client.startswith("extra:"):
                    kind = client.split(":", 1)[1]
                    extra_python, env, fields = extras[kind]
                    spec = job(server, kind, workload, messages, latency, **fields)
                    runs[key].append(checked(run_worker(extra_python, spec, env), kind))
                else:
                    spec = job(server, client, workload, messages, latency, shards=SHARDS)
                    runs[key].append(checked(run_worker(python, spec), f"{client} {workload}"))
                log(f"    {client} {workload} @{latency} ms: {time.perf_counter() - started:.1f} s")
            log(f"  throughput round {index + 1}/{rounds} done")
        section["extra_runs"] = {kind: runs[(f"extra:{kind}", "paubox_single", LATENCY_MS)] for kind in extras}
        section["extra_runs"]["ours"] = runs[("ours", "paubox_single", LATENCY_MS)]

        for workload in WORKLOADS:
            reqs = requests_of(workload, messages)
            limit = limit_seconds(workload, messages)
            ours = runs[("ours", workload, LATENCY_MS)]
            walls = [r["wall_s"] for r in ours]
            ratio = summary([w / limit for w in walls])
            ok = ratio["median"] <= GOAL
            what = (
                f"{messages:,} Paubox messages via send_bulk ({reqs} requests of {CHUNK})"
                if workload == "paubox_bulk"
                else f"{messages:,} single sends, {LABELS[workload]}"
            )
            cpu_per_message = [r["client_cpu_s"] / r["messages"] for r in ours]
            entry: dict[str, Any] = {
                "id": f"throughput.{workload}",
                "section": "throughput",
                "name": f"throughput: {what}, c={CONCURRENCY}, {LATENCY_MS} ms",
                "ours_label": f"{LABELS[workload]}, async, concurrency {CONCURRENCY}",
                "baseline_label": f"limit = {reqs} requests × {LATENCY_MS} ms ÷ {CONCURRENCY} = {limit:.3f} s",
                "unit": "s",
                "ours": summary(walls),
                "baseline": summary([limit]),
                "ratio": ratio,
                "goal": {"kind": "ratio_max", "value": GOAL, "text": f"≤ {GOAL:.2f}× limit"},
                "pass": ok,
                "requests": reqs,
                "messages": messages,
                "concurrency": CONCURRENCY,
                "latency_ms": LATENCY_MS,
                "client_cpu_s_per_message": summary(cpu_per_message),
                "client_cpu_s_per_request": summary([r["client_cpu_s"] / r["requests"] for r in ours]),
                "cpu_share": {"client": _median(ours, "client_cpu_share"), "server": _median(ours, "server_cpu_share")},
                "runs": ours,
            }
            if not ok and profile_misses:
                profiled_n = messages if workload == "paubox_bulk" else min(messages, PROFILE_MESSAGES)
                profiled = run_worker(python, job(server, "ours", workload, profiled_n, LATENCY_MS, profile=True))
                entry["profile"] = {
                    "note": f"cProfile of our client during one run of {profiled_n} messages at {LATENCY_MS} ms "
                    "(the profiler slows the client: compare shares, not absolute times; per request)",
                    "messages": profiled_n,
                    "wall_s_under_profiler": profiled["wall_s"],
                    "cpu_share": entry["cpu_share"],
                    "client_cpu_s_per_request": entry["client_cpu_s_per_request"]["median"],
                    **profiled["profile"],
                }
            results.append(entry)
            log(
                f"  throughput {workload:<17} {ratio['median']:.2f}× limit ({entry['ours']['median']:.2f} s vs "
                f"{limit:.2f} s; client CPU {entry['cpu_share']['client']:.0%} of a core, "
                f"{entry['client_cpu_s_per_request']['median'] * 1e6:.0f} µs/request; server {entry['cpu_share']['server']:.0%})"
            )
            if workload == "paubox_bulk":
                results.append(_cpu_per_message_entry(ours, runs.get(("raw", workload, LATENCY_MS), []), messages))
            raw = runs.get(("raw", workload, LATENCY_MS))
            if raw:
                raw_walls = [r["wall_s"] for r in raw]
                results.append(
                    {
                        "id": f"throughput.{workload}.raw_httpx",
                        "section": "throughput",
                        "name": f"reference: raw httpx AsyncClient, the same {reqs:,} posts, c={CONCURRENCY}, {LATENCY_MS} ms",
                        "ours_label": "httpx.AsyncClient(limits=100/100).post(url, json=dict) by hand",
                        "baseline_label": f"limit {limit:.3f} s",
                        "unit": "s",
                        "ours": summary(raw_walls),
                        "baseline": summary([limit]),
                        "ratio": summary([w / limit for w in raw_walls]),
                        "goal": {"kind": "info", "text": "reference"},
                        "pass": None,
                        "client_cpu_s_per_request": summary([r["client_cpu_s"] / r["requests"] for r in raw]),
                        "cpu_share": {
                            "client": _median(raw, "client_cpu_share"),
                            "server": _median(raw, "server_cpu_share"),
                        },
                        "ours_vs_raw_wall": ratio_summary(walls, raw_walls),
                        "runs": raw,
                    }
                )

        sharded = runs[("raw_sharded", "paubox_single", LATENCY_MS)]
        single = runs.get(("raw", "paubox_single", LATENCY_MS))
        limit = limit_seconds("paubox_single", messages)
        sharded_walls = [r["wall_s"] for r in sharded]
        results.append(
            {
                "id": "throughput.paubox_single.raw_httpx_sharded",
                "section": "throughput",
                "name": f"reference: raw httpx, the same posts over {SHARDS} AsyncClients of {CONCURRENCY // SHARDS} "
                f"connections (slot i uses pool i×{SHARDS}÷{CONCURRENCY}), c={CONCURRENCY}, {LATENCY_MS} ms",
                "ours_label": f"{SHARDS} × httpx.AsyncClient(limits={CONCURRENCY // SHARDS}/{CONCURRENCY // SHARDS})",
                "baseline_label": f"limit {limit:.3f} s",
                "unit": "s",
                "ours": summary(sharded_walls),
                "baseline": summary([limit]),
                "ratio": summary([w / limit for w in sharded_walls]),
                "goal": {"kind": "info", "text": "reference"},
                "pass": None,
                "client_cpu_s_per_request": summary([r["client_cpu_s"] / r["requests"] for r in sharded]),
                "cpu_share": {
                    "client": _median(sharded, "client_cpu_share"),
                    "server": _median(sharded, "server_cpu_share"),
                },
                "note": "httpcore's pool examines every connection for every queued request and, for each idle "
                "connection, counts all connections again: its cost per request grows with the pool size",
                "one_pool_vs_sharded_wall": ratio_summary([r["wall_s"] for r in single], sharded_walls)
                if single
                else None,
                "runs": sharded,
            }
        )

        # The canned server's own ceiling.
        lg20 = runs[("loadgen", "paubox_single", LATENCY_MS)]
        lg_bulk = runs[("loadgen", "paubox_bulk", LATENCY_MS)]
        lg0 = runs[("loadgen", "paubox_single", 0)]
        limit = limit_seconds("paubox_single", messages)
        bulk_limit = limit_seconds("paubox_bulk", messages)
        rate0 = summary([r["requests_per_s"] for r in lg0])
        section["server_ceiling"] = {
            "requests_per_s_at_0ms": rate0,
            "server_cpu_s_per_request_at_0ms": summary([r["server_cpu_s"] / r["requests"] for r in lg0])["median"],
            "server_cpu_share_at_0ms": _median(lg0, "server_cpu_share"),
            "limit_requests_per_s": CONCURRENCY / (LATENCY_MS / 1000),
            "wall_s_at_20ms": summary([r["wall_s"] for r in lg20]),
            "ratio_at_20ms": summary([r["wall_s"] / limit for r in lg20]),
            "bulk_wall_s_at_20ms": summary([r["wall_s"] for r in lg_bulk]),
            "bulk_ratio_at_20ms": summary([r["wall_s"] / bulk_limit for r in lg_bulk]),
            "loadgen": "raw sockets, pre-encoded requests, uvloop, one process (the bench's)",
        }
        results.append(
            {
                "id": "throughput.server_ceiling",
                "section": "throughput",
                "name": f"reference: the canned server's ceiling, raw-socket load generator, {requests_of('paubox_single', messages):,} "
                f"requests, c={CONCURRENCY}, {LATENCY_MS} ms (at 0 ms: {rate0['median']:,.0f} req/s)",
                "ours_label": "loadgen (raw sockets) against canned_server.py",
                "baseline_label": f"limit {limit:.3f} s",
                "unit": "s",
                "ours": summary([r["wall_s"] for r in lg20]),
                "baseline": summary([limit]),
                "ratio": summary([r["wall_s"] / limit for r in lg20]),
                "goal": {"kind": "info", "text": "reference"},
                "pass": None,
                "runs": {"20ms": lg20, "bulk_20ms": lg_bulk, "0ms": lg0},
            }
        )
        sniffio = _sniffio_entry(runs[("sniffio", "importable", 0)], runs[("sniffio", "hidden", 0)])
        results.append(sniffio)
        log(
            f"  sniffio: {sniffio['ours']['median'] * 1e6:.0f} µs CPU per send importable, "
            f"{sniffio['baseline']['median'] * 1e6:.0f} µs hidden "
            f"(+{sniffio['extra_cpu_s_per_send_without']['median'] * 1e6:.0f} µs per send without it)"
        )
        c = section["server_ceiling"]
        log(
            f"  canned server ceiling: {c['requests_per_s_at_0ms']['median']:,.0f} req/s at 0 ms "
            f"({c['server_cpu_s_per_request_at_0ms'] * 1e6:.0f} µs CPU/request); at {LATENCY_MS} ms "
            f"{c['ratio_at_20ms']['median']:.3f}× the limit (bulk {c['bulk_ratio_at_20ms']['median']:.2f}×)"
        )
    return section


def _cpu_per_message_entry(ours: list[dict[str, Any]], raw: list[dict[str, Any]], messages: int) -> dict[str, Any]:
    ours_cpu = [r["client_cpu_s"] / r["messages"] for r in ours]
    entry: dict[str, Any] = {
        "id": "throughput.paubox_bulk.cpu_per_message",
        "section": "throughput",
        "name": f"send_bulk client CPU per message ({messages:,} messages, chunk {CHUNK})",
        "ours_label": "AsyncPaubox.send_bulk: process CPU time ÷ messages",
        "baseline_label": "raw httpx by hand: the same chunk bodies from dicts, CPU ÷ messages",
        "unit": "s/call",
        "ours": summary(ours_cpu),
        "baseline": None,
        "ratio": None,
        "goal": {"kind": "info", "text": "reported"},
        "pass": None,
    }
    if raw:
        raw_cpu = [r["client_cpu_s"] / r["messages"] for r in raw]
        if len(raw_cpu) == len(ours_cpu):
            entry["baseline"] = summary(raw_cpu)
            entry["ratio"] = ratio_summary(ours_cpu, raw_cpu)
    return entry


def _sniffio_entry(importable: list[dict[str, Any]], hidden: list[dict[str, Any]]) -> dict[str, Any]:
    with_cpu = [r["client_cpu_s"] / r["requests"] for r in importable]
    without_cpu = [r["client_cpu_s"] / r["requests"] for r in hidden]
    if not all(r["sniffio_loaded"] for r in importable) or any(r["sniffio_loaded"] for r in hidden):
        raise RuntimeError("the sniffio case did not run as planned (sniffio loaded where hidden, or not loaded)")
    return {
        "id": "throughput.sniffio",
        "section": "throughput",
        "name": f"why sniffio is a dependency: AsyncPaubox CPU per send, sniffio importable vs hidden "
        f"({importable[0]['requests']:,} sends one at a time, 0 ms)",
        "ours_label": "sniffio importable (the declared dependency)",
        "baseline_label": "sniffio hidden by a meta path finder in that worker process only (import fails after a sys.path search)",
        "unit": "s/call",
        "ours": summary(with_cpu),
        "baseline": summary(without_cpu),
        "ratio": ratio_summary(with_cpu, without_cpu),
        "extra_cpu_s_per_send_without": summary([b - a for a, b in zip(with_cpu, without_cpu, strict=True)]),
        "goal": {"kind": "info", "text": "reason for the dependency"},
        "pass": None,
        "concurrency": SNIFFIO_CONCURRENCY,
        "note": "httpcore calls current_async_library() for every AsyncEvent/AsyncLock/AsyncShieldCancellation it sets "
        "up, several per request; without sniffio each call is a failed `import sniffio`, a search of sys.path",
        "runs": {"importable": importable, "hidden": hidden},
    }
