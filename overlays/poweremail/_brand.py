"""What sets the PowerEmail brand apart: ``POWEREMAIL_*`` environment variables and the spec's default app domain."""

from ._operations import Brand

BRAND = Brand(name="PowerEmail", env_prefix="POWEREMAIL", default_app_domain="poweremail.in")
