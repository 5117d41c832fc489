"""Derive the sync twin of the hand-written async source (as httpcore's scripts/unasync.py does).

Every ``_async/`` folder of an assembled package gets a ``_sync/`` sibling in which each module is
rewritten token by token with ``RULES``: ``async def`` becomes ``def``, ``await`` disappears,
``AsyncPaubox`` becomes ``Paubox``, ``httpx.AsyncClient`` ``httpx.Client``, ``aclose`` ``close``, and
a name with the ``async_`` prefix becomes the name without it (the hand-written pairs in
``_runtime/concurrency.py``). The sync files are never edited by hand; ``make check`` fails if they
differ from what this script derives.
"""

from __future__ import annotations

import re
from pathlib import Path

RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"\basync def\b", "def"),
        (r"\basync with\b", "with"),
        (r"\basync for\b", "for"),
        (r"\bawait ", ""),
        (r"\b__aenter__\b", "__enter__"),
        (r"\b__aexit__\b", "__exit__"),
        (r"\b__aiter__\b", "__iter__"),
        (r"\b__anext__\b", "__next__"),
        (r"\baclose\b", "close"),
        (r"\baread\b", "read"),
        (r"\bStopAsyncIteration\b", "StopIteration"),
        (r"\bhandle_async_request\b", "handle_request"),
        (r"\bset_async_httpx_client\b", "set_httpx_client"),
        (r"\bget_async_httpx_client\b", "get_httpx_client"),
        (r"\bAsync([A-Z]\w*)", r"\1"),
        (r"\basync_(\w+)", r"\1"),
        (r"\b_async\b", "_sync"),
    )
)


def unasync_text(text: str) -> str:
    for pattern, replacement in RULES:
        text = pattern.sub(replacement, text)
    return text


def unasync_name(name: str) -> str:
    """The sync twin's name of an async public name or module path (``AsyncPaubox`` -> ``Paubox``)."""
    return unasync_text(name)


def derive_sync_twins(package: Path) -> list[Path]:
    """Write ``_sync/`` beside every ``_async/`` folder under ``package``; returns the files written."""
    written: list[Path] = []
    for source_dir in sorted(package.rglob("_async")):
        if not source_dir.is_dir():
            continue
        target_dir = source_dir.with_name("_sync")
        if target_dir.exists():
            raise SystemExit(f"{target_dir} exists: sync twins are derived, never written by hand")
        target_dir.mkdir()
        for source in sorted(source_dir.glob("*.py")):
            target = target_dir / source.name
            target.write_text(unasync_text(source.read_text(encoding="utf-8")), encoding="utf-8")
            written.append(target)
    return written
