"""Section 4: the peer, openapi-generator's ``python`` generator, built from the same Paubox spec.

At bench time: a cached venv ``.bench/peer-venv`` (gitignored) gets the PyPI package
``openapi-generator-cli`` (it bundles the generator jar and runs it on the installed Java), the
spec is compiled into a temporary folder (deleted afterwards, never committed), and the output's
own ``requirements.txt`` (urllib3, pydantic, python-dateutil, typing-extensions) is installed into
the same venv. Then, against one zero-latency sandbox process:

* per-call: rounds of ``loopback_worker.py`` processes, ours and the peer alternating, each sending
  sync ``send_message`` calls over loopback HTTP (same message); wall and CPU time per call;
* import: ``from paubox_client import <client + models>`` against the peer's equivalent, each in
  its own interpreter (``imports.time_import``), interleaved.

Anything that cannot be done (no Java, no network to PyPI) is recorded as the reason it was skipped.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import imports
from .sandbox_proc import SandboxProcess
from .stats import ratio_summary, summary

GENERATOR_PACKAGE = "openapi-generator-cli"
GENERATOR_VERSION = "7.26.0"  # the PyPI wrapper's version is the generator's version
WORKER = Path(__file__).with_name("loopback_worker.py")
OURS_IMPORT = imports.READY_TO_SEND["paubox"]
PEER_IMPORT = (
    "from paubox_peer import ApiClient, Configuration, MessagesApi, Message, MessageContent, MessageHeaders, "
    "SingleSendRequest, SingleSendRequestData"
)


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
    _run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            f"{GENERATOR_PACKAGE}=={GENERATOR_VERSION}",
        ],
        timeout=900,
    )
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
        log(
            f"  peer: installing {', '.join(line.split()[0] for line in requirements.read_text().splitlines() if line.strip())}"
        )
        _run(
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", str(requirements)],
            timeout=900,
        )
        stamp.write_text(digest)
    frozen = _run([str(python), "-m", "pip", "freeze", "--disable-pip-version-check"], timeout=120)
    return sorted(line for line in frozen.splitlines() if line and not line.startswith("#"))


def worker_round(
    python: str,
    kind: str,
    url: str,
    username: str,
    key: str,
    calls: int,
    warmup: int,
    env: dict[str, str],
    profile: bool = False,
) -> dict[str, Any]:
    cmd = [python, str(WORKER), kind, url, username, key, str(calls), str(warmup)]
    out = _run(cmd + (["profile"] if profile else []), timeout=600, env=env)
    return json.loads(out.strip().splitlines()[-1])


def run(
    root: Path,
    *,
    rounds: int,
    calls: int,
    warmup: int,
    import_rounds: int,
    build: bool,
    skip_reason: str | None,
    log: Callable[[str], None],
) -> dict[str, Any]:
    from sandbox.config import PAUBOX_API_KEY, PAUBOX_USERNAME
    from sandbox.config import base_url as sandbox_base_url

    section: dict[str, Any] = {
        "generator": f"openapi-generator {GENERATOR_VERSION} (PyPI {GENERATOR_PACKAGE}), generator `python`",
        "spec": "specs/paubox.yaml",
        "results": [],
    }
    ours_python = sys.executable
    ours_env = imports.clean_env()
    tmp = Path(tempfile.mkdtemp(prefix="bench-peer-"))
    try:
        peer_python: str | None = None
        peer_env: dict[str, str] = {}
        if not build:
            section["skipped"] = skip_reason or "not requested"
        else:
            try:
                section["java"] = java_version()
                venv = root / ".bench" / "peer-venv"
                python = ensure_venv(venv, log)
                out = tmp / "paubox-peer"
                section["generate_s"] = generate(venv, root / "specs" / "paubox.yaml", out)
                section["installed"] = ensure_requirements(venv, out / "requirements.txt", log)
                section["output"] = "a temporary folder, deleted after the run"
                peer_python = str(python)
                peer_env = imports.clean_env({"PYTHONPATH": str(out)})
            except PeerUnavailable as exc:
                section["skipped"] = str(exc)
                log(f"  peer: skipped: {str(exc).splitlines()[0]}")

        method = {"rounds": rounds, "calls_per_round": calls, "warmup_calls": warmup, "interleaved": True}
        with SandboxProcess(root) as sandbox:
            url = sandbox_base_url(sandbox.url, "paubox", username=PAUBOX_USERNAME)
            sides: list[tuple[str, str, dict[str, str]]] = [
                ("ours", ours_python, ours_env),
                ("raw_httpx", ours_python, ours_env),
            ]
            if peer_python is not None:
                sides.append(("peer", peer_python, peer_env))
            per_round: dict[str, list[dict[str, Any]]] = {kind: [] for kind, _, _ in sides}
            bodies: dict[str, str | None] = {}
            for index in range(rounds):
                shift = index % len(sides)
                for kind, python, env in sides[shift:] + sides[:shift]:
                    sandbox.reset(0)
                    per_round[kind].append(
                        worker_round(python, kind, url, PAUBOX_USERNAME, PAUBOX_API_KEY, calls, warmup, env)
                    )
                    sent = sandbox.control("GET", "/requests?vendor=paubox&limit=1")["requests"]
                    bodies[kind] = sent[0]["body"] if sent else None
            section["request_bodies_received"] = bodies

            def values(kind: str, metric: str) -> list[float]:
                return [r[f"{metric}_s_per_call"] for r in per_round[kind]]

            section["loopback"] = {
                kind: {"per_call_wall": summary(values(kind, "wall")), "per_call_cpu": summary(values(kind, "cpu"))}
                for kind in per_round
            }
            section["loopback"]["method"] = method
            if peer_python is None:
                log(
                    f"  peer     loopback: ours {summary(values('ours', 'wall'))['median'] * 1e6:.0f} µs/call, "
                    f"raw httpx {summary(values('raw_httpx', 'wall'))['median'] * 1e6:.0f} µs/call (peer skipped)"
                )
                return section

            goal = {"kind": "ratio_max_exclusive", "value": 1.0, "text": "< 1.00× peer (ours faster)"}
            missed = False
            for metric, what in (
                ("wall", "wall time per call (client + loopback + sandbox)"),
                ("cpu", "client CPU time per call (the client's own work)"),
            ):
                ratio = ratio_summary(values("ours", metric), values("peer", metric))
                missed = missed or ratio["median"] >= 1.0
                section["results"].append(
                    {
                        "id": f"peer.per_call_{metric}",
                        "section": "peer",
                        "name": f"paubox send_message over loopback, {what}",
                        "ours_label": "Paubox.send_message (httpx)",
                        "baseline_label": "openapi-generator python: MessagesApi.send_message (urllib3, pydantic)",
                        "unit": "s/call",
                        "ours": summary(values("ours", metric)),
                        "baseline": summary(values("peer", metric)),
                        "ratio": ratio,
                        "goal": goal,
                        "pass": ratio["median"] < 1.0,
                        "method": method,
                    }
                )
            # Reference: raw httpx by hand against the peer (how much of the gap is the HTTP stack).
            ratio = ratio_summary(values("raw_httpx", "cpu"), values("peer", "cpu"))
            section["results"].append(
                {
                    "id": "peer.raw_httpx_cpu",
                    "section": "peer",
                    "name": "reference: raw httpx by hand vs the peer, client CPU per call",
                    "ours_label": "httpx.Client.post(json=dict) + response.json()",
                    "baseline_label": "openapi-generator python client",
                    "unit": "s/call",
                    "ours": summary(values("raw_httpx", "cpu")),
                    "baseline": summary(values("peer", "cpu")),
                    "ratio": ratio,
                    "goal": {"kind": "info", "text": "reference"},
                    "pass": None,
                    "method": method,
                }
            )
            if missed:
                log("  peer     profiling the per-call loop of each client")
                section["profiles"] = {}
                for kind, python, env in sides:
                    sandbox.reset(0)
                    out = worker_round(
                        python, kind, url, PAUBOX_USERNAME, PAUBOX_API_KEY, calls, warmup, env, profile=True
                    )
                    section["profiles"][kind] = out["profile"]

        log("  peer     timing imports")
        for stmt in (OURS_IMPORT, PEER_IMPORT):  # warm byte-code caches
            imports.time_import(
                ours_python if stmt == OURS_IMPORT else peer_python, stmt, ours_env if stmt == OURS_IMPORT else peer_env
            )
        ours_imp: list[float] = []
        peer_imp: list[float] = []
        for index in range(import_rounds):
            pair = [
                (ours_imp, ours_python, OURS_IMPORT, ours_env),
                (peer_imp, peer_python, PEER_IMPORT, peer_env),
            ]
            if index % 2:
                pair.reverse()
            for sink, python, stmt, env in pair:
                sink.append(imports.time_import(python, stmt, env))
        ratio = ratio_summary(ours_imp, peer_imp)
        section["results"].append(
            {
                "id": "peer.import",
                "section": "peer",
                "name": "paubox import, client + models of one send",
                "ours_label": OURS_IMPORT,
                "baseline_label": PEER_IMPORT,
                "unit": "s",
                "ours": summary(ours_imp),
                "baseline": summary(peer_imp),
                "ratio": ratio,
                "goal": goal,
                "pass": ratio["median"] < 1.0,
                "method": {
                    "rounds": import_rounds,
                    "interleaved": True,
                    "measure": "in-process perf_counter, fresh interpreter",
                },
            }
        )
        for entry in section["results"]:
            r = entry["ratio"]
            log(f"  peer     {entry['id']:<20} ours {r['median']:.2f}× peer [{r['min']:.2f}–{r['max']:.2f}]")
        return section
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
