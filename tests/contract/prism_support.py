"""Prism as a validating mock: installing it, running it, routing clients to it, reading its verdicts.

How Prism 5.16 (``prism mock <spec> --errors``) reports a request that breaks the spec:

* an ``sl-violations`` response header, a JSON list of ``{location, severity, code, message}``, set
  whenever the request (``location[0] == "request"``) or Prism's own mocked response
  (``"response"``) has violations of any severity; the status is then the spec's 422/400/4XX
  response (or 401 for a security violation) with one of its examples;
* or, when the spec declares no such response, a ``application/problem+json`` body (422 with a
  ``validation`` list, 401, 404 "no path matched", 405, 415 ...), without the header;
* ``--errors`` also turns a violation of Prism's *own* mocked response (an example that does not
  match its schema) into a 500 ``problem+json`` with the ``validation`` list.

So a call is accepted only when the status is the operation's success status, the header is
absent and the body is not ``problem+json`` (``violations()`` collects all three).

Paths: the mock serves each operation at the spec's ``paths`` key with the ``servers`` path
ignored (Paubox ``POST /messages``, not ``/v1/{api_username}/messages``; SendClean
``/messages/sendMail``, not ``/v1.0/messages/sendMail``: a prefixed request gets a 404 "no path
matched"). Prism only compares the server when a request carries ``?__server=<url>``. So the
clients are given their real base-URL shape on Prism's host (``http://127.0.0.1:<port>/v1/{api_username}``,
``http://127.0.0.1:<port>/v1.0``), and ``PrismTransport`` checks that every request path starts
with that server prefix and strips it before the request reaches Prism. A request missing the
prefix is forwarded unchanged and fails on Prism's 404.
"""

from __future__ import annotations

import contextlib
import ctypes
import inspect
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

import httpx
import pytest
from spec_tools import SPECS_DIR, VENDORS, load_spec

ROOT = Path(__file__).resolve().parents[2]
PRISM = ROOT / "node_modules" / ".bin" / "prism"
HOST = "127.0.0.1"

NPM_TIMEOUT = 600.0  # seconds for `npm ci` when Prism is missing
START_TIMEOUT = 30.0  # seconds for a Prism process to accept connections
STOP_TIMEOUT = 5.0  # seconds between SIGTERM and SIGKILL, and after SIGKILL
REQUEST_TIMEOUT = 10.0  # seconds, every request of every test

#: The server path each vendor's base URL carries (the spec's ``servers[0]`` path, variables filled
#: in): what the clients must put in front of every operation path.
API_USERNAME = "contract-user"
SERVER_PREFIX = {
    "paubox": f"/v1/{API_USERNAME}",
    "smtpcom": "",
    "poweremail": "/v1.0",
    "sendclean": "/v1.0",
}
HTTP_METHODS = ("get", "post", "put", "patch", "delete")


# --------------------------------------------------------------------------- child processes


def _die_with_parent() -> Callable[[], None] | None:
    """A ``preexec_fn`` that makes the child get SIGTERM when this process dies (Linux ``prctl``).

    The children run in their own session (so ``killpg`` reaches everything they start), which
    also keeps them out of reach of a signal sent to pytest's process group; without this, a
    pytest killed by SIGTERM/SIGKILL (a CI timeout) would leave Prism running. The normal path is
    the session fixture's ``stop()``; this is the backstop.
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def preexec() -> None:
        prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)

    return preexec


def _kill_group(process: subprocess.Popen[Any]) -> None:
    """SIGTERM the process group, then SIGKILL it if it has not exited within STOP_TIMEOUT."""
    if process.poll() is not None:
        return
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=STOP_TIMEOUT)
            return
        except subprocess.TimeoutExpired:
            continue


def ensure_prism() -> Path:
    """``node_modules/.bin/prism``, installed with ``npm ci`` (package-lock.json) when missing.

    Skips only when npm itself is not installed; a failed install fails the run.
    """
    if os.access(PRISM, os.X_OK):
        return PRISM
    npm = shutil.which("npm")
    if npm is None:
        reason = f"contract tests need Prism: {PRISM.relative_to(ROOT)} is missing and npm is not installed"
        if os.environ.get("CI"):
            pytest.fail(reason)  # a CI image without npm must not silently drop the contract tests
        pytest.skip(reason)
    process = subprocess.Popen(
        [npm, "ci", "--no-audit", "--no-fund"],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        preexec_fn=_die_with_parent(),
    )
    try:
        output, _ = process.communicate(timeout=NPM_TIMEOUT)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        pytest.fail(f"`npm ci` did not finish within {NPM_TIMEOUT:.0f} s")
    finally:
        _kill_group(process)
    if process.returncode != 0 or not os.access(PRISM, os.X_OK):
        text = output.decode("utf-8", "replace")[-4000:]
        pytest.fail(f"`npm ci` failed (exit {process.returncode}) or did not install {PRISM}:\n{text}")
    return PRISM


# --------------------------------------------------------------------------- running Prism


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class PrismServer:
    """One ``prism mock <spec> --errors`` process on a free loopback port, in its own process group."""

    vendor: str
    log_path: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    _log: IO[bytes] | None = None
    _ready: bool = False

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> None:
        self.port = free_port()
        self._log = self.log_path.open("ab")  # "ab": a restart keeps the earlier output
        spec = SPECS_DIR / f"{self.vendor}.yaml"
        self.process = subprocess.Popen(
            [str(PRISM), "mock", str(spec), "--host", HOST, "--port", str(self.port), "--errors"],
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stop() kills node and anything it forks
            preexec_fn=_die_with_parent(),
        )

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-chars:]
        except OSError:
            return "<no log>"

    def wait_ready(self, timeout: float = START_TIMEOUT, attempts: int = 3) -> str:
        """Block until the port accepts connections; restart on a new port if Prism died (port race)."""
        if self._ready:
            return self.url
        for attempt in range(attempts):
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                assert self.process is not None
                if self.process.poll() is not None:
                    break
                with contextlib.suppress(OSError), socket.create_connection((HOST, self.port), timeout=0.5):
                    self._ready = True
                    return self.url
                time.sleep(0.1)
            else:
                raise RuntimeError(
                    f"Prism ({self.vendor}) did not accept connections on {self.url} within {timeout:.0f} s:\n"
                    + self.log_tail()
                )
            if attempt + 1 < attempts:
                self.stop()
                self.start()
        assert self.process is not None
        raise RuntimeError(f"Prism ({self.vendor}) exited with {self.process.returncode}:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process is not None:
            _kill_group(self.process)
        if self._log is not None:
            self._log.close()
            self._log = None


# --------------------------------------------------------------------------- reading Prism's verdict


def _describe(entry: Any) -> str:
    if not isinstance(entry, dict):
        return str(entry)
    location = ".".join(str(part) for part in entry.get("location") or [])
    return f"{location or '<request>'}: {entry.get('message')} [{entry.get('severity')}, {entry.get('code')}]"


def violations(response: httpx.Response) -> list[str]:
    """Everything Prism reported about this exchange: ``sl-violations`` entries and problem+json errors."""
    found: list[str] = []
    header = response.headers.get("sl-violations")
    if header is not None:
        try:
            entries = json.loads(header)
        except ValueError:
            found.append(f"sl-violations: {header}")  # "Too many violations! ..." (truncated)
        else:
            found += [f"sl-violations {_describe(e)}" for e in entries] or [f"sl-violations: {header}"]
    if "problem+json" in response.headers.get("content-type", ""):
        try:
            problem = json.loads(response.content)
        except ValueError:
            problem = {"title": response.text}
        found.append(f"problem+json {response.status_code}: {problem.get('title')}: {problem.get('detail')}")
        found += [f"  {_describe(entry)}" for entry in problem.get("validation") or []]
    return found


@dataclass
class Exchange:
    method: str
    url: str  # as the client sent it (with the server prefix)
    status: int
    violations: list[str]
    body: bytes
    request_headers: httpx.Headers

    def __str__(self) -> str:
        lines = [f"{self.method} {self.url} -> HTTP {self.status}", *(f"    {v}" for v in self.violations)]
        if self.violations or self.status >= 300:
            lines.append(f"    body: {self.body[:600]!r}")
        return "\n".join(lines)


@dataclass
class _Router:
    """What the sync and async transports share: prefix check and strip, Prefer header, recording."""

    prefix: str
    prefer: str | None
    exchanges: list[Exchange] = field(default_factory=list)
    prefix_errors: list[str] = field(default_factory=list)

    def prepare(self, request: httpx.Request) -> str:
        original = str(request.url)
        if request.extensions.get("prism_routed"):
            return original  # a retry of the same request object: already rewritten
        path = request.url.path
        if path == self.prefix or path.startswith(self.prefix + "/"):
            request.url = request.url.copy_with(path=path[len(self.prefix) :] or "/")
        else:
            self.prefix_errors.append(f"{request.method} {original}: path does not start with {self.prefix!r}")
        if self.prefer is not None:
            request.headers["Prefer"] = self.prefer
        request.extensions = {**request.extensions, "prism_routed": True}
        return original

    def record(self, request: httpx.Request, original: str, response: httpx.Response) -> None:
        self.exchanges.append(
            Exchange(
                request.method, original, response.status_code, violations(response), response.content, request.headers
            )
        )

    def report(self) -> str:
        return "\n".join([*self.prefix_errors, *(str(e) for e in self.exchanges)]) or "<no request reached Prism>"

    def assert_clean(self, expected_requests: int | None = None, status: int = 200) -> None:
        """Every exchange got ``status`` with no violation; ``expected_requests`` were made."""
        problems = list(self.prefix_errors)
        problems += [str(e) for e in self.exchanges if e.violations or e.status != status]
        if expected_requests is not None and len(self.exchanges) != expected_requests:
            problems.append(f"{len(self.exchanges)} requests reached Prism, expected {expected_requests}")
        assert not problems, "Prism reported a contract violation:\n" + "\n".join(problems)


class PrismTransport(httpx.BaseTransport, _Router):
    """Sync transport: routes to Prism under the server prefix, adds ``Prefer``, records each exchange."""

    def __init__(self, prefix: str, prefer: str | None = None) -> None:
        _Router.__init__(self, prefix, prefer)
        self._inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        original = self.prepare(request)
        response = self._inner.handle_request(request)
        response.read()
        self.record(request, original, response)
        return response

    def close(self) -> None:
        self._inner.close()


class AsyncPrismTransport(httpx.AsyncBaseTransport, _Router):
    """Async twin of ``PrismTransport``."""

    def __init__(self, prefix: str, prefer: str | None = None) -> None:
        _Router.__init__(self, prefix, prefer)
        self._inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        original = self.prepare(request)
        response = await self._inner.handle_async_request(request)
        await response.aread()
        self.record(request, original, response)
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()


# --------------------------------------------------------------------------- the specs' operations


@dataclass(frozen=True)
class Operation:
    vendor: str
    method: str
    path: str
    operation_id: str
    spec: dict[str, Any] = field(repr=False, compare=False)

    @property
    def success_code(self) -> int:
        return min(int(code) for code in self.spec["responses"] if code.isdigit() and code.startswith("2"))

    def success_content(self, code: int | None = None) -> dict[str, Any]:
        response = resolve(load_spec(self.vendor), self.spec["responses"][str(code or self.success_code)])
        content: dict[str, Any] = response["content"]["application/json"]
        return content

    def success_models(self) -> set[str]:
        """Names of the success schemas of the success response (``oneOf`` members but the error envelope)."""
        schema = self.success_content()["schema"]
        refs = [member["$ref"] for member in schema.get("oneOf", [schema]) if "$ref" in member]
        return {ref.rsplit("/", 1)[1] for ref in refs if "Error" not in ref}

    def success_example(self) -> str:
        """The first example of the success response that is not an error envelope."""
        for name, example in self.success_content()["examples"].items():
            if not is_error_body(example["value"]):
                return str(name)
        raise AssertionError(f"{self.operation_id}: no success example")


def request_example(vendor: str, operation_id: str, name: str) -> Any:
    """The value of the named JSON request-body example of an operation."""
    return operation(vendor, operation_id).spec["requestBody"]["content"]["application/json"]["examples"][name]["value"]


def operation(vendor: str, operation_id: str) -> Operation:
    [op] = [op for op in operations(vendor) if op.operation_id == operation_id]
    return op


def is_error_body(value: Any) -> bool:
    return isinstance(value, dict) and value.get("status") in ("error", "fail")


def resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """Follow local ``$ref``s (``#/components/responses/NotFound``) to the object named."""
    while "$ref" in node:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def operations(vendor: str) -> list[Operation]:
    spec = load_spec(vendor)
    return [
        Operation(vendor, method, path, op["operationId"], op)
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method in HTTP_METHODS
    ]


def all_operations() -> Iterator[Operation]:
    for vendor in VENDORS:
        yield from operations(vendor)


@dataclass(frozen=True)
class RequestCase:
    """One request built from the spec's examples: a JSON body example, or one set of parameter examples."""

    name: str
    body: Any = None
    params: dict[str, Any] = field(default_factory=dict)


def _param_examples(param: dict[str, Any]) -> list[Any]:
    if "example" in param:
        return [param["example"]]
    return [example["value"] for example in param.get("examples", {}).values()]


def request_cases(op: Operation) -> list[RequestCase]:
    """Every request example of the operation: each body example, or the n-th example of every parameter."""
    body = op.spec.get("requestBody", {}).get("content", {}).get("application/json")
    if body is not None:
        return [RequestCase(name, body=example["value"]) for name, example in body["examples"].items()]
    params = op.spec.get("parameters", [])
    rounds = max((len(_param_examples(p)) for p in params), default=0)
    cases = []
    for index in range(rounds):
        values: dict[str, Any] = {}
        for param in params:
            examples = _param_examples(param)
            if index < len(examples):
                values[param["name"]] = examples[index]
            elif param.get("required") and examples:
                values[param["name"]] = examples[0]
        cases.append(RequestCase(f"params{index}", params=values))
    return cases


def base_url(prism_url: str, vendor: str) -> str:
    """The client's base URL: Prism's origin plus the vendor's real server path."""
    assert not urlsplit(prism_url).path.strip("/"), prism_url
    return prism_url + SERVER_PREFIX[vendor]


def prefer(code: int, example: str | None = None) -> str:
    """Prism's ``Prefer`` header: answer with this status and this named example."""
    return f"code={code}" + (f", example={example}" if example else "")


# --------------------------------------------------------------------------- calling generated functions


def squash(name: str) -> str:
    """``sourceTrackingId`` and ``source_tracking_id`` both become ``sourcetrackingid``."""
    return name.replace("_", "").lower()


def annotation_class(annotation: Any) -> type[Any] | None:
    """The model class in an annotation like ``Model`` or ``Model | Unset``."""
    if inspect.isclass(annotation) and hasattr(annotation, "from_dict"):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        if inspect.isclass(arg) and hasattr(arg, "from_dict"):
            return arg
    return None


def call_kwargs(function: Any, case: RequestCase) -> dict[str, Any]:
    """The keyword arguments of a generated ``sync_detailed``/``asyncio_detailed`` for ``case``
    (models built with ``from_dict``, like the caller would), without ``client``."""
    signature = inspect.signature(function)
    kwargs: dict[str, Any] = {}
    if case.body is not None:
        model = annotation_class(signature.parameters["body"].annotation)
        assert model is not None, "no body model"
        kwargs["body"] = model.from_dict(case.body)
    by_squashed = {squash(name): name for name in signature.parameters}
    for name, value in case.params.items():
        python_name = by_squashed[squash(name)]
        model = annotation_class(signature.parameters[python_name].annotation)
        kwargs[python_name] = model.from_dict(value) if model is not None and isinstance(value, dict) else value
    return kwargs
