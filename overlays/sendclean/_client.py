"""``SendClean`` and ``AsyncSendClean``: the SendClean brand of the platform clients."""

from __future__ import annotations

from ._operations import Brand
from ._platform import AsyncPlatformClient, PlatformClient

#: SendClean's settings: ``SENDCLEAN_*`` environment variables; the spec's default app domain.
BRAND = Brand(name="SendClean", env_prefix="SENDCLEAN", default_app_domain="us1-mta1.sendclean.net")


class SendClean(PlatformClient):
    """Synchronous SendClean API v1.0 client.

        SendClean(owner_id=None, token=None, app_domain=None, *, smtp_user_name=None,
                  base_url=None, timeout=None, retry=None, transport=None)

    Credentials come from the arguments or ``SENDCLEAN_OWNER_ID`` and ``SENDCLEAN_TOKEN``; they
    are sent as body fields of every request (there is no auth header). ``app_domain`` (or
    ``SENDCLEAN_APP_DOMAIN``, default ``us1-mta1.sendclean.net``) gives the URL
    ``https://api.<app_domain>/v1.0``; ``base_url`` (or ``SENDCLEAN_BASE_URL``) replaces it.
    ``smtp_user_name`` (or ``SENDCLEAN_SMTP_USER_NAME``) is the default SMTP user of the send
    calls. ``.client`` is the generated ``Client`` sharing this client's connection pool, timeout
    and retries, for the generated ``sendclean_client.api`` functions.
    """

    brand = BRAND


class AsyncSendClean(AsyncPlatformClient):
    """Asynchronous twin of ``SendClean``: same arguments, ``await`` every call."""

    brand = BRAND
