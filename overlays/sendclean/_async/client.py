"""The SendClean brand of the platform client."""

from .._brand import BRAND
from .platform import AsyncPlatformClient


class AsyncSendClean(AsyncPlatformClient):
    """SendClean API v1.0 client.

        AsyncSendClean(owner_id=None, token=None, app_domain=None, *, smtp_user_name=None, base_url=None,
              timeout=None, retry=None, http_client=None, transport=None, user_agent=None)

    Credentials come from the arguments or ``SENDCLEAN_OWNER_ID`` and ``SENDCLEAN_TOKEN``; they
    are sent as body fields of every request (there is no auth header). ``app_domain`` (or
    ``SENDCLEAN_APP_DOMAIN``, default ``us1-mta1.sendclean.net``) gives the URL ``https://api.<app_domain>/v1.0``;
    ``base_url`` (or ``SENDCLEAN_BASE_URL``) replaces it with any http(s) URL. ``smtp_user_name``
    (or ``SENDCLEAN_SMTP_USER_NAME``) is the default SMTP user of the send calls.
    """

    brand = BRAND
