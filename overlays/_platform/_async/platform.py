"""The platform client every brand subclasses: configuration, every call, the raw-response view.

A brand's client (``SendClean``, ``PowerEmail``) is a thin subclass that sets ``brand``; every call
and all configuration live here, once, for both brands.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Mapping
from typing import TYPE_CHECKING, ClassVar

import httpx

from .. import _operations as ops
from .._operations import Brand, Settings
from .._runtime._async.base import AsyncBaseClient
from .._runtime.calls import SentMessage
from .._runtime.concurrency import async_to_raw
from .._runtime.delivery import RecipientStatus
from .._runtime.retry import RetryPolicy
from .._runtime.settings import TimeoutArg
from ..client import Client
from ..models import Message, MessageInfoItem, MessageInfoResult, SendResult, TemplateMessage

if TYPE_CHECKING:
    from email.message import Message as EmailMessage


def _settings(
    cls: type[object],
    owner_id: str | None,
    token: str | None,
    app_domain: str | None,
    smtp_user_name: str | None,
    base_url: str | None,
) -> Settings:
    brand = getattr(cls, "brand", None)
    if not isinstance(brand, Brand):
        raise TypeError(f"{cls.__name__} is a platform base class: use a brand's client (SendClean, PowerEmail)")
    return ops.settings(brand, owner_id, token, app_domain, smtp_user_name, base_url)


class AsyncPlatformClient(AsyncBaseClient[Client]):
    """Client of the SendClean platform; use a brand's subclass.

    ``owner_id`` and ``token`` come from the arguments or the ``<PREFIX>_OWNER_ID`` and
    ``<PREFIX>_TOKEN`` environment variables, ``app_domain`` from the argument,
    ``<PREFIX>_APP_DOMAIN`` or the brand's default (the URL is ``https://api.<app_domain>/v1.0``),
    and ``smtp_user_name``, the default SMTP user of the send calls, from the argument or
    ``<PREFIX>_SMTP_USER_NAME``. ``base_url`` (or ``<PREFIX>_BASE_URL``) replaces the whole URL with
    any http(s) URL: another host of the platform, or a local sandbox. ``timeout``, ``retry``,
    ``http_client``, ``transport`` and ``user_agent`` work as for every client of this package.
    """

    brand: ClassVar[Brand]

    def __init__(
        self,
        owner_id: str | None = None,
        token: str | None = None,
        app_domain: str | None = None,
        *,
        smtp_user_name: str | None = None,
        base_url: str | None = None,
        timeout: TimeoutArg = None,
        retry: RetryPolicy | None = None,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        user_agent: str | None = None,
    ) -> None:
        self._settings = _settings(type(self), owner_id, token, app_domain, smtp_user_name, base_url)
        super().__init__(
            self._settings.connection(),
            timeout=timeout,
            retry=retry,
            http_client=http_client,
            transport=transport,
            user_agent_extra=user_agent,
        )

    @property
    def owner_id(self) -> str:
        """The account's user id (sent in every request body)."""
        return self._settings.owner_id

    @property
    def smtp_user_name(self) -> str | None:
        """The default SMTP user of the send calls, when one was configured."""
        return self._settings.smtp_user_name

    @functools.cached_property
    def with_raw_response(self) -> AsyncPlatformClientWithRawResponse:
        """The same calls, each returning a ``RawResponse`` (status, headers, ``.parse()``)."""
        return AsyncPlatformClientWithRawResponse(self)

    async def send_mail(
        self,
        message: Message,
        *,
        smtp_user_name: str | None = None,
        timeout: TimeoutArg = None,
        retry: RetryPolicy | None = None,
    ) -> SentMessage[SendResult]:
        """POST /messages/sendMail: send ``message`` (HTML and/or text content) through an SMTP user.

        ``.id`` of the result is the message's ``X-Unique-Id`` header, the key of
        ``get_message_info``: the one you set, or a random one added to the request (``message``
        itself is not changed). ``smtp_user_name`` overrides the client's default. Raises
        ``InvalidRequestError`` before sending when the message breaks a documented rule, and a
        typed ``APIStatusError`` when the platform answers ``"status": "error"`` (even with HTTP 200).
        """
        return await self._call(ops.send_mail_request(self._settings, message, smtp_user_name), timeout, retry)

    async def send_template(
        self,
        message: TemplateMessage,
        *,
        smtp_user_name: str | None = None,
        timeout: TimeoutArg = None,
        retry: RetryPolicy | None = None,
    ) -> SentMessage[SendResult]:
        """POST /messages/sendTemplate: send a message whose content is the template
        ``message.template_id``; ``.id`` is its ``X-Unique-Id``, as for ``send_mail``."""
        return await self._call(ops.send_template_request(self._settings, message, smtp_user_name), timeout, retry)

    async def get_message_info(
        self,
        x_unique_id: str,
        *,
        skip_page: int = 0,
        timeout: TimeoutArg = None,
        retry: RetryPolicy | None = None,
    ) -> MessageInfoResult:
        """POST /messages/getMessageInfo: delivery and tracking data of the messages sent with the
        ``X-Unique-Id`` header ``x_unique_id``, 100 per page (``skip_page=1`` is the second page)."""
        return await self._call(ops.get_message_info_request(self._settings, x_unique_id, skip_page), timeout, retry)

    async def send_email_message(
        self,
        msg: EmailMessage,
        *,
        smtp_user_name: str | None = None,
        timeout: TimeoutArg = None,
        retry: RetryPolicy | None = None,
    ) -> SentMessage[SendResult]:
        """Send a stdlib ``email.message.EmailMessage`` through ``send_mail``.

        From, To, Cc, Bcc and Reply-To, the subject, the text and HTML alternatives, attachments,
        inline images (by Content-ID, as ``images``) and ``X-`` headers are carried over; Bcc goes
        in the recipients, never in the headers. A part the platform cannot carry raises
        ``InvalidRequestError`` naming it, before anything is sent.
        """
        from .._email import message_from_email  # imports the email package on first use

        return await self.send_mail(
            message_from_email(msg), smtp_user_name=smtp_user_name, timeout=timeout, retry=retry
        )

    async def iter_message_info(
        self, x_unique_id: str, *, timeout: TimeoutArg = None, retry: RetryPolicy | None = None
    ) -> AsyncIterator[MessageInfoItem]:
        """Every ``getMessageInfo`` row for ``x_unique_id``, page after page (100 rows a page), until
        a page comes back short. An error on a later page raises its typed error; the rows already
        yielded stay with the caller."""
        skip_page = 0
        while True:
            page = await self.get_message_info(x_unique_id, skip_page=skip_page, timeout=timeout, retry=retry)
            rows = page.message_data
            for row in rows:
                yield row
            if len(rows) < ops.MESSAGE_INFO_PAGE_SIZE:
                return
            skip_page += 1

    async def delivery_status(
        self, message_id: str, *, timeout: TimeoutArg = None, retry: RetryPolicy | None = None
    ) -> list[RecipientStatus]:
        """Per recipient: where the message with ``X-Unique-Id`` ``message_id`` (a send's ``.id``) stands."""
        from .._delivery import statuses_from_rows

        rows = [row async for row in self.iter_message_info(message_id, timeout=timeout, retry=retry)]
        return statuses_from_rows(rows)

    async def send_template_http_get(
        self,
        *,
        template_id: str,
        to: str,
        subject: str,
        from_email: str,
        dynamic_value: Mapping[str, str] | None = None,
        smtp_user_name: str | None = None,
        timeout: TimeoutArg = None,
        retry: RetryPolicy | None = None,
    ) -> SendResult:
        """GET /messages/sendTemplateHTTPGet (legacy): send a template message to one address.

        The platform's ``sendTemplateHTTPGet``. Every argument, the token included, travels in the
        URL (``dynamic_value={"NAME": "xyz"}`` becomes ``dynamic_value[NAME]=xyz``), where proxies
        and server logs may record it: prefer ``send_template``. This package masks the token in
        its errors and log lines. Although a GET, it is retried like a send: never after it may
        have reached the server, unless ``retry`` has ``retry_sends=True``. It cannot carry an
        ``X-Unique-Id``, so it returns the platform's ``SendResult`` as is.
        """
        call = ops.send_template_http_get_request(
            self._settings,
            template_id=template_id,
            to=to,
            subject=subject,
            from_email=from_email,
            dynamic_value=dynamic_value,
            smtp_user_name=smtp_user_name,
        )
        return await self._call(call, timeout, retry)


class AsyncPlatformClientWithRawResponse:
    """The client's calls, each returning a ``RawResponse`` with the HTTP status, the headers and
    ``.parse()``, the result the plain call returns. Errors are raised as by the plain calls."""

    def __init__(self, client: AsyncPlatformClient) -> None:
        self.send_mail = async_to_raw(client.send_mail)
        self.send_template = async_to_raw(client.send_template)
        self.get_message_info = async_to_raw(client.get_message_info)
        self.send_template_http_get = async_to_raw(client.send_template_http_get)
