"""``Paubox`` and ``AsyncPaubox``: the authenticated clients and their calls."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import httpx

from . import _operations as ops
from ._runtime.base import AsyncAPI, Connection, SyncAPI, TimeoutArg
from ._runtime.errors import AuthenticationError, ClientError
from ._runtime.retry import RetryPolicy
from .bulk import BulkChunkFailure, BulkSendError, BulkSendResult, chunk_bounds
from .client import AuthenticatedClient
from .models import BulkSendResponse, Message, MessageReceiptResponse, SingleSendResponse


def _connection(api_key: str | None, api_username: str | None, base_url: str | None) -> Connection[AuthenticatedClient]:
    url, key = ops.settings(api_key, api_username, base_url)
    return Connection(
        generated=AuthenticatedClient(base_url=url, token=f"token={key}", prefix="Token"),
        base_url=url,
        headers={"Authorization": f"Token token={key}"},
        auth_description="Authorization: Token token=***",
    )


ChunkOutcome = list[str | ClientError] | ClientError | None
"""Per chunk of a ``send_bulk``: per-message outcomes, the error that failed the whole chunk, or
None when the chunk was never attempted (an authentication failure stopped the batch)."""


def _collect(bounds: Sequence[tuple[int, int]], outcomes: Sequence[ChunkOutcome], total: int) -> BulkSendResult:
    """Merge per-chunk outcomes into one result, keeping every accepted id."""
    tracking_ids: list[str | None] = [None] * total
    failures: list[BulkChunkFailure] = []
    # With concurrency, chunks are not decided in input order: look for the stopping error first.
    stopped_by = next((o for o in outcomes if isinstance(o, AuthenticationError)), None)
    for (start, stop), outcome in zip(bounds, outcomes, strict=True):
        if outcome is None:
            assert stopped_by is not None, "a chunk is skipped only after an authentication failure"
            failures.append(BulkChunkFailure(start, stop, stopped_by, sent=False))
        elif isinstance(outcome, ClientError):
            failures.append(BulkChunkFailure(start, stop, outcome))
        else:
            for index, item in enumerate(outcome, start):
                if isinstance(item, str):
                    tracking_ids[index] = item
                else:
                    failures.append(BulkChunkFailure(index, index + 1, item))
    return BulkSendResult(tracking_ids, sorted(failures, key=lambda f: f.start))


class Paubox(SyncAPI[AuthenticatedClient]):
    """Synchronous Paubox Email API v1 client.

    The API key comes from ``api_key`` or ``PAUBOX_API_KEY``. With the key alone the client talks to
    Paubox's current gateway, ``https://api.paubox.com/v1/email``; with an ``api_username`` (or
    ``PAUBOX_API_USERNAME``) too, to the legacy host ``https://api.paubox.net/v1/<username>``.
    ``base_url`` (or ``PAUBOX_BASE_URL``) replaces either and may contain ``{api_username}``.
    ``.client`` is the generated ``AuthenticatedClient`` sharing this client's connection pool,
    timeout and retries, for use with the generated ``paubox_client.api`` functions.
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        api_username: str | None = None,
        base_url: str | None = None,
        timeout: TimeoutArg = None,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        super().__init__(
            _connection(api_key, api_username, base_url), timeout=timeout, retry=retry, transport=transport
        )

    def send_message(
        self,
        message: Message,
        *,
        override_open_tracking: bool | None = None,
        override_link_tracking: bool | None = None,
        unsubscribe_url: str | None = None,
        timeout: TimeoutArg = None,
        retry: RetryPolicy | None = None,
    ) -> SingleSendResponse:
        """POST /messages: send one message; returns its ``sourceTrackingId``."""
        kwargs = ops.send_message_request(message, override_open_tracking, override_link_tracking, unsubscribe_url)
        return self._call(kwargs, ops.decode_send, timeout, retry)

    def send_bulk_messages(
        self, messages: Sequence[Message], *, timeout: TimeoutArg = None, retry: RetryPolicy | None = None
    ) -> BulkSendResponse:
        """POST /bulk_messages: send one batch in one request; results come back in request order."""
        return self._call(ops.send_bulk_messages_request(messages), ops.decode_bulk, timeout, retry)

    def get_message_receipt(
        self, source_tracking_id: str, *, timeout: TimeoutArg = None, retry: RetryPolicy | None = None
    ) -> MessageReceiptResponse:
        """GET /message_receipt: delivery status of a sent message."""
        return self._call(ops.get_message_receipt_request(source_tracking_id), ops.decode_receipt, timeout, retry)

    def send_bulk(
        self,
        messages: Iterable[Message],
        *,
        chunk_size: int = ops.BULK_CHUNK_SIZE,
        timeout: TimeoutArg = None,
        retry: RetryPolicy | None = None,
    ) -> BulkSendResult:
        """Send any number of messages in chunks of at most ``chunk_size`` (Paubox recommends 50).

        Every message is validated before the first request. Returns the tracking ids in input
        order; if any chunk fails, raises ``BulkSendError`` whose ``result`` still has every
        accepted id. After an authentication failure the remaining chunks are not attempted.
        """
        batch = list(messages)
        ops.check_batch(batch)
        bounds = chunk_bounds(len(batch), chunk_size)
        outcomes: list[ChunkOutcome] = []
        for start, stop in bounds:
            if any(isinstance(o, AuthenticationError) for o in outcomes):
                outcomes.append(None)
                continue
            try:
                kwargs = ops.send_bulk_messages_request(batch[start:stop], checked=True)
                outcomes.append(self._call(kwargs, ops.bulk_chunk_decoder(start, stop), timeout, retry))
            except ClientError as error:
                outcomes.append(error)
        result = _collect(bounds, outcomes, len(batch))
        if not result.ok:
            raise BulkSendError(result)
        return result


class AsyncPaubox(AsyncAPI[AuthenticatedClient]):
    """Asynchronous twin of ``Paubox``: same arguments, ``await`` every call."""

    def __init__(
        self,
        api_key: str | None = None,
        *,
        api_username: str | None = None,
        base_url: str | None = None,
        timeout: TimeoutArg = None,
        retry: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        super().__init__(
            _connection(api_key, api_username, base_url), timeout=timeout, retry=retry, transport=transport
        )

    async def send_message(
        self,
        message: Message,
        *,
        override_open_tracking: bool | None = None,
        override_link_tracking: bool | None = None,
        unsubscribe_url: str | None = None,
        timeout: TimeoutArg = None,
        retry: RetryPolicy | None = None,
    ) -> SingleSendResponse:
        """POST /messages: send one message; returns its ``sourceTrackingId``."""
        kwargs = ops.send_message_request(message, override_open_tracking, override_link_tracking, unsubscribe_url)
        return await self._call(kwargs, ops.decode_send, timeout, retry)

    async def send_bulk_messages(
        self, messages: Sequence[Message], *, timeout: TimeoutArg = None, retry: RetryPolicy | None = None
    ) -> BulkSendResponse:
        """POST /bulk_messages: send one batch in one request; results come back in request order."""
        return await self._call(ops.send_bulk_messages_request(messages), ops.decode_bulk, timeout, retry)

    async def get_message_receipt(
        self, source_tracking_id: str, *, timeout: TimeoutArg = None, retry: RetryPolicy | None = None
    ) -> MessageReceiptResponse:
        """GET /message_receipt: delivery status of a sent message."""
        return await self._call(ops.get_message_receipt_request(source_tracking_id), ops.decode_receipt, timeout, retry)

    async def send_bulk(
        self,
        messages: Iterable[Message],
        *,
        chunk_size: int = ops.BULK_CHUNK_SIZE,
        concurrency: int = 4,
        timeout: TimeoutArg = None,
        retry: RetryPolicy | None = None,
    ) -> BulkSendResult:
        """Like ``Paubox.send_bulk``, with at most ``concurrency`` chunk requests in flight at once."""
        if concurrency < 1:
            raise ValueError(f"concurrency must be at least 1, got {concurrency}")
        import asyncio  # here, not at the top: sync users should not pay its import time

        batch = list(messages)
        ops.check_batch(batch)
        bounds = chunk_bounds(len(batch), chunk_size)
        gate = asyncio.Semaphore(concurrency)
        auth_failure: list[AuthenticationError] = []

        async def send_chunk(start: int, stop: int) -> ChunkOutcome:
            async with gate:
                if auth_failure:
                    return None
                try:
                    kwargs = ops.send_bulk_messages_request(batch[start:stop], checked=True)
                    return await self._call(kwargs, ops.bulk_chunk_decoder(start, stop), timeout, retry)
                except AuthenticationError as error:
                    auth_failure.append(error)
                    return error
                except ClientError as error:
                    return error

        outcomes = await asyncio.gather(*(send_chunk(start, stop) for start, stop in bounds))
        result = _collect(bounds, outcomes, len(batch))
        if not result.ok:
            raise BulkSendError(result)
        return result
