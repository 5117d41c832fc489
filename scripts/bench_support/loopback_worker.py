"""One round of the peer comparison, run as its own process by either interpreter.

    python loopback_worker.py {ours|raw_httpx|peer} BASE_URL USERNAME API_KEY CALLS WARMUP [profile]

Sends CALLS Paubox ``send_message`` calls (sync, one connection kept alive) to BASE_URL after
WARMUP untimed ones, each call building its request model first, and prints one JSON line: wall
and CPU seconds per call. ``ours`` runs in the project's venv (``paubox_client``), ``raw_httpx``
too (the same request by hand with httpx, a reference); ``peer`` in the peer's venv with the
openapi-generator output (``paubox_peer``) on PYTHONPATH. With ``profile``, the timed calls run
under cProfile and the JSON also carries the top functions and the own time per library.
Standalone on purpose: it imports nothing from the bench, so the peer's venv needs only its deps.
"""

from __future__ import annotations

import gc
import json
import sys
import time
from collections.abc import Callable
from typing import Any

TO = "patient@example.com"
FROM = "clinic@example.com"
SUBJECT = "Your results are ready"
TEXT = "Hello, your results are ready. Log in to see them."


def ours(base_url: str, username: str, api_key: str) -> Callable[[], Any]:
    from paubox_client import Message, MessageContent, MessageHeaders, Paubox

    client = Paubox(api_key, api_username=username, base_url=base_url)

    def call() -> Any:
        message = Message(
            recipients=[TO], headers=MessageHeaders(subject=SUBJECT, from_=FROM), content=MessageContent(textplain=TEXT)
        )
        return client.send_message(message).source_tracking_id

    return call


def raw_httpx(base_url: str, username: str, api_key: str) -> Callable[[], Any]:
    import httpx

    client = httpx.Client(base_url=base_url, headers={"Authorization": f"Token token={api_key}"})

    def call() -> Any:
        body = {
            "data": {
                "message": {
                    "recipients": [TO],
                    "headers": {"subject": SUBJECT, "from": FROM},
                    "content": {"text/plain": TEXT},
                }
            }
        }
        return client.post("/messages", json=body).json()["sourceTrackingId"]

    return call


def peer(base_url: str, username: str, api_key: str) -> Callable[[], Any]:
    import paubox_peer  # type: ignore[import-not-found]

    configuration = paubox_peer.Configuration(host=base_url)
    configuration.api_key["PauboxToken"] = f"token={api_key}"
    configuration.api_key_prefix["PauboxToken"] = "Token"
    api = paubox_peer.MessagesApi(paubox_peer.ApiClient(configuration))
    m = paubox_peer

    def call() -> Any:
        request = m.SingleSendRequest(
            data=m.SingleSendRequestData(
                message=m.Message(
                    recipients=[TO],
                    headers=m.MessageHeaders(subject=SUBJECT, var_from=FROM),
                    content=m.MessageContent(text_plain=TEXT, text_html=None),
                )
            )
        )
        return api.send_message(request).source_tracking_id

    return call


def _library(filename: str) -> str:
    for marker, index in (("site-packages/", 0), ("generated/", 1), ("bench-peer-", 2)):
        if marker in filename:
            rest = filename.split(marker, 1)[1].split("/")
            return rest[index] if len(rest) > index else rest[-1]
    if filename.startswith("<") or "/lib/python3" in filename or filename == "~":
        return "stdlib/builtins"
    return "other"


def profile_summary(profiler: Any, calls: int, top: int = 20) -> dict[str, Any]:
    import pstats

    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    by_library: dict[str, float] = {}
    for (filename, _, _), values in stats.items():
        name = _library(filename)
        by_library[name] = by_library.get(name, 0.0) + values[2]
    ordered = sorted(stats.items(), key=lambda kv: kv[1][2], reverse=True)[:top]
    return {
        "own_us_per_call_by_library": {
            k: round(v / calls * 1e6, 1) for k, v in sorted(by_library.items(), key=lambda kv: kv[1], reverse=True)
        },
        "top_own_time": [
            {
                "function": f"{f.split('site-packages/')[-1]}:{line}({name})",
                "own_us_per_call": round(v[2] / calls * 1e6, 2),
                "cum_us_per_call": round(v[3] / calls * 1e6, 2),
            }
            for (f, line, name), v in ordered
        ],
    }


def main(argv: list[str]) -> int:
    kind, base_url, username, api_key, calls, warmup = argv[:6]
    profile = argv[6:] == ["profile"]
    call = {"ours": ours, "raw_httpx": raw_httpx, "peer": peer}[kind](base_url, username, api_key)
    for _ in range(int(warmup)):
        assert call()
    n = int(calls)
    gc.collect()
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    cpu = time.process_time()
    start = time.perf_counter()
    for _ in range(n):
        call()
    wall = time.perf_counter() - start
    cpu = time.process_time() - cpu
    result: dict[str, Any] = {"client": kind, "calls": n, "wall_s_per_call": wall / n, "cpu_s_per_call": cpu / n}
    if profiler is not None:
        profiler.disable()
        result["profile"] = profile_summary(profiler, n)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
