"""``SMTPcom`` and ``AsyncSMTPcom``: the authenticated clients and their calls."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx

from . import _operations as ops
from ._runtime.base import AsyncAPI, Connection, SyncAPI, TimeoutArg
from ._runtime.retry import RetryPolicy
from .client import AuthenticatedClient
from .helpers import AUTH_HEADER, AUTH_QUERY_PARAM, BASIC_USER, DEFAULT_AUTH, AuthMode, TimeArg

if TYPE_CHECKING:
    from email.message import Message

from .models import (
    MessagesListResponse,
    Originator,
    Recipients,
    SendMessageRequest,
    SendMessageResponse,
    SendMimeMessageRequest,
    V4MessagesGetEvent,
)

_DESCRIPTIONS: dict[str, str] = {
    "bearer": "Authorization: Bearer ***",
    "header": f"{AUTH_HEADER}: ***",
    "query": f"{AUTH_QUERY_PARAM}=*** (query parameter)",
    "basic": f"HTTP Basic {BASIC_USER}:***",
}


def _connection(api_key: str | None, base_url: str | None, auth: str) -> Connection[AuthenticatedClient]:
    url, key = ops.settings(api_key, base_url, auth)
    # The generated functions require an AuthenticatedClient. Its httpx client is replaced by the
    # one built from this Connection, so its own header is used only by a copy made with
    # ``with_headers``/``with_timeout`` (which then authenticates with the header scheme).
    generated = AuthenticatedClient(base_url=url, token=key, prefix="", auth_header_name=AUTH_HEADER)
    description = _DESCRIPTIONS[auth]
    if auth == "query":
        return Connection(
            generated=generated, base_url=url, auth_description=description, params={AUTH_QUERY_PARAM: key}
        )
    if auth == "basic":
        return Connection(generated=generated, base_url=url, auth_description=description, auth=(BASIC_USER, key))
    if auth == "bearer":
        headers = {"Authorization": f"Bearer {key}"}
        return Connection(generated=generated, base_url=url, auth_description=description, headers=headers)
    return Connection(generated=generated, base_url=url, auth_description=description, headers={AUTH_HEADER: key})


class SMTPcom(SyncAPI[AuthenticatedClient]):
    """Synchronous SMTP.com API v4 client (messages).

    The API key comes from ``api_key`` or the ``SMTPCOM_API_KEY`` environment variable, the base
    URL from ``base_url``, ``SMTPCOM_BASE_URL`` or ``https://api.smtp.com``. ``auth`` picks how the
    key travels: ``"bearer"`` (default, ``Authorization: Bearer <key>``, what SMTP.com's own Python
    library sends), ``"header"`` (``X-SMTPCOM-API: <key>``), ``"query"`` (``?api_key=<key>`` on
    every request) or ``"basic"`` (HTTP Basic, user ``api``, password the key).

    ``.client`` is the generated ``AuthenticatedClient`` sharing this client's connection pool,
    authentication, timeout and retries, for use with the generated ``smtpcom_client.api`` functions.
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        auth: AuthMode = DEFAULT_AUTH,
        base_url: str | None = None,
        timeout: TimeoutArg = None,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        super().__init__(_connection(api_key, base_url, auth), timeout=timeout, retry=retry, transport=transport)
        self.auth: AuthMode = auth

    def v4_messages_post(
        self, message: SendMessageRequest, *, timeout: TimeoutArg = None, retry: RetryPolicy | None = None
    ) -> SendMessageResponse:
        """POST /v4/messages: send one message built from parts; ``message_id(result)`` is its id.

        Checked first: channel, 1 to 1000 recipients (``bulk_list`` alone), an originator, no
        ``message/rfc822`` part, no CR/LF in headers, subject or addresses, JSON body under 10 MB.
        """
        return self._call(ops.send_request(message), ops.decode_send, timeout, retry)

    send_message = v4_messages_post

    def v4_messages_mime_post(
        self, message: SendMimeMessageRequest, *, timeout: TimeoutArg = None, retry: RetryPolicy | None = None
    ) -> SendMessageResponse:
        """POST /v4/messages/mime: send a prepared MIME document (raw text) with its envelope."""
        return self._call(ops.send_mime_request(message), ops.decode_send, timeout, retry)

    send_mime = v4_messages_mime_post

    def v4_messages_get(
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
        kwargs = ops.list_request(channel, start, limit, offset, end, event, msg_id)
        return self._call(kwargs, ops.decode_list, timeout, retry)

    list_messages = v4_messages_get

    def send_email_message(
        self,
        msg: Message,
        *,
        channel: str,
        recipients: Recipients | None = None,
        originator: Originator | None = None,
        timeout: TimeoutArg = None,
        retry: RetryPolicy | None = None,
    ) -> SendMessageResponse:
        """Send an ``email.message.EmailMessage`` (or any ``Message``) through POST /v4/messages/mime.

        The envelope comes from the message's To/Cc/Bcc and From/Reply-To headers unless
        ``recipients``/``originator`` are given. The Bcc header is removed from the MIME that is
        sent (``msg`` itself is not changed), so Bcc recipients stay undisclosed.
        """
        from ._mime import email_message_request  # imports the email package on first use

        kwargs = email_message_request(msg, channel, recipients, originator)
        return self._call(kwargs, ops.decode_send, timeout, retry)


class AsyncSMTPcom(AsyncAPI[AuthenticatedClient]):
    """Asynchronous twin of ``SMTPcom``: same arguments, ``await`` every call."""

    def __init__(
        self,
        api_key: str | None = None,
        *,
        auth: AuthMode = DEFAULT_AUTH,
        base_url: str | None = None,
        timeout: TimeoutArg = None,
        retry: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        super().__init__(_connection(api_key, base_url, auth), timeout=timeout, retry=retry, transport=transport)
        self.auth: AuthMode = auth

    async def v4_messages_post(
        self, message: SendMessageRequest, *, timeout: TimeoutArg = None, retry: RetryPolicy | None = None
    ) -> SendMessageResponse:
        """POST /v4/messages: send one message built from parts; ``message_id(result)`` is its id."""
        return await self._call(ops.send_request(message), ops.decode_send, timeout, retry)

    send_message = v4_messages_post

    async def v4_messages_mime_post(
        self, message: SendMimeMessageRequest, *, timeout: TimeoutArg = None, retry: RetryPolicy | None = None
    ) -> SendMessageResponse:
        """POST /v4/messages/mime: send a prepared MIME document (raw text) with its envelope."""
        return await self._call(ops.send_mime_request(message), ops.decode_send, timeout, retry)

    send_mime = v4_messages_mime_post

    async def v4_messages_get(
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
        """GET /v4/messages: one page (``limit`` 1-1000 from ``offset``) of a channel's messages."""
        kwargs = ops.list_request(channel, start, limit, offset, end, event, msg_id)
        return await self._call(kwargs, ops.decode_list, timeout, retry)

    list_messages = v4_messages_get

    async def send_email_message(
        self,
        msg: Message,
        *,
        channel: str,
        recipients: Recipients | None = None,
        originator: Originator | None = None,
        timeout: TimeoutArg = None,
        retry: RetryPolicy | None = None,
    ) -> SendMessageResponse:
        """Send an ``email.message.EmailMessage`` through POST /v4/messages/mime (see ``SMTPcom``)."""
        from ._mime import email_message_request  # imports the email package on first use

        kwargs = email_message_request(msg, channel, recipients, originator)
        return await self._call(kwargs, ops.decode_send, timeout, retry)
