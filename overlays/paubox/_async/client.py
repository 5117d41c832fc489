"""The Paubox client: configuration, every call, and the raw-response view of the calls."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import httpx

from .. import _operations as ops
from .._runtime._async.base import AsyncBaseClient
from .._runtime.calls import SentMessage
from .._runtime.concurrency import async_run_limited, async_to_raw
from .._runtime.delivery import RecipientStatus
from .._runtime.errors import AuthenticationError, ClientError, InvalidRequestError
from .._runtime.retry import RetryPolicy
from .._runtime.settings import TimeoutArg
from ..bulk import BulkSendError, BulkSendResult, ChunkOutcome, chunk_bounds, collect
from ..client import AuthenticatedClient
from ..models import BulkSendResponse, Message, MessageReceiptResponse, SingleSendResponse

if TYPE_CHECKING:
    from email.message import Message as EmailMessage


class AsyncPaubox(AsyncBaseClient[AuthenticatedClient]):
    """Paubox Email API v1 client.

    The API key comes from ``api_key`` or ``PAUBOX_API_KEY``. With the key alone the client talks to
    Paubox's current gateway, ``https://api.paubox.com/v1/email``; with an ``api_username`` (or
    ``PAUBOX_API_USERNAME``) too, to the legacy host ``https://api.paubox.net/v1/<username>``.
    ``base_url`` (or ``PAUBOX_BASE_URL``) replaces either and may contain ``{api_username}``.

    ``timeout`` (seconds or ``httpx.Timeout``) and ``retry`` (a ``RetryPolicy``) apply to every call
    unless a call passes its own. ``http_client`` is your own httpx client (proxies, mounts, event
    hooks, limits); this client then adds its credentials, User-Agent and retries to each request
    but leaves the pool to you. ``transport`` replaces the transport of the client built here (for
    tests: ``httpx.MockTransport``). ``user_agent`` goes in front of this package's User-Agent.
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        api_username: str | None = None,
        base_url: str | None = None,
        timeout: TimeoutArg = None,
        retry: RetryPolicy | None = None,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        user_agent: str | None = None,
    ) -> None:
        super().__init__(
            ops.connection(api_key, api_username, base_url),
            timeout=timeout,
            retry=retry,
            http_client=http_client,
            transport=transport,
            user_agent_extra=user_agent,
        )

    @functools.cached_property
    def with_raw_response(self) -> AsyncPauboxWithRawResponse:
        """The same calls, each returning a ``RawResponse`` (status, headers, ``.parse()``)."""
        return AsyncPauboxWithRawResponse(self)

    async def send_message(
        self,
        message: Message,
        *,
        override_open_tracking: bool | None = None,
        override_link_tracking: bool | None = None,
        unsubscribe_url: str | None = None,
        timeout: TimeoutArg = None,
        retry: RetryPolicy | None = None,
    ) -> SentMessage[SingleSendResponse]:
        """POST /messages: send one message. ``.id`` of the result is its ``sourceTrackingId``.

        The message is checked first (``InvalidRequestError`` names the field). The tracking
        overrides and ``unsubscribe_url`` go beside the message in ``data``, as Paubox expects.
        """
        call = ops.send_message_request(message, override_open_tracking, override_link_tracking, unsubscribe_url)
        return await self._call(call, timeout, retry)

    async def send_bulk_messages(
        self, messages: Sequence[Message], *, timeout: TimeoutArg = None, retry: RetryPolicy | None = None
    ) -> BulkSendResponse:
        """POST /bulk_messages: send one batch in one request; results come back in request order,
        one per message, each with a ``sourceTrackingId`` or the ``errors`` that refused it."""
        return await self._call(ops.send_bulk_messages_request(messages), timeout, retry)

    async def get_message_receipt(
        self, source_tracking_id: str, *, timeout: TimeoutArg = None, retry: RetryPolicy | None = None
    ) -> MessageReceiptResponse:
        """GET /message_receipt: delivery, open and click status of a sent message (``NotFoundError``
        for an unknown id)."""
        return await self._call(ops.get_message_receipt_request(source_tracking_id), timeout, retry)

    async def send_email_message(
        self, msg: EmailMessage, *, timeout: TimeoutArg = None, retry: RetryPolicy | None = None
    ) -> SentMessage[SingleSendResponse]:
        """Send a stdlib ``email.message.EmailMessage`` through ``send_message``.

        From, To, Cc, Bcc and Reply-To, the subject, the text and HTML alternatives, attachments and
        ``X-`` headers are carried over; Bcc goes in ``bcc``, never in the headers. A part Paubox
        cannot carry (an inline image, say) raises ``InvalidRequestError`` naming it, before
        anything is sent.
        """
        from .._email import message_from_email  # imports the email package on first use

        return await self.send_message(message_from_email(msg), timeout=timeout, retry=retry)

    async def delivery_status(
        self, message_id: str, *, timeout: TimeoutArg = None, retry: RetryPolicy | None = None
    ) -> list[RecipientStatus]:
        """Per recipient: where the message ``message_id`` (a send's ``.id``) stands, from its receipt."""
        from .._delivery import statuses_from_receipt

        return statuses_from_receipt(await self.get_message_receipt(message_id, timeout=timeout, retry=retry))

    async def send_bulk(
        self,
        messages: Iterable[Message],
        *,
        chunk_size: int = ops.BULK_CHUNK_SIZE,
        concurrency: int = 4,
        timeout: TimeoutArg = None,
        retry: RetryPolicy | None = None,
    ) -> BulkSendResult:
        """Send any number of messages in chunks of at most ``chunk_size`` (Paubox recommends 50),
        at most ``concurrency`` chunk requests at once (the sync client uses threads for that).

        Every message is checked before the first request. Returns the tracking ids in input order;
        if any chunk fails, raises ``BulkSendError`` whose ``result`` still has every accepted id.
        After an authentication failure the chunks not yet started are not attempted.
        """
        if concurrency < 1:
            raise InvalidRequestError("concurrency", f"must be at least 1, got {concurrency}")
        batch = list(messages)
        ops.check_batch(batch)
        bounds = chunk_bounds(len(batch), chunk_size)
        auth_failed: list[AuthenticationError] = []

        async def send_chunk(start: int, stop: int) -> ChunkOutcome:
            if auth_failed:
                return None
            try:
                return await self._call(ops.bulk_chunk_request(batch, start, stop), timeout, retry)
            except AuthenticationError as error:
                auth_failed.append(error)
                return error
            except ClientError as error:
                return error

        chunks = [functools.partial(send_chunk, start, stop) for start, stop in bounds]
        result = collect(bounds, await async_run_limited(chunks, concurrency), len(batch))
        if not result.ok:
            raise BulkSendError(result)
        return result


class AsyncPauboxWithRawResponse:
    """``AsyncPaubox``'s calls, each returning a ``RawResponse`` with the HTTP status, the headers and
    ``.parse()``, the result the plain call returns. Errors are raised as by the plain calls."""

    def __init__(self, client: AsyncPaubox) -> None:
        self.send_message = async_to_raw(client.send_message)
        self.send_bulk_messages = async_to_raw(client.send_bulk_messages)
        self.get_message_receipt = async_to_raw(client.get_message_receipt)
