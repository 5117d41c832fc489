"""Section 2: import time of each vendor package in a fresh interpreter, against ``import httpx``.

Each sample is one new ``python -c`` process that times only its import statement in process
(``time.perf_counter()`` around it), so interpreter start-up, which is the same for everyone, is
left out of both sides. Rounds interleave the baseline and every case (rotating the order), after
one warm-up run of each so byte-code caches exist. The figure is the median per-round ratio.

Two statements per vendor:

* ``import <vendor>_client``: the package alone. Its names load lazily, on first use.
* ``from <vendor>_client import <Client>, <models of one send>``: what a program imports to send
  one message; this is the import cost a user actually pays before the first call.

When a goal is missed, ``-X importtime`` of the statement is kept: the modules that add the most
own time beyond what ``import httpx`` already loads.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .stats import ratio_summary, summary

GOAL = 1.10
BASELINE = "import httpx"

READY_TO_SEND = {
    "paubox": "from paubox_client import Paubox, Message, MessageContent, MessageHeaders",
    "smtpcom": (
        "from smtpcom_client import SMTPcom, SendMessageRequest, Recipients, Originator, EmailAddress, "
        "MessageBody, MessagePart"
    ),
    "sendclean": "from sendclean_client import SendClean, Message, Recipient",
    "poweremail": "from poweremail_client import PowerEmail, Message, Recipient",
}

_TIMER = "import time; _t = time.perf_counter(); {stmt}; print(repr(time.perf_counter() - _t))"


def clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env.update(extra or {})
    return env


def time_import(python: str, stmt: str, env: dict[str, str] | None = None) -> float:
    """Seconds the import statement took in a fresh interpreter."""
    with tempfile.TemporaryDirectory(prefix="bench-import-") as cwd:  # nothing local on sys.path
        proc = subprocess.run(
            [python, "-c", _TIMER.format(stmt=stmt)],
            capture_output=True,
            text=True,
            cwd=cwd,
            env=env or clean_env(),
            timeout=120,
            check=False,
        )
    if proc.returncode != 0:
        raise RuntimeError(f"{python} -c {stmt!r} failed:\n{proc.stderr}")
    return float(proc.stdout.strip().splitlines()[-1])


def importtime_profile(
    python: str,
    stmt: str,
    baseline: str = BASELINE,
    env: dict[str, str] | None = None,
    top: int = 15,
    runs: int = 3,
) -> dict[str, Any]:
    """``-X importtime``: modules ``stmt`` loads beyond ``baseline``, by own time (median of ``runs``)."""

    def modules(s: str) -> dict[str, list[int]]:
        found: dict[str, list[int]] = {}
        for _ in range(runs):
            with tempfile.TemporaryDirectory(prefix="bench-import-") as cwd:
                proc = subprocess.run(
                    [python, "-X", "importtime", "-c", s],
                    capture_output=True,
                    text=True,
                    cwd=cwd,
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
    ours = modules(stmt)
    extra = {name: med(v) for name, v in ours.items() if name not in base}
    groups: dict[str, int] = {}
    for name, own in extra.items():
        root = name.split(".")[0]
        key = ".".join(name.split(".")[:2]) if root.endswith("_client") else root
        groups[key] = groups.get(key, 0) + own
    return {
        "statement": stmt,
        "note": "-X importtime own times (µs) of modules not loaded by `import httpx`; instrumentation inflates them",
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


def cases(vendors: Sequence[str]) -> list[tuple[str, str, str]]:
    """(id, label, statement) of every case."""
    out = []
    for vendor in vendors:
        out.append((f"import.{vendor}.package", f"{vendor}: import {vendor}_client", f"import {vendor}_client"))
        out.append((f"import.{vendor}.ready", f"{vendor}: client + models of one send", READY_TO_SEND[vendor]))
    return out


def run(
    python: str,
    vendors: Sequence[str],
    *,
    rounds: int,
    log: Callable[[str], None],
    profile: bool = True,
    profile_runs: int = 3,
) -> list[dict[str, Any]]:
    selected = cases(vendors)
    statements = [BASELINE] + [stmt for _, _, stmt in selected]
    for stmt in statements:  # warm-up: byte-code caches, page cache
        time_import(python, stmt)
    baseline_t: list[list[float]] = [[] for _ in selected]
    ours_t: list[list[float]] = [[] for _ in selected]
    for index in range(rounds):
        # Each case is paired with its own baseline sample taken right before or after it.
        order = list(range(len(selected)))
        shift = index % len(order)
        order = order[shift:] + order[:shift]
        for case in order:
            stmt = selected[case][2]
            if (index + case) % 2 == 0:
                baseline_t[case].append(time_import(python, BASELINE))
                ours_t[case].append(time_import(python, stmt))
            else:
                ours_t[case].append(time_import(python, stmt))
                baseline_t[case].append(time_import(python, BASELINE))
    results = []
    for case, (case_id, label, stmt) in enumerate(selected):
        ratio = ratio_summary(ours_t[case], baseline_t[case])
        ok = ratio["median"] <= GOAL
        entry: dict[str, Any] = {
            "id": case_id,
            "section": "import",
            "name": label,
            "ours_label": stmt,
            "baseline_label": BASELINE,
            "unit": "s",
            "ours": summary(ours_t[case]),
            "baseline": summary(baseline_t[case]),
            "ratio": ratio,
            "goal": {"kind": "ratio_max", "value": GOAL, "text": f"≤ {GOAL:.2f}× import httpx"},
            "pass": ok,
            "method": {
                "rounds": rounds,
                "measure": "in-process perf_counter around the import statement, fresh interpreter per sample",
                "interleaved": True,
            },
        }
        if not ok and profile:
            entry["profile"] = importtime_profile(python, stmt, runs=profile_runs)
        log(
            f"  import   {label:<42} {ratio['median']:.2f}× [{ratio['min']:.2f}–{ratio['max']:.2f}]  "
            f"({entry['ours']['median'] * 1e3:.1f} ms vs {entry['baseline']['median'] * 1e3:.1f} ms)"
        )
        results.append(entry)
    return results


def python_of_venv(venv: Path) -> str:
    return str(venv / "bin" / "python")
