"""Public names of poweremail_client (read by scripts/generate.py, which writes the package ``__init__``).
A name from an ``_async`` module brings its derived sync twin along."""

PACKAGE_DOC = """Typed client for the PowerEmail API v1.0 (one brand of the SendClean platform).

    from poweremail_client import PowerEmail

    with PowerEmail(smtp_user_name="my-smtp-user") as client:  # POWEREMAIL_OWNER_ID, POWEREMAIL_TOKEN
        sent = client.send_mail(message)
        info = client.get_message_info(sent.id)

Names load on first use, so importing the package costs little more than importing httpx.
"""

PUBLIC = {"._async.client": ("AsyncPowerEmail",)}

ALIASES = {"PowerEmailError": ("._runtime.errors", "ClientError")}
