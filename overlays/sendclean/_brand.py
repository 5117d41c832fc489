"""What sets the SendClean brand apart: ``SENDCLEAN_*`` environment variables and the spec's default app domain."""

from ._operations import Brand

BRAND = Brand(name="SendClean", env_prefix="SENDCLEAN", default_app_domain="us1-mta1.sendclean.net")
