"""Public names of sendclean_client (read by scripts/generate.py, which writes the package ``__init__``).
A name from an ``_async`` module brings its derived sync twin along."""

PACKAGE_DOC = """Typed client for the SendClean API v1.0 (one brand of the SendClean platform).

    from sendclean_client import SendClean

    with SendClean(smtp_user_name="my-smtp-user") as client:  # SENDCLEAN_OWNER_ID, SENDCLEAN_TOKEN
        sent = client.send_mail(message)
        info = client.get_message_info(sent.id)

Names load on first use, so importing the package costs little more than importing httpx.
"""

PUBLIC = {"._async.client": ("AsyncSendClean",)}

ALIASES = {"SendCleanError": ("._runtime.errors", "ClientError")}
