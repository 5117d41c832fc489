"""``PowerEmail`` and ``AsyncPowerEmail``: the PowerEmail brand of the platform clients."""

from __future__ import annotations

from ._operations import Brand
from ._platform import AsyncPlatformClient, PlatformClient

#: PowerEmail's settings: ``POWEREMAIL_*`` environment variables; the spec's default app domain.
BRAND = Brand(name="PowerEmail", env_prefix="POWEREMAIL", default_app_domain="poweremail.in")


class PowerEmail(PlatformClient):
    """Synchronous PowerEmail API v1.0 client.

        PowerEmail(owner_id=None, token=None, app_domain=None, *, smtp_user_name=None,
                   base_url=None, timeout=None, retry=None, transport=None)

    Credentials come from the arguments or ``POWEREMAIL_OWNER_ID`` and ``POWEREMAIL_TOKEN``; they
    are sent as body fields of every request (there is no auth header). ``app_domain`` (or
    ``POWEREMAIL_APP_DOMAIN``, default ``poweremail.in``, an unverified guess) gives the URL
    ``https://api.<app_domain>/v1.0``; ``base_url`` (or ``POWEREMAIL_BASE_URL``) replaces it.
    ``smtp_user_name`` (or ``POWEREMAIL_SMTP_USER_NAME``) is the default SMTP user of the send
    calls. ``.client`` is the generated ``Client`` sharing this client's connection pool, timeout
    and retries, for the generated ``poweremail_client.api`` functions.
    """

    brand = BRAND


class AsyncPowerEmail(AsyncPlatformClient):
    """Asynchronous twin of ``PowerEmail``: same arguments, ``await`` every call."""

    brand = BRAND
