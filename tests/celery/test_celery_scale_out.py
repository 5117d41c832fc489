"""Issue 10, item 7: 1,000 sends through the example Celery app, for real.

A Redis (Debian's ``redis-server``) on a free 127.0.0.1 port is the broker and the result backend;
the sandbox runs in this process; ``celery -A examples.celery.tasks worker --pool=prefork
--concurrency=2`` runs as a subprocess whose environment points the example's module-level Paubox
client at the sandbox. The worker imports the module (building the client) in its main process and
then forks its pool, so every send happens in a child on a client created before the fork.

Each task puts its own Celery task id in an ``X-Celery-Task-Id`` header and returns the
``sourceTrackingId`` Paubox answered. The sandbox keeps each message with the id it generated, so
matching messages to tasks by that header shows whether any task got another request's response.

Everything is bounded: Redis must answer PING within ``REDIS_START_TIMEOUT_S``, the results must all
arrive within ``RESULTS_TIMEOUT_S``, the worker gets ``STOP_TIMEOUT_S`` after SIGTERM before its
whole process group is killed, and Redis the same: the run stays well under 3 minutes even when
it fails (about 10 s when it passes).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import pytest
import redis

# Celery ships no type hints, so mypy sees its names as Any (the celery-types stubs would type them).
from celery import Celery  # type: ignore[attr-defined, import-untyped, unused-ignore]
from celery.exceptions import TimeoutError as ResultTimeout  # type: ignore[import-untyped, unused-ignore]

from sandbox.config import PAUBOX_USERNAME
from sandbox.testing import SandboxHandle

ROOT = Path(__file__).resolve().parents[2]
TASK = "examples.celery.tasks.send_notification"
TASK_ID_HEADER = "X-Celery-Task-Id"
TASKS = 1_000
CONCURRENCY = 2
REDIS_START_TIMEOUT_S = 10.0
RESULTS_TIMEOUT_S = 100.0
STOP_TIMEOUT_S = 15.0
# Settings a developer's shell may hold that would send the worker's client somewhere else.
_FOREIGN_ENV = re.compile(r"^(PAUBOX|SMTPCOM|SENDCLEAN|POWEREMAIL|CELERY)_|^(HTTPS?|ALL|NO)_PROXY$", re.IGNORECASE)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def log_tail(path: Path, lines: int = 40) -> str:
    text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
    return "\n".join(text.splitlines()[-lines:]) or "(empty)"


def stop(process: subprocess.Popen[bytes], *, group: bool) -> None:
    """SIGTERM, then SIGKILL (to the whole process group when ``group``) after a bounded wait."""
    if process.poll() is None:
        process.terminate()
        with suppress(subprocess.TimeoutExpired):
            process.wait(STOP_TIMEOUT_S)
    if group:
        # The worker's pool children are in its process group (it was started in a new session);
        # none may outlive the test, even when the main process has already exited.
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    elif process.poll() is None:
        process.kill()
    process.wait(STOP_TIMEOUT_S)


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A Redis of its own on a free 127.0.0.1 port, with no persistence; ``redis://127.0.0.1:PORT``."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail("redis-server is not installed (.ci/run installs it: apt-get install redis-server)")
    port = free_port()
    data = tmp_path / "redis"
    data.mkdir()
    log = data / "redis.log"
    arguments = ["--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"]
    arguments += ["--dir", str(data), "--daemonize", "no", "--logfile", str(log)]
    process = subprocess.Popen([server, *arguments], stdin=subprocess.DEVNULL)
    try:
        client = redis.Redis(host="127.0.0.1", port=port, socket_timeout=1, socket_connect_timeout=1)
        deadline = time.monotonic() + REDIS_START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                pytest.fail(f"redis-server exited with {process.returncode}:\n{log_tail(log)}")
            try:
                if client.ping():
                    break
            except (redis.ConnectionError, redis.TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"redis-server did not answer PING within {REDIS_START_TIMEOUT_S} s:\n{log_tail(log)}")
            time.sleep(0.02)
        client.close()
        yield f"redis://127.0.0.1:{port}"
    finally:
        stop(process, group=False)


def worker_environment(sandbox: SandboxHandle, broker: str, backend: str) -> dict[str, str]:
    environment = {name: value for name, value in os.environ.items() if not _FOREIGN_ENV.match(name)}
    environment.update(
        {
            "PAUBOX_API_KEY": sandbox.config.paubox_accounts[PAUBOX_USERNAME],
            "PAUBOX_BASE_URL": f"{sandbox.url}/paubox/v1/email",
            "CELERY_BROKER_URL": broker,
            "CELERY_RESULT_BACKEND": backend,
        }
    )
    return environment


@contextmanager
def celery_worker(environment: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """``celery -A examples.celery.tasks worker`` with the prefork pool, in a session of its own."""
    command = [sys.executable, "-m", "celery", "-A", "examples.celery.tasks", "worker"]
    command += ["--pool=prefork", f"--concurrency={CONCURRENCY}", "--loglevel=warning"]
    command += ["--hostname=scale-out@%h", "--without-gossip", "--without-mingle"]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield process
        finally:
            stop(process, group=True)


def wait_for_results(results: list[Any], worker: subprocess.Popen[bytes], log: Path) -> list[object]:
    """Every task's return value (or the exception it raised), in order; fails, with the worker's
    log, if the worker dies or the results do not all arrive within ``RESULTS_TIMEOUT_S``."""
    deadline = time.monotonic() + RESULTS_TIMEOUT_S
    values: list[object] = []
    for result in results:
        while True:
            if worker.poll() is not None:
                pytest.fail(f"the worker exited with {worker.returncode} after {len(values)} results:\n{log_tail(log)}")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                pytest.fail(f"{len(values)} of {len(results)} results in {RESULTS_TIMEOUT_S} s:\n{log_tail(log)}")
            try:
                values.append(result.get(timeout=min(remaining, 5.0), propagate=False))
                break
            except ResultTimeout:
                continue
    return values


def parent_pid(pid: int) -> int:
    """The parent of a running process, from /proc (the field after the parenthesised name)."""
    stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    return int(stat.rsplit(")", 1)[1].split()[1])


def recipient(number: int) -> str:
    return f"patient{number:04d}@example.com"


def test_a_thousand_sends_through_a_prefork_worker_each_get_their_own_response(
    sandbox: SandboxHandle, redis_url: str, tmp_path: Path
) -> None:
    broker, backend = f"{redis_url}/0", f"{redis_url}/1"
    producer = Celery("producer", broker=broker, backend=backend)
    log = tmp_path / "worker.log"
    try:
        with celery_worker(worker_environment(sandbox, broker, backend), log) as worker:
            results = [
                producer.send_task(TASK, args=(recipient(n), f"Notice {n}", "Your results are ready."))
                for n in range(TASKS)
            ]
            outcomes = dict(zip((result.id for result in results), wait_for_results(results, worker, log), strict=True))
            # Read while the pool still runs: the processes that sent are children of the worker.
            senders = {outcome["pid"] for outcome in outcomes.values() if isinstance(outcome, dict)}
            parents = {pid: parent_pid(pid) for pid in senders}
    finally:
        producer.close()

    failed = {task_id: repr(outcome) for task_id, outcome in outcomes.items() if not isinstance(outcome, dict)}
    assert not failed, f"{len(failed)} tasks failed, e.g. {list(failed.items())[:3]}; log:\n{log_tail(log)}"
    returned: dict[str, dict[str, Any]] = {
        task_id: outcome for task_id, outcome in outcomes.items() if isinstance(outcome, dict)
    }
    assert len(returned) == TASKS
    assert len(senders) >= CONCURRENCY, f"all sends ran in one process {senders}; log:\n{log_tail(log)}"
    assert set(parents.values()) == {worker.pid}, f"not every sender is a forked pool process: {parents}"

    stored = sandbox.messages("paubox")
    assert len(stored) == TASKS
    assert len({message.id for message in stored}) == TASKS, "the sandbox handed out a sourceTrackingId twice"
    by_task = {str(message.mime[TASK_ID_HEADER]): message for message in stored}
    assert by_task.keys() == returned.keys(), "a task's message is missing, or a message names no task"

    crossed = {
        task_id: (value, by_task[task_id].id)
        for task_id, value in returned.items()
        if value["task_id"] != task_id or value["message_id"] != by_task[task_id].id
    }
    assert not crossed, f"{len(crossed)} tasks got another message's response, e.g. {list(crossed.items())[:3]}"
    enqueued = {result.id: recipient(n) for n, result in enumerate(results)}
    misaddressed = [
        task_id for task_id, message in by_task.items() if message.recipients[0].address != enqueued[task_id]
    ]
    assert not misaddressed, f"messages went to another task's recipient: {misaddressed[:3]}"
