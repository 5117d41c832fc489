"""Section 1: cold start. A fresh ``python`` process imports the package, builds the client and sends
one message to a loopback server, against a raw-httpx script doing the same request by hand.

Each side is a small script written to a temporary folder (nothing else on ``sys.path``) and run
as a whole process; the figure is the wall time of the process, start to exit, measured by the
bench around ``subprocess.run`` (interpreter start-up included, the same for both sides). The raw
script imports httpx, builds ``httpx.Client(headers=...)`` with the same headers the client sends
(credentials and User-Agent) and posts the same JSON to the same URL; it reads ``response.json()``.
Both scripts close their client. The server is the canned server (own process, 0 ms latency).

Rounds interleave the sides and rotate the vendors, after one untimed run of each script (byte-code
caches). Every script also reports, in process, how long its import, construction and send took,
so the JSON shows where a difference comes from; a missed goal adds ``-X importtime``: the modules
our script loads beyond the raw script's, by own time.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import payloads
from .stats import ratio_summary, summary

GOAL = 1.15

_HEAD = "import time\n_t0 = time.perf_counter()\n"
_TAIL = (
    "_t3 = time.perf_counter()\nclient.close()\nprint('ok' if {ok} else 'FAILED', _t1 - _t0, _t2 - _t1, _t3 - _t2)\n"
)

OURS_SOURCE = {
    "paubox": (
        "from paubox_client import Message, MessageContent, MessageHeaders, Paubox",
        "client = Paubox({key!r}, api_username={user!r}, base_url={url!r})",
        "sent = client.send_message(\n"
        "    Message(\n"
        "        recipients=[{to!r}],\n"
        "        headers=MessageHeaders(subject={subject!r}, from_={sender!r}),\n"
        "        content=MessageContent(textplain={text!r}),\n"
        "    )\n"
        ")",
    ),
    "smtpcom": (
        "from smtpcom_client import EmailAddress, MessageBody, MessagePart, Originator, Recipients, SendMessageRequest, SMTPcom",
        "client = SMTPcom({key!r}, base_url={url!r})",
        "sent = client.send_message(\n"
        "    SendMessageRequest(\n"
        "        channel={channel!r},\n"
        "        recipients=Recipients(to=[EmailAddress(address={to!r})]),\n"
        "        originator=Originator(from_=EmailAddress(address={sender!r})),\n"
        "        subject={subject!r},\n"
        "        body=MessageBody(parts=[MessagePart(type_='text/plain', content={text!r})]),\n"
        "    )\n"
        ")",
    ),
    "sendclean": (
        "from sendclean_client import Message, Recipient, SendClean",
        "client = SendClean({owner!r}, {token!r}, smtp_user_name={user!r}, base_url={url!r})",
        "sent = client.send_mail(Message(subject={subject!r}, from_email={sender!r}, to=[Recipient(email={to!r})], text={text!r}))",
    ),
    "poweremail": (
        "from poweremail_client import Message, PowerEmail, Recipient",
        "client = PowerEmail({owner!r}, {token!r}, smtp_user_name={user!r}, base_url={url!r})",
        "sent = client.send_mail(Message(subject={subject!r}, from_email={sender!r}, to=[Recipient(email={to!r})], text={text!r}))",
    ),
}


def ours_script(vendor: str, root: str) -> str:
    from sandbox import config

    values = {
        "url": payloads.base_url(vendor, root),
        "to": payloads.TO,
        "sender": payloads.FROM,
        "subject": payloads.SUBJECT,
        "text": payloads.TEXT,
        "channel": config.SMTPCOM_CHANNEL,
        "key": config.PAUBOX_API_KEY if vendor == "paubox" else config.SMTPCOM_API_KEY,
        "user": {
            "paubox": config.PAUBOX_USERNAME,
            "sendclean": config.SENDCLEAN_SMTP_USER,
            "poweremail": config.POWEREMAIL_SMTP_USER,
        }.get(vendor, ""),
        "owner": config.POWEREMAIL_OWNER_ID if vendor == "poweremail" else config.SENDCLEAN_OWNER_ID,
        "token": config.POWEREMAIL_TOKEN if vendor == "poweremail" else config.SENDCLEAN_TOKEN,
    }
    imports, construct, send = (part.format(**values) for part in OURS_SOURCE[vendor])
    return "\n".join(
        [
            _HEAD + imports,
            "_t1 = time.perf_counter()",
            construct,
            "_t2 = time.perf_counter()",
            send,
            _TAIL.format(ok="isinstance(sent.id, str) and sent.id"),
        ]
    )


def raw_script(vendor: str, root: str) -> str:
    spec = payloads.raw_request(vendor)
    url = payloads.base_url(vendor, root) + spec.path
    imports = "import httpx" + ("\nimport uuid" if "uuid" in spec.source else "")
    return "\n".join(
        [
            _HEAD + imports,
            "_t1 = time.perf_counter()",
            f"client = httpx.Client(headers={spec.headers!r})",
            "_t2 = time.perf_counter()",
            f"response = client.post({url!r}, json={spec.source})",
            "response.raise_for_status()",
            "answer = response.json()",
            _TAIL.format(ok="answer"),
        ]
    )


def clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment without PYTHON* variables and proxies (both sides talk to loopback directly)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("PYTHON") and k.lower() not in ("http_proxy", "https_proxy", "all_proxy", "no_proxy")
    }
    env.update(extra or {})
    return env


def run_script(python: str, script: Path, env: dict[str, str] | None = None) -> tuple[float, list[float]]:
    """Wall seconds of the whole process, and its in-process (import, construct, send) seconds."""
    started = time.perf_counter()
    proc = subprocess.run(
        [python, str(script)],
        capture_output=True,
        text=True,
        cwd=script.parent,
        env=env or clean_env(),
        timeout=120,
        check=False,
    )
    wall = time.perf_counter() - started
    words = proc.stdout.split()
    if proc.returncode != 0 or not words or words[0] != "ok":
        raise RuntimeError(f"{script.name} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr[-3000:]}")
    return wall, [float(w) for w in words[1:4]]


def importtime_profile(
    python: str, script: Path, baseline: Path, env: dict[str, str] | None = None, top: int = 15, runs: int = 3
) -> dict[str, Any]:
    """``-X importtime``: modules ``script`` loads beyond ``baseline``, by own time (median of ``runs``)."""

    def modules(path: Path) -> dict[str, list[int]]:
        found: dict[str, list[int]] = {}
        for _ in range(runs):
            proc = subprocess.run(
                [python, "-X", "importtime", str(path)],
                capture_output=True,
                text=True,
                cwd=path.parent,
                env=env or clean_env(),
                timeout=120,
                check=False,
            )
            for line in proc.stderr.splitlines():
                if not line.startswith("import time:") or "self [us]" in line:
                    continue
                own, _cumulative, name = line.split(":", 1)[1].split("|")
                found.setdefault(name.strip(), []).append(int(own))
        return found

    def med(v: list[int]) -> int:
        return sorted(v)[len(v) // 2]

    base = modules(baseline)
    ours = modules(script)
    extra = {name: med(v) for name, v in ours.items() if name not in base}
    groups: dict[str, int] = {}
    for name, own in extra.items():
        root = name.split(".")[0]
        key = ".".join(name.split(".")[:2]) if root.endswith("_client") else root
        groups[key] = groups.get(key, 0) + own
    return {
        "note": "-X importtime own times (µs) of modules the raw script does not load; instrumentation inflates them",
        "extra_modules": len(extra),
        "extra_own_ms": round(sum(extra.values()) / 1000, 2),
        "baseline_own_ms": round(sum(med(v) for v in base.values()) / 1000, 2),
        "top_modules": [
            {"module": name, "own_ms": round(own / 1000, 2)}
            for name, own in sorted(extra.items(), key=lambda kv: kv[1], reverse=True)[:top]
        ],
        "by_package": [
            {"package": name, "own_ms": round(own / 1000, 2)}
            for name, own in sorted(groups.items(), key=lambda kv: kv[1], reverse=True)[:top]
        ],
    }


def phase_summary(phases: list[list[float]]) -> dict[str, float]:
    """Median in-process seconds of each phase."""
    names = ("import", "construct", "send")
    return {name: summary([p[i] for p in phases])["median"] for i, name in enumerate(names)}


Run = Callable[[], tuple[float, list[float]]]


@dataclass
class Pair:
    """The samples of one (ours, baseline) pair: wall seconds and in-process phases per run."""

    ours: list[float] = field(default_factory=list)
    baseline: list[float] = field(default_factory=list)
    ours_phases: list[list[float]] = field(default_factory=list)
    baseline_phases: list[list[float]] = field(default_factory=list)

    def add(self, side: int, wall: float, phases: list[float]) -> None:
        (self.ours if side == 0 else self.baseline).append(wall)
        (self.ours_phases if side == 0 else self.baseline_phases).append(phases)


def interleaved(pairs: Sequence[tuple[Run, Run]], rounds: int) -> list[Pair]:
    """Run every (ours, baseline) pair ``rounds`` times: pairs rotated between rounds, the side that
    goes first alternating, so slow drift of the machine hits both sides of a pair alike."""
    out = [Pair() for _ in pairs]
    for ours, base in pairs:  # warm-up: byte-code caches, page cache
        ours()
        base()
    for index in range(rounds):
        order = list(range(len(pairs)))
        shift = index % len(order)
        for case in order[shift:] + order[:shift]:
            ours, base = pairs[case]
            sides = [(ours, 0), (base, 1)] if (index + case) % 2 == 0 else [(base, 1), (ours, 0)]
            for fn, side in sides:
                out[case].add(side, *fn())
    return out


def run(
    python: str,
    vendors: Sequence[str],
    root: str,
    *,
    rounds: int,
    profile_runs: int,
    log: Callable[[str], None],
) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-cold-") as tmp:
        scripts: dict[str, tuple[Path, Path]] = {}
        for vendor in vendors:
            folder = Path(tmp) / vendor
            folder.mkdir()
            ours, raw = folder / f"ours_{vendor}.py", folder / f"raw_{vendor}.py"
            ours.write_text(ours_script(vendor, root), encoding="utf-8")
            raw.write_text(raw_script(vendor, root), encoding="utf-8")
            scripts[vendor] = (ours, raw)

        def runner(path: Path) -> Run:
            return lambda: run_script(python, path)

        measured = interleaved([(runner(o), runner(r)) for o, r in scripts.values()], rounds)
        for vendor, pair in zip(vendors, measured, strict=True):
            ours_t, raw_t, ours_p, raw_p = pair.ours, pair.baseline, pair.ours_phases, pair.baseline_phases
            ratio = ratio_summary(ours_t, raw_t)
            ok = ratio["median"] <= GOAL
            ours_path, raw_path = scripts[vendor]
            entry: dict[str, Any] = {
                "id": f"cold_start.{vendor}",
                "section": "cold_start",
                "name": f"cold start {vendor}: new process, import + build client + send one (loopback)",
                "ours_label": f"python {ours_path.name}: import {vendor}_client, build the client, send one message",
                "baseline_label": "python raw script: import httpx, httpx.Client(headers=...), client.post(json=...)",
                "unit": "s",
                "ours": summary(ours_t),
                "baseline": summary(raw_t),
                "ratio": ratio,
                "goal": {"kind": "ratio_max", "value": GOAL, "text": f"≤ {GOAL:.2f}× raw httpx script"},
                "pass": ok,
                "phases_s": {"ours": phase_summary(ours_p), "baseline": phase_summary(raw_p)},
                "scripts": {"ours": ours_path.read_text(), "baseline": raw_path.read_text()},
                "method": {
                    "rounds": rounds,
                    "measure": "wall time of the whole process (subprocess.run), interpreter start-up included",
                    "interleaved": True,
                    "server": "canned server, own process, 0 ms latency",
                },
            }
            if not ok:
                entry["profile"] = {
                    "importtime": importtime_profile(python, ours_path, raw_path, runs=profile_runs),
                    "phases_s": entry["phases_s"],
                }
            p_ours, p_raw = entry["phases_s"]["ours"], entry["phases_s"]["baseline"]
            log(
                f"  cold start {vendor:<10} {ratio['median']:.2f}× [{ratio['min']:.2f}–{ratio['max']:.2f}]  "
                f"({entry['ours']['median'] * 1e3:.0f} ms vs {entry['baseline']['median'] * 1e3:.0f} ms; "
                f"import/build/send {p_ours['import'] * 1e3:.0f}/{p_ours['construct'] * 1e3:.0f}/{p_ours['send'] * 1e3:.0f} ms "
                f"vs {p_raw['import'] * 1e3:.0f}/{p_raw['construct'] * 1e3:.0f}/{p_raw['send'] * 1e3:.0f} ms)"
            )
            results.append(entry)
    return results
