# pyright: strict
"""The platform clients every brand subclasses: ``PlatformClient`` and ``AsyncPlatformClient``.

A brand's client is a thin subclass that sets ``brand`` (``SendClean``, ``PowerEmail``); every call
and all configuration live here, once, for both brands.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

import httpx

from . import _operations as ops
from ._operations import Brand, Settings
from ._runtime.base import AsyncAPI, Connection, SyncAPI, TimeoutArg
from ._runtime.retry import RetryPolicy
from .client import Client
from .models import Message, MessageInfoResult, SendResult, TemplateMessage


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


def _connection(settings: Settings) -> Connection[Client]:
    # No auth header and no default query: owner_id and token are added to each request by ops.
    return Connection(
        generated=Client(base_url=settings.base_url),
        base_url=settings.base_url,
        auth_description=settings.auth_description,
    )


class PlatformClient(SyncAPI[Client]):
    """Synchronous client of the SendClean platform; use a brand's subclass.

    ``owner_id`` and ``token`` come from the arguments or the ``<PREFIX>_OWNER_ID`` and
    ``<PREFIX>_TOKEN`` environment variables, ``app_domain`` from the argument,
    ``<PREFIX>_APP_DOMAIN`` or the brand's default (the URL is ``https://api.<app_domain>/v1.0``),
    and ``smtp_user_name``, the default SMTP user of the send calls, from the argument or
    ``<PREFIX>_SMTP_USER_NAME``. ``base_url`` (or ``<PREFIX>_BASE_URL``) replaces the whole URL,
    e.g. for a local sandbox. ``.client`` is the generated ``Client`` sharing this client's
    connection pool, timeout and retries, for use with the generated ``api`` functions.
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
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._settings = _settings(type(self), owner_id, token, app_domain, smtp_user_name, base_url)
        super().__init__(_connection(self._settings), timeout=timeout, retry=retry, transport=transport)

    @property
    def owner_id(self) -> str:
        """The account's user id (sent in every request body)."""
        return self._settings.owner_id

    @property
    def smtp_user_name(self) -> str | None:
        """The default SMTP user of the send calls, when one was configured."""
        return self._settings.smtp_user_name

    def send_mail(
        self,
        message: Message,
        *,
        smtp_user_name: str | None = None,
        timeout: TimeoutArg = None,
        retry: RetryPolicy | None = None,
    ) -> SendResult:
        """POST /messages/sendMail: send ``message`` (HTML and/or text content) through an SMTP user.

        ``smtp_user_name`` overrides the client's default. Raises ``InvalidRequestError`` before
        sending when the message breaks a documented rule, and a typed ``APIStatusError`` when the
        platform answers ``"status": "error"`` (even with HTTP 200).
        """
        kwargs = ops.send_mail_request(self._settings, message, smtp_user_name)
        return self._call(kwargs, ops.decode_send, timeout, retry)

    def send_template(
        self,
        message: TemplateMessage,
        *,
        smtp_user_name: str | None = None,
        timeout: TimeoutArg = None,
        retry: RetryPolicy | None = None,
    ) -> SendResult:
        """POST /messages/sendTemplate: send a message whose content is the template ``message.template_id``."""
        kwargs = ops.send_template_request(self._settings, message, smtp_user_name)
        return self._call(kwargs, ops.decode_send, timeout, retry)

    def get_message_info(
        self,
        x_unique_id: str,
        *,
        skip_page: int = 0,
        timeout: TimeoutArg = None,
        retry: RetryPolicy | None = None,
    ) -> MessageInfoResult:
        """POST /messages/getMessageInfo: delivery and tracking data of the messages sent with the
        ``X-Unique-Id`` header ``x_unique_id``, 100 per page (``skip_page=1`` is the second page)."""
        kwargs = ops.get_message_info_request(self._settings, x_unique_id, skip_page)
        return self._call(kwargs, ops.decode_message_info, timeout, retry)

    def send_template_http_get(
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
        have reached the server, unless ``retry`` has ``retry_sends=True``.
        """
        kwargs = ops.send_template_http_get_request(
            self._settings,
            template_id=template_id,
            to=to,
            subject=subject,
            from_email=from_email,
            dynamic_value=dynamic_value,
            smtp_user_name=smtp_user_name,
        )
        return self._call(kwargs, ops.decode_send, timeout, retry)


class AsyncPlatformClient(AsyncAPI[Client]):
    """Asynchronous twin of ``PlatformClient``: same arguments, ``await`` every call."""

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
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._settings = _settings(type(self), owner_id, token, app_domain, smtp_user_name, base_url)
        super().__init__(_connection(self._settings), timeout=timeout, retry=retry, transport=transport)

    @property
    def owner_id(self) -> str:
        """The account's user id (sent in every request body)."""
        return self._settings.owner_id

    @property
    def smtp_user_name(self) -> str | None:
        """The default SMTP user of the send calls, when one was configured."""
        return self._settings.smtp_user_name

    async def send_mail(
        self,
        message: Message,
        *,
        smtp_user_name: str | None = None,
        timeout: TimeoutArg = None,
        retry: RetryPolicy | None = None,
    ) -> SendResult:
        """POST /messages/sendMail: send ``message`` (HTML and/or text content) through an SMTP user."""
        kwargs = ops.send_mail_request(self._settings, message, smtp_user_name)
        return await self._call(kwargs, ops.decode_send, timeout, retry)

    async def send_template(
        self,
        message: TemplateMessage,
        *,
        smtp_user_name: str | None = None,
        timeout: TimeoutArg = None,
        retry: RetryPolicy | None = None,
    ) -> SendResult:
        """POST /messages/sendTemplate: send a message whose content is the template ``message.template_id``."""
        kwargs = ops.send_template_request(self._settings, message, smtp_user_name)
        return await self._call(kwargs, ops.decode_send, timeout, retry)

    async def get_message_info(
        self,
        x_unique_id: str,
        *,
        skip_page: int = 0,
        timeout: TimeoutArg = None,
        retry: RetryPolicy | None = None,
    ) -> MessageInfoResult:
        """POST /messages/getMessageInfo: delivery and tracking data for ``x_unique_id``, 100 per page."""
        kwargs = ops.get_message_info_request(self._settings, x_unique_id, skip_page)
        return await self._call(kwargs, ops.decode_message_info, timeout, retry)

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
        """GET /messages/sendTemplateHTTPGet (legacy): see ``PlatformClient.send_template_http_get``."""
        kwargs = ops.send_template_http_get_request(
            self._settings,
            template_id=template_id,
            to=to,
            subject=subject,
            from_email=from_email,
            dynamic_value=dynamic_value,
            smtp_user_name=smtp_user_name,
        )
        return await self._call(kwargs, ops.decode_send, timeout, retry)
