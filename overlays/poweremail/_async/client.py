"""The PowerEmail brand of the platform client."""

from .._brand import BRAND
from .platform import AsyncPlatformClient


class AsyncPowerEmail(AsyncPlatformClient):
    """PowerEmail API v1.0 client.

        AsyncPowerEmail(owner_id=None, token=None, app_domain=None, *, smtp_user_name=None, base_url=None,
              timeout=None, retry=None, http_client=None, transport=None, user_agent=None)

    Credentials come from the arguments or ``POWEREMAIL_OWNER_ID`` and ``POWEREMAIL_TOKEN``; they
    are sent as body fields of every request (there is no auth header). ``app_domain`` (or
    ``POWEREMAIL_APP_DOMAIN``, default ``poweremail.in``) gives the URL ``https://api.<app_domain>/v1.0``;
    ``base_url`` (or ``POWEREMAIL_BASE_URL``) replaces it with any http(s) URL. ``smtp_user_name``
    (or ``POWEREMAIL_SMTP_USER_NAME``) is the default SMTP user of the send calls.
    """

    brand = BRAND
