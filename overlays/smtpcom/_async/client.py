"""The SMTP.com client: configuration, every call, and the raw-response view of the calls."""

from __future__ import annotations

import functools
import time
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import httpx

from .. import _operations as ops
from .._runtime._async.base import AsyncBaseClient
from .._runtime.calls import SentMessage
from .._runtime.concurrency import async_to_raw
from .._runtime.delivery import RecipientStatus
from .._runtime.errors import InvalidRequestError
from .._runtime.retry import RetryPolicy
from .._runtime.settings import TimeoutArg
from ..client import AuthenticatedClient
from ..helpers import DEFAULT_AUTH, MAX_LIST_LIMIT, AuthMode, TimeArg
from ..models import (
    MessageInfo,
    MessagesListResponse,
    Originator,
    Recipients,
    SendMessageRequest,
    SendMessageResponse,
    SendMimeMessageRequest,
    V4MessagesGetEvent,
)

if TYPE_CHECKING:
    from email.message import Message


class AsyncSMTPcom(AsyncBaseClient[AuthenticatedClient]):
    """SMTP.com API v4 client (messages).

    The API key comes from ``api_key`` or the ``SMTPCOM_API_KEY`` environment variable, the base
    URL from ``base_url``, ``SMTPCOM_BASE_URL`` or ``https://api.smtp.com``. ``auth`` picks how the
    key travels: ``"bearer"`` (default, ``Authorization: Bearer <key>``, what SMTP.com's own Python
    library sends), ``"header"`` (``X-SMTPCOM-API: <key>``), ``"query"`` (``?api_key=<key>`` on
    every request) or ``"basic"`` (HTTP Basic, user ``api``, password the key).

    ``timeout``, ``retry``, ``http_client``, ``transport`` and ``user_agent`` work as for every
    client of this package (see the README, "Configuration").
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        auth: AuthMode = DEFAULT_AUTH,
        base_url: str | None = None,
        timeout: TimeoutArg = None,
        retry: RetryPolicy | None = None,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        user_agent: str | None = None,
    ) -> None:
        super().__init__(
            ops.connection(api_key, base_url, auth),
            timeout=timeout,
            retry=retry,
            http_client=http_client,
            transport=transport,
            user_agent_extra=user_agent,
        )
        self.auth: AuthMode = auth

    @functools.cached_property
    def with_raw_response(self) -> AsyncSMTPcomWithRawResponse:
        """The same calls, each returning a ``RawResponse`` (status, headers, ``.parse()``)."""
        return AsyncSMTPcomWithRawResponse(self)

    async def send_message(
        self, message: SendMessageRequest, *, timeout: TimeoutArg = None, retry: RetryPolicy | None = None
    ) -> SentMessage[SendMessageResponse]:
        """POST /v4/messages: send one message built from parts and attachments; ``.id`` is its ``msg_id``.

        Checked first: channel, 1 to 1000 recipients (``bulk_list`` alone), an originator, at least
        one part or attachment, no ``message/rfc822`` part, no CR/LF in headers or addresses, a
        JSON body under 10 MB.
        """
        return await self._call(ops.send_request(message), timeout, retry)

    async def send_mime(
        self, message: SendMimeMessageRequest, *, timeout: TimeoutArg = None, retry: RetryPolicy | None = None
    ) -> SentMessage[SendMessageResponse]:
        """POST /v4/messages/mime: send a prepared MIME document (raw text, CRLF or LF line ends)
        with its envelope; ``.id`` is its ``msg_id``."""
        return await self._call(ops.send_mime_request(message), timeout, retry)

    async def list_messages(
        self,
        channel: str,
        *,
        start: TimeArg,
        limit: int,
        offset: int = 0,
        end: TimeArg | None = None,
        event: V4MessagesGetEvent | None = None,
        msg_id: str | None = None,
        timeout: TimeoutArg = None,
        retry: RetryPolicy | None = None,
    ) -> MessagesListResponse:
        """GET /v4/messages: one page (``limit`` 1-1000 from ``offset``) of a channel's messages.

        ``start``/``end`` are RFC 2822 text, UNIX epoch seconds or timezone-aware datetimes. Data
        covers the last 7 days, not including today; page until ``data.items`` is shorter than ``limit``.
        """
        call = ops.list_request(channel, start, limit, offset, end, event, msg_id)
        return await self._call(call, timeout, retry)

    async def iter_messages(
        self,
        channel: str,
        *,
        start: TimeArg,
        end: TimeArg | None = None,
        event: V4MessagesGetEvent | None = None,
        msg_id: str | None = None,
        page_size: int = MAX_LIST_LIMIT,
        timeout: TimeoutArg = None,
        retry: RetryPolicy | None = None,
    ) -> AsyncIterator[MessageInfo]:
        """Every item ``list_messages`` finds, page after page (``page_size`` items a page), until a page
        comes back short. An error on a later page raises its typed error; the items already yielded
        stay with the caller."""
        if not 1 <= page_size <= MAX_LIST_LIMIT:
            raise InvalidRequestError("page_size", f"must be between 1 and {MAX_LIST_LIMIT}, got {page_size}")
        offset = 0
        while True:
            page = await self.list_messages(
                channel,
                start=start,
                limit=page_size,
                offset=offset,
                end=end,
                event=event,
                msg_id=msg_id,
                timeout=timeout,
                retry=retry,
            )
            items = page.data.items if isinstance(page.data.items, list) else []
            for item in items:
                yield item
            if len(items) < page_size:
                return
            offset += len(items)

    async def delivery_status(
        self,
        message_id: str,
        *,
        channel: str,
        start: TimeArg | None = None,
        timeout: TimeoutArg = None,
        retry: RetryPolicy | None = None,
    ) -> list[RecipientStatus]:
        """Per recipient: where the message ``message_id`` (a send's ``.id``) stands, from the channel's
        message data since ``start`` (default: seven days ago, the service's own horizon)."""
        from .._delivery import statuses_from_items

        since = start if start is not None else int(time.time()) - 7 * 24 * 3600
        found = self.iter_messages(channel, start=since, msg_id=message_id, timeout=timeout, retry=retry)
        return statuses_from_items([item async for item in found])

    async def send_email_message(
        self,
        msg: Message,
        *,
        channel: str,
        recipients: Recipients | None = None,
        originator: Originator | None = None,
        timeout: TimeoutArg = None,
        retry: RetryPolicy | None = None,
    ) -> SentMessage[SendMessageResponse]:
        """Send an ``email.message.EmailMessage`` (or any ``Message``) through POST /v4/messages/mime.

        The envelope comes from the message's To/Cc/Bcc and From/Reply-To headers unless
        ``recipients``/``originator`` are given. The Bcc header is removed from the MIME that is
        sent (``msg`` itself is not changed), so Bcc recipients stay undisclosed.
        """
        from .._mime import email_message_request  # imports the email package on first use

        return await self._call(email_message_request(msg, channel, recipients, originator), timeout, retry)


class AsyncSMTPcomWithRawResponse:
    """``AsyncSMTPcom``'s calls, each returning a ``RawResponse`` with the HTTP status, the headers and
    ``.parse()``, the result the plain call returns. Errors are raised as by the plain calls."""

    def __init__(self, client: AsyncSMTPcom) -> None:
        self.send_message = async_to_raw(client.send_message)
        self.send_mime = async_to_raw(client.send_mime)
        self.list_messages = async_to_raw(client.list_messages)
        self.send_email_message = async_to_raw(client.send_email_message)
