"""Settings every client shares, checked in one place: credentials, base URLs, timeouts, User-Agent."""

from __future__ import annotations

import os
import platform
from collections.abc import Mapping
from typing import Generic, TypeVar

import httpx
from attrs import define, field

from .._version import DISTRIBUTION, VERSION
from ..client import AuthenticatedClient, Client
from .errors import ConfigurationError

#: The generated client class a vendor uses (``AuthenticatedClient`` or ``Client``).
G = TypeVar("G", AuthenticatedClient, Client)

#: Default time limits (seconds). Sends are small JSON requests, so 5 s to connect is generous;
#: 30 s to read leaves room for a bulk send of 50 messages. Override per client or per call.
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
#: A client that builds its own connections spreads its requests round-robin over ``POOLS`` httpx
#: clients of ``POOL_LIMITS`` each (100 connections in all, every one kept alive for reuse), sharing
#: one SSL context. httpcore's pool re-examines every connection it holds whenever a request starts
#: or ends, so one pool of 50 busy connections spends most of the CPU of a send on that bookkeeping
#: (``make bench``: 11.7x the latency limit at 50 concurrent sends with one pool, raw httpx alike).
POOLS = 10
POOL_LIMITS = httpx.Limits(max_connections=10, max_keepalive_connections=10)

#: A timeout a caller may pass: seconds, an ``httpx.Timeout``, or None for "the client's default".
TimeoutArg = float | httpx.Timeout | None

#: This package's product token, e.g. ``paubox-client/0.2.0 httpx/0.28.1 python/3.11.7``.
USER_AGENT = f"{DISTRIBUTION}/{VERSION} httpx/{httpx.__version__} python/{platform.python_version()}"


def credential(value: str | None, *, argument: str, env: str) -> str:
    """``value``, else the environment variable ``env``; a clear error names both when neither is set."""
    if value is None:
        value = os.environ.get(env)
    if value is None or not value.strip():
        raise ConfigurationError(f"missing {argument}: pass {argument}=... or set the {env} environment variable")
    return value


def header_value(value: str, *, argument: str, env: str | None = None) -> str:
    """``value`` checked for use in an HTTP header: printable ASCII (httpx encodes headers as ASCII)."""
    if not value.isascii() or not value.isprintable():
        where = f"{argument} (or {env})" if env else argument
        raise ConfigurationError(f"{where} must be printable ASCII to travel in an HTTP header")
    return value


def optional_setting(value: str | None, *, env: str) -> str | None:
    """``value``, else the environment variable ``env``, else None (blank counts as unset)."""
    if value is None:
        value = os.environ.get(env)
    return value if value is not None and value.strip() else None


def http_url(value: str, *, argument: str = "base_url", env: str) -> str:
    """``value`` checked as an http(s) URL with a host and no credentials, without a trailing slash."""
    try:
        parsed = httpx.URL(value)
    except (httpx.InvalidURL, TypeError, ValueError):
        raise ConfigurationError(f"{argument} (or {env}) is not a valid URL") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ConfigurationError(f"{argument} (or {env}) must be an http:// or https:// URL with a host")
    if parsed.userinfo:
        raise ConfigurationError(f"{argument} (or {env}) must not contain credentials: pass them as arguments")
    return value.rstrip("/")


def as_timeout(timeout: TimeoutArg) -> httpx.Timeout | None:
    if timeout is None or isinstance(timeout, httpx.Timeout):
        return timeout
    return httpx.Timeout(timeout)


def user_agent(extra: str | None) -> str:
    """The User-Agent header: the caller's product first, when given, then this package's."""
    if extra is None or not extra.strip():
        return USER_AGENT
    return f"{header_value(extra.strip(), argument='user_agent')} {USER_AGENT}"


def _no_entries() -> dict[str, str]:
    return {}


@define(frozen=True)
class Connection(Generic[G]):
    """Where and how a vendor client talks, resolved from its arguments by the vendor's settings.

    ``headers`` and ``params`` carry the credentials (sent with every request), ``secrets`` every
    credential string the client must mask, ``secret_in_url`` whether a credential can travel in a
    URL (then httpx's own request log lines are masked too).
    """

    base_url: str
    generated: G
    auth_description: str
    headers: Mapping[str, str] = field(factory=_no_entries, repr=False)
    params: Mapping[str, str] = field(factory=_no_entries, repr=False)
    secrets: tuple[str, ...] = field(default=(), repr=False)
    secret_in_url: bool = False
