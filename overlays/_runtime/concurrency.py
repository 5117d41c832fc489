"""The places where the sync and async clients really differ, each written here by hand for both.

Everything else in the clients is written once, async, under ``_async/``; ``scripts/unasync.py``
derives the sync twin, and where it meets one of the ``async_`` names below it uses the name
without the prefix. So ``await async_sleep(delay)`` becomes ``sleep(delay)``.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

import httpx

from .raw import CAPTURED, RawResponse

T = TypeVar("T")
P = ParamSpec("P")


# ------------------------------------------------------------------------------- waiting


async def async_sleep(seconds: float) -> None:
    import anyio  # httpx's own dependency; works under asyncio and trio

    await anyio.sleep(seconds)


def sleep(seconds: float) -> None:
    time.sleep(seconds)


# ------------------------------------------------------------------------ the event loop


def async_event_loop() -> object | None:
    """The running asyncio event loop (None under trio, whose connections are not loop-bound)."""
    import asyncio

    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def event_loop() -> object | None:
    """A sync client's connections belong to no event loop."""
    return None


def is_closed_event_loop(error: RuntimeError) -> bool:
    return str(error) == "Event loop is closed"


# ----------------------------------------------------------------- several calls at once


async def async_run_limited(calls: Sequence[Callable[[], Awaitable[T]]], limit: int) -> list[T]:
    """Await every call, at most ``limit`` at a time; results in order."""
    import asyncio

    gate = asyncio.Semaphore(limit)

    async def run(call: Callable[[], Awaitable[T]]) -> T:
        async with gate:
            return await call()

    return list(await asyncio.gather(*(run(call) for call in calls)))


def run_limited(calls: Sequence[Callable[[], T]], limit: int) -> list[T]:
    """Run every call, at most ``limit`` at a time in threads (``httpx.Client`` is thread-safe)."""
    if limit <= 1 or len(calls) <= 1:
        return [call() for call in calls]
    with ThreadPoolExecutor(max_workers=min(limit, len(calls)), thread_name_prefix="email-client") as pool:
        futures = [pool.submit(call) for call in calls]
        return [future.result() for future in futures]


# ---------------------------------------------------------------------- raw responses


def async_to_raw(method: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[RawResponse[T]]]:
    """``method``, returning its result together with the HTTP answer it came from."""

    @functools.wraps(method)
    async def call(*args: P.args, **kwargs: P.kwargs) -> RawResponse[T]:
        captured: list[httpx.Response] = []
        token = CAPTURED.set(captured)
        try:
            result = await method(*args, **kwargs)
        finally:
            CAPTURED.reset(token)
        return RawResponse(captured[-1], result)

    return call


def to_raw(method: Callable[P, T]) -> Callable[P, RawResponse[T]]:
    """``method``, returning its result together with the HTTP answer it came from."""

    @functools.wraps(method)
    def call(*args: P.args, **kwargs: P.kwargs) -> RawResponse[T]:
        captured: list[httpx.Response] = []
        token = CAPTURED.set(captured)
        try:
            result = method(*args, **kwargs)
        finally:
            CAPTURED.reset(token)
        return RawResponse(captured[-1], result)

    return call
