"""Section 6: the peer, openapi-generator's ``python`` client built from the same Paubox spec.

At bench time: a cached venv ``.bench/peer-venv`` (gitignored) gets the PyPI package
``openapi-generator-cli`` (it bundles the generator jar and runs it on the installed Java), the
spec is compiled into a temporary folder (deleted afterwards, never committed), and the output's
own ``requirements.txt`` (urllib3, pydantic, python-dateutil, typing-extensions) is installed into
the same venv. Then, side by side, against the canned server (own process):

* cold start: a fresh process imports, configures and sends one Paubox message; our script is the
  one of section 1, the peer's does the same with ``MessagesApi.send_message`` (0 ms latency);
* throughput: 10,000 sends at concurrency 50 with 20 ms latency. Ours is ``AsyncPaubox`` (one
  coroutine per slot, as in section 4). The peer is synchronous (urllib3), so it runs 50 threads
  with a urllib3 pool of 50 (``Configuration.connection_pool_maxsize``); our sync ``Paubox`` in
  the same 50 threads is shown too, like for like. These runs take place in section 4's rounds,
  interleaved with its other runs (ours is the same ``paubox_single`` run as there); with
  ``--only peer`` the section runs its own rounds.

Anything that cannot be done (no Java, no network to PyPI) is recorded as the reason it was skipped.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import payloads, profiling
from .canned_server import CannedServer
from .cold_start import clean_env, importtime_profile, interleaved, ours_script, phase_summary, run_script
from .stats import ratio_summary, summary
from .throughput import CONCURRENCY, LATENCY_MS, ExtraClient, checked, job, limit_seconds, run_worker

GENERATOR_PACKAGE = "openapi-generator-cli"
GENERATOR_VERSION = "7.26.0"  # the PyPI wrapper's version is the generator's version
GOAL = 1.0
PEER_SCRIPT = """import time
_t0 = time.perf_counter()
from paubox_peer import ApiClient, Configuration, Message, MessageContent, MessageHeaders, MessagesApi, SingleSendRequest, SingleSendRequestData
_t1 = time.perf_counter()
configuration = Configuration(host={url!r})
configuration.api_key["PauboxToken"] = "token={key}"
configuration.api_key_prefix["PauboxToken"] = "Token"
with ApiClient(configuration) as client:  # as the generated README shows; __exit__ closes nothing
    api = MessagesApi(client)
    _t2 = time.perf_counter()
    sent = api.send_message(
        SingleSendRequest(
            data=SingleSendRequestData(
                message=Message(
                    recipients=[{to!r}],
                    headers=MessageHeaders(subject={subject!r}, var_from={sender!r}),
                    content=MessageContent(text_plain={text!r}, text_html=None),
                )
            )
        )
    )
    _t3 = time.perf_counter()
print('ok' if sent.source_tracking_id else 'FAILED', _t1 - _t0, _t2 - _t1, _t3 - _t2)
"""


class PeerUnavailable(Exception):
    """The peer cannot be built here; the message says why."""


def _run(cmd: list[str], *, timeout: float, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=cwd, env=env, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PeerUnavailable(f"{' '.join(cmd[:4])} ...: {exc}") from None
    if proc.returncode != 0:
        tail = (proc.stdout + proc.stderr).strip().splitlines()[-15:]
        raise PeerUnavailable(f"{' '.join(cmd[:4])} ... exited {proc.returncode}:\n" + "\n".join(tail))
    return proc.stdout + proc.stderr


def java_version() -> str:
    java = shutil.which("java")
    if java is None:
        raise PeerUnavailable("no `java` on PATH: openapi-generator needs Java 11 or newer")
    out = _run([java, "-version"], timeout=60)
    return out.strip().splitlines()[0]


def ensure_venv(venv: Path, log: Callable[[str], None]) -> Path:
    """``venv`` with the generator installed (created on first use, reused after)."""
    python = venv / "bin" / "python"
    stamp = venv / ".bench-generator"
    if python.exists() and stamp.exists() and stamp.read_text() == GENERATOR_VERSION:
        return python
    log(f"  peer: creating {venv} with {GENERATOR_PACKAGE}=={GENERATOR_VERSION} (PyPI)")
    if venv.exists():
        shutil.rmtree(venv)
    _run([sys.executable, "-m", "venv", str(venv)], timeout=300)
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    _run([*pip, f"{GENERATOR_PACKAGE}=={GENERATOR_VERSION}"], timeout=900)
    stamp.write_text(GENERATOR_VERSION)
    return python


def generate(venv: Path, spec: Path, out: Path) -> float:
    """Compile ``spec`` with the ``python`` generator into ``out``; seconds it took."""
    cli = venv / "bin" / "openapi-generator-cli"
    started = time.perf_counter()
    _run(
        [
            str(cli),
            "generate",
            "-g",
            "python",
            "-i",
            str(spec),
            "-o",
            str(out),
            "--additional-properties",
            "packageName=paubox_peer",
        ],
        timeout=600,
    )
    return time.perf_counter() - started


def ensure_requirements(venv: Path, requirements: Path, log: Callable[[str], None]) -> list[str]:
    """Install the generated package's own requirements into the venv; the versions installed."""
    python = venv / "bin" / "python"
    digest = hashlib.sha256(requirements.read_bytes()).hexdigest()
    stamp = venv / ".bench-requirements"
    if not (stamp.exists() and stamp.read_text() == digest):
        names = ", ".join(line.split()[0] for line in requirements.read_text().splitlines() if line.strip())
        log(f"  peer: installing {names}")
        _run(
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", str(requirements)],
            timeout=900,
        )
        stamp.write_text(digest)
    frozen = _run([str(python), "-m", "pip", "freeze", "--disable-pip-version-check"], timeout=120)
    return sorted(line for line in frozen.splitlines() if line and not line.startswith("#"))


def peer_script(root: str) -> str:
    from sandbox import config

    return PEER_SCRIPT.format(
        url=payloads.base_url("paubox", root),
        key=config.PAUBOX_API_KEY,
        to=payloads.TO,
        subject=payloads.SUBJECT,
        sender=payloads.FROM,
        text=payloads.TEXT,
    )


def build(root: Path, tmp: Path, section: dict[str, Any], log: Callable[[str], None]) -> tuple[str, dict[str, str]]:
    """The peer's python and environment (PYTHONPATH = the generated package)."""
    section["java"] = java_version()
    venv = root / ".bench" / "peer-venv"
    python = ensure_venv(venv, log)
    out = tmp / "paubox-peer"
    section["generate_s"] = generate(venv, root / "specs" / "paubox.yaml", out)
    section["installed"] = ensure_requirements(venv, out / "requirements.txt", log)
    section["output"] = "a temporary folder, deleted after the run"
    return str(python), clean_env({"PYTHONPATH": str(out)})


#: Where the peer's build lives for the length of the bench: its python and environment.
PeerSetup = tuple[str, dict[str, str]]


def prepare(
    root: Path, tmp: Path, *, build_peer: bool, skip_reason: str | None, log: Callable[[str], None]
) -> tuple[dict[str, Any], PeerSetup | None]:
    """Build the peer into ``tmp`` (deleted by the caller); the section so far, and the setup or None."""
    section: dict[str, Any] = {
        "generator": f"openapi-generator {GENERATOR_VERSION} (PyPI {GENERATOR_PACKAGE}), generator `python`",
        "spec": "specs/paubox.yaml",
        "results": [],
    }
    if not build_peer:
        section["skipped"] = skip_reason or "not requested"
        log(f"  peer: skipped: {section['skipped']}")
        return section, None
    try:
        return section, build(root, tmp, section, log)
    except PeerUnavailable as exc:
        section["skipped"] = str(exc)
        log(f"  peer: skipped: {str(exc).splitlines()[0]}")
        return section, None


def throughput_clients(setup: PeerSetup) -> list[ExtraClient]:
    """The peer (50 threads) and our sync client in 50 threads, to run in section 4's rounds beside
    ``AsyncPaubox``, so that the three are interleaved and ours is not run twice."""
    from sandbox import config

    peer_spec = {
        "path": payloads.base_url("paubox", ""),
        "api_key": config.PAUBOX_API_KEY,
        "message": {"to": payloads.TO, "from": payloads.FROM, "subject": payloads.SUBJECT, "text": payloads.TEXT},
    }
    python, env = setup
    return [("peer", python, env, {"peer": peer_spec}), ("ours_threads", sys.executable, None, {})]


def run(
    setup: PeerSetup | None,
    section: dict[str, Any],
    tmp: Path,
    *,
    cold_rounds: int,
    throughput_rounds: int,
    messages: int,
    throughput_runs: dict[str, list[dict[str, Any]]] | None,
    log: Callable[[str], None],
) -> dict[str, Any]:
    """Cold start side by side, and the throughput entries from section 4's runs (or, when section 4
    did not run, from rounds of their own)."""
    if setup is None:
        return section
    ours_python = sys.executable
    peer_python, peer_env = setup
    with CannedServer(payloads.server_routes(), (LATENCY_MS, 0)) as server:
        section["results"].append(_cold_start(ours_python, peer_python, peer_env, server, tmp, cold_rounds, log))
        clients = throughput_clients(setup)
        if throughput_runs is None or not all(kind in throughput_runs for kind in ("ours", "peer", "ours_threads")):
            sides: list[tuple[str, str, dict[str, str] | None, dict[str, Any]]] = [
                ("ours", ours_python, None, {}),
                *clients,
            ]
            throughput_runs = {kind: [] for kind, _, _, _ in sides}
            for index in range(throughput_rounds):
                shift = index % len(sides)
                for kind, python, env, fields in sides[shift:] + sides[:shift]:
                    spec = job(server, kind, "paubox_single", messages, LATENCY_MS, **fields)
                    throughput_runs[kind].append(checked(run_worker(python, spec, env), f"peer section {kind}"))
            section["throughput_runs_from"] = "rounds of this section"
        else:
            section["throughput_runs_from"] = "section 4's rounds (interleaved with its other runs)"
        section["results"] += _throughput(throughput_runs, server, clients, messages, log)
    return section


def _cold_start(
    ours_python: str,
    peer_python: str,
    peer_env: dict[str, str],
    server: CannedServer,
    tmp: Path,
    rounds: int,
    log: Callable[[str], None],
) -> dict[str, Any]:
    ours_path, peer_path = tmp / "cold" / "ours_paubox.py", tmp / "cold" / "peer_paubox.py"
    ours_path.parent.mkdir(exist_ok=True)
    ours_path.write_text(ours_script("paubox", server.url(0)), encoding="utf-8")
    peer_path.write_text(peer_script(server.url(0)), encoding="utf-8")
    (pair,) = interleaved(
        [(lambda: run_script(ours_python, ours_path), lambda: run_script(peer_python, peer_path, peer_env))], rounds
    )
    ours_t, peer_t, ours_p, peer_p = pair.ours, pair.baseline, pair.ours_phases, pair.baseline_phases
    ratio = ratio_summary(ours_t, peer_t)
    ok = ratio["median"] <= GOAL
    entry: dict[str, Any] = {
        "id": "peer.cold_start",
        "section": "peer",
        "name": "peer cold start: new process, import + configure + send one Paubox message (loopback)",
        "ours_label": "python script: paubox_client (section 1's script)",
        "baseline_label": "python script: openapi-generator python client (urllib3, pydantic)",
        "unit": "s",
        "ours": summary(ours_t),
        "baseline": summary(peer_t),
        "ratio": ratio,
        "goal": {"kind": "ratio_max", "value": GOAL, "text": "≤ 1.00× the peer"},
        "pass": ok,
        "phases_s": {"ours": phase_summary(ours_p), "baseline": phase_summary(peer_p)},
        "method": {"rounds": rounds, "interleaved": True, "measure": "wall time of the whole process"},
    }
    if not ok:
        entry["profile"] = {
            "phases_s": entry["phases_s"],
            "importtime_ours_vs_raw_httpx_script": "see cold_start.paubox",
            "importtime_peer": importtime_profile(peer_python, peer_path, peer_path, env=peer_env, runs=1)
            | {"note": "the peer script's own import times (not a difference)"},
        }
    log(
        f"  peer cold start          {ratio['median']:.2f}× [{ratio['min']:.2f}–{ratio['max']:.2f}]  "
        f"({entry['ours']['median'] * 1e3:.0f} ms vs {entry['baseline']['median'] * 1e3:.0f} ms)"
    )
    return entry


def _throughput(
    runs: dict[str, list[dict[str, Any]]],
    server: CannedServer,
    clients: list[ExtraClient],
    messages: int,
    log: Callable[[str], None],
) -> list[dict[str, Any]]:
    messages = runs["ours"][0]["messages"]
    limit = limit_seconds("paubox_single", messages)
    results: list[dict[str, Any]] = []
    walls = {kind: [r["wall_s"] for r in v] for kind, v in runs.items()}
    cpu = {kind: [r["client_cpu_s"] / r["requests"] for r in v] for kind, v in runs.items()}
    base = {
        "section": "peer",
        "unit": "s",
        "baseline_label": f"openapi-generator python client, {CONCURRENCY} threads (it is sync, urllib3), "
        f"urllib3 pool of {CONCURRENCY}",
        "method": {"rounds": len(runs["ours"]), "interleaved": True, "messages": messages, "latency_ms": LATENCY_MS},
    }
    ratio = ratio_summary(walls["ours"], walls["peer"])
    entry: dict[str, Any] = {
        **base,
        "id": "peer.throughput",
        "name": f"peer throughput: {messages:,} Paubox sends, c={CONCURRENCY}, {LATENCY_MS} ms; ours async, "
        f"the peer in {CONCURRENCY} threads (limit {limit:.2f} s)",
        "ours_label": f"AsyncPaubox.send_message, {CONCURRENCY} coroutines",
        "ours": summary(walls["ours"]),
        "baseline": summary(walls["peer"]),
        "ratio": ratio,
        "goal": {"kind": "ratio_max", "value": GOAL, "text": "≤ 1.00× the peer"},
        "pass": ratio["median"] <= GOAL,
        "client_cpu_s_per_send": {kind: summary(v)["median"] for kind, v in cpu.items()},
    }
    if not entry["pass"]:
        n = min(messages, 1000)
        peer_kind, peer_python, peer_env, peer_fields = clients[0]
        profile: dict[str, Any] = {
            "note": f"cProfile (CPU clock) of one run of {n:,} sends of each (per request)",
            "cpu_share": {
                kind: summary([r["client_cpu_share"] for r in runs[kind]])["median"] for kind in ("ours", "peer")
            },
            "ours": run_worker(sys.executable, job(server, "ours", "paubox_single", n, LATENCY_MS, profile=True))[
                "profile"
            ],
            "baseline": run_worker(
                peer_python,
                job(server, peer_kind, "paubox_single", n, LATENCY_MS, profile=True, **peer_fields),
                peer_env,
            )["profile"],
        }
        profile["difference"] = profiling.compare(
            profile["ours"],
            profile["baseline"],
            entry["client_cpu_s_per_send"]["ours"] * 1e6,
            entry["client_cpu_s_per_send"]["peer"] * 1e6,
        )
        entry["profile"] = profile
    results.append(entry)
    results.append(
        {
            **base,
            "id": "peer.throughput_threads",
            "name": f"peer throughput, like for like: our sync Paubox in {CONCURRENCY} threads vs the peer in "
            f"{CONCURRENCY} threads",
            "ours_label": f"Paubox.send_message (sync), {CONCURRENCY} threads",
            "ours": summary(walls["ours_threads"]),
            "baseline": summary(walls["peer"]),
            "ratio": ratio_summary(walls["ours_threads"], walls["peer"]),
            "goal": {"kind": "info", "text": "reference"},
            "pass": None,
        }
    )
    results.append(
        {
            **base,
            "id": "peer.cpu_per_send",
            "name": "peer client CPU per send (process CPU ÷ sends): AsyncPaubox vs the peer in threads",
            "ours_label": f"AsyncPaubox, {CONCURRENCY} coroutines",
            "unit": "s/call",
            "ours": summary(cpu["ours"]),
            "baseline": summary(cpu["peer"]),
            "ratio": ratio_summary(cpu["ours"], cpu["peer"]),
            "goal": {"kind": "info", "text": "reference"},
            "pass": None,
        }
    )
    log(
        f"  peer throughput          {ratio['median']:.2f}× [{ratio['min']:.2f}–{ratio['max']:.2f}]  "
        f"(ours async {summary(walls['ours'])['median']:.2f} s, peer threads {summary(walls['peer'])['median']:.2f} s, "
        f"ours threads {summary(walls['ours_threads'])['median']:.2f} s; limit {limit:.2f} s)"
    )
    return results
