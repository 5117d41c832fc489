"""In-memory state: the request log and the accepted messages.

The server mutates the store from its event-loop thread while tests read it from another thread,
so every access goes through one lock; readers get copies. Both collections are capped (oldest
entries dropped first) so a long benchmark cannot grow memory without bound.
"""

from __future__ import annotations

import gc
import itertools
import json
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.message import EmailMessage, Message
from typing import Any, NamedTuple

from .mime import parse, render, summarize


@dataclass(slots=True, eq=False)
class RequestRecord:
    """One request as the sandbox received it, and what it did with it."""

    seq: int
    vendor: str
    method: str
    path: str
    query: str
    raw_headers: tuple[tuple[bytes, bytes], ...]
    received_at: float
    body: bytes = b""
    #: The fault kind applied (`latency`, `status`, `drop_before_read`, ...), or None.
    fault: str | None = None
    fault_id: int | None = None
    #: HTTP status sent, or None when no response was sent (dropped connection).
    status: int | None = None
    #: `responded`, `dropped`, `truncated` or `pending` (still in flight).
    outcome: str = "pending"
    #: Server-side time from receiving the request head to finishing (ms); includes injected latency.
    duration_ms: float | None = None

    @property
    def headers(self) -> dict[str, str]:
        """Headers with lower-case names (repeated headers joined with ", ")."""
        out: dict[str, str] = {}
        for raw_name, raw_value in self.raw_headers:
            name, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
            out[name] = f"{out[name]}, {value}" if name in out else value
        return out

    def json(self) -> Any:
        """The body decoded as JSON (raises `ValueError` if it is not JSON)."""
        return json.loads(self.body)

    def to_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "vendor": self.vendor,
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "headers": self.headers,
            "body": self.body.decode("utf-8", "replace"),
            "received_at": self.received_at,
            "fault": self.fault,
            "fault_id": self.fault_id,
            "status": self.status,
            "outcome": self.outcome,
            "duration_ms": self.duration_ms,
        }


class Recipient(NamedTuple):
    """An envelope recipient: bare address, display name and header kind (`to`/`cc`/`bcc`).

    A tuple of strings, so the garbage collector stops tracking it (thousands are kept).
    """

    address: str
    name: str = ""
    kind: str = "to"


@dataclass(slots=True, eq=False)
class StoredMessage:
    """An accepted message: its MIME plus the envelope and vendor-specific facts.

    `source` is the compat32 message tree the sandbox built (or, for prepared MIME such as SMTP.com
    `/v4/messages/mime`, the bytes as submitted). `raw` serializes it once; `mime` parses `raw`
    into an `EmailMessage` on first use, so inspecting is cheap for the server and rich for tests.

    `meta` holds the vendor's view, e.g. Paubox `username`; SMTP.com `channel`, `smtp_vars`;
    SendClean/PowerEmail `smtp_user_name`, `x_unique_id`, `template_id`, `dynamic_value`;
    and `operation` (the API call that created it).
    """

    seq: int
    vendor: str
    id: str
    created_at: float
    source: Message | bytes
    envelope_from: str
    recipients: tuple[Recipient, ...]
    subject: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    #: Total decoded size of attachments and inline files.
    attachment_bytes: int = 0
    #: Paubox: how many times its receipt has been read (drives processing -> delivered).
    receipt_reads: int = 0
    _raw: bytes | None = None
    _mime: EmailMessage | None = None
    _index_keys: tuple[tuple[str, str, str], ...] = ()

    @property
    def raw(self) -> bytes:
        """The serialized message (CRLF line ends), rendered once and cached."""
        if self._raw is None:
            self._raw = self.source if isinstance(self.source, bytes) else render(self.source)
        return self._raw

    @property
    def mime(self) -> EmailMessage:
        """The message parsed with the modern `email` API (`policy.default`), cached."""
        if self._mime is None:
            self._mime = parse(self.raw)
        return self._mime

    def summary(self) -> dict[str, Any]:
        """Compact MIME summary: headers, part content types, attachment names, inline images."""
        return summarize(self.mime)

    def to_dict(self, *, include_mime: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "seq": self.seq,
            "vendor": self.vendor,
            "id": self.id,
            "created_at": self.created_at,
            "envelope_from": self.envelope_from,
            "recipients": [{"address": r.address, "name": r.name, "kind": r.kind} for r in self.recipients],
            "subject": self.subject,
            "meta": self.meta,
            "summary": self.summary(),
        }
        if include_mime:
            data["mime"] = self.raw.decode("utf-8", "replace")
        return data


class Store:
    """Thread-safe request log and message store."""

    def __init__(self, *, max_requests: int, max_messages: int, gc_freeze_every: int | None = None) -> None:
        self._lock = threading.Lock()
        self._gc_freeze_every = gc_freeze_every
        self._added = 0
        self._seq = itertools.count(1)
        self._max_messages = max_messages
        self._requests: deque[RequestRecord] = deque(maxlen=max_requests)
        self._messages: OrderedDict[int, StoredMessage] = OrderedDict()
        # (vendor, id) -> the message, or a list when several share an id (SMTP.com bulk_list).
        # Unique ids are the norm, so this saves a list per message for the garbage collector.
        self._by_id: dict[tuple[str, str], StoredMessage | list[StoredMessage]] = {}
        self._by_key: dict[tuple[str, str, str], list[StoredMessage]] = {}

    # ------------------------------------------------------------------------------ requests
    def start_request(
        self, vendor: str, method: str, path: str, query: str, raw_headers: Iterable[tuple[bytes, bytes]]
    ) -> RequestRecord:
        record = RequestRecord(next(self._seq), vendor, method, path, query, tuple(raw_headers), time.time())
        with self._lock:
            self._requests.append(record)
        return record

    def requests(self, vendor: str | None = None) -> list[RequestRecord]:
        with self._lock:
            items = list(self._requests)
        return items if vendor is None else [r for r in items if r.vendor == vendor]

    # ------------------------------------------------------------------------------ messages
    def new_seq(self) -> int:
        return next(self._seq)

    def add_message(self, message: StoredMessage, *, keys: Iterable[tuple[str, str]] = ()) -> None:
        """Store a message, indexed by `(vendor, id)` and by extra `(name, value)` keys."""
        extra = tuple((message.vendor, name, value) for name, value in keys)
        message._index_keys = extra
        with self._lock:
            self._messages[message.seq] = message
            id_key = (message.vendor, message.id)
            found = self._by_id.get(id_key)
            if found is None:
                self._by_id[id_key] = message
            elif isinstance(found, list):
                found.append(message)
            else:
                self._by_id[id_key] = [found, message]
            for key in extra:
                self._by_key.setdefault(key, []).append(message)
            while len(self._messages) > self._max_messages:
                _, old = self._messages.popitem(last=False)
                self._unindex(old)
            self._added += 1
            freeze = self._gc_freeze_every is not None and self._added % self._gc_freeze_every == 0
        if freeze:
            # Everything stored so far is long-lived: move it out of the collector's sight, so that
            # full collections (which otherwise traverse every stored message, tens of ms with a
            # big store) stay cheap. Reference counting still frees these objects when dropped.
            gc.freeze()

    def _unindex(self, old: StoredMessage) -> None:
        id_key = (old.vendor, old.id)
        found = self._by_id.get(id_key)
        if found is old:
            del self._by_id[id_key]
        elif isinstance(found, list):
            found[:] = [m for m in found if m is not old]
            if not found:
                del self._by_id[id_key]
        for key in old._index_keys:
            bucket = self._by_key.get(key)
            if bucket is not None:
                bucket[:] = [m for m in bucket if m is not old]
                if not bucket:
                    del self._by_key[key]

    def messages(self, vendor: str | None = None) -> list[StoredMessage]:
        with self._lock:
            items = list(self._messages.values())
        return items if vendor is None else [m for m in items if m.vendor == vendor]

    def message(self, seq: int) -> StoredMessage | None:
        with self._lock:
            return self._messages.get(seq)

    def by_id(self, vendor: str, message_id: str) -> list[StoredMessage]:
        with self._lock:
            found = self._by_id.get((vendor, message_id))
            if found is None:
                return []
            return list(found) if isinstance(found, list) else [found]

    def by_key(self, vendor: str, name: str, value: str) -> list[StoredMessage]:
        with self._lock:
            return list(self._by_key.get((vendor, name, value), ()))

    def select(self, vendor: str, predicate: Callable[[StoredMessage], bool]) -> list[StoredMessage]:
        with self._lock:
            return [m for m in self._messages.values() if m.vendor == vendor and predicate(m)]

    def bump_receipt_reads(self, message: StoredMessage) -> int:
        """Count one receipt read; returns the number of reads before this one."""
        with self._lock:
            before = message.receipt_reads
            message.receipt_reads += 1
            return before

    def clear(self) -> None:
        with self._lock:
            self._requests.clear()
            self._messages.clear()
            self._by_id.clear()
            self._by_key.clear()
            frozen = self._gc_freeze_every is not None and self._added >= self._gc_freeze_every
            self._added = 0
        if frozen:
            gc.unfreeze()  # let the collector see (and free) whatever was frozen, cycles included
