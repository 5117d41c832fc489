"""Public names of smtpcom_client (read by scripts/generate.py, which writes the package ``__init__``).
A name from an ``_async`` module brings its derived sync twin along."""

PACKAGE_DOC = """Typed client for the SMTP.com API v4 (messages).

    from smtpcom_client import SMTPcom

    with SMTPcom() as smtp:  # SMTPCOM_API_KEY
        sent = smtp.send_message(request)
        print(sent.id)

Names load on first use, so importing the package costs little more than importing httpx.
"""

PUBLIC = {
    "._async.client": ("AsyncSMTPcom", "AsyncSMTPcomWithRawResponse"),
    ".attachments": (
        "attachment_from_bytes",
        "attachment_from_path",
        "inline_image_from_bytes",
        "inline_image_from_path",
    ),
    ".helpers": ("MAX_MESSAGE_BYTES", "MAX_RECIPIENTS", "AuthMode", "TimeArg", "message_id"),
    ".models": (
        "CustomHeaders",
        "EmailAddress",
        "ErrorData",
        "ErrorEnvelope",
        "ErrorFieldMessages",
        "MessageAttachment",
        "MessageBody",
        "MessageInfo",
        "MessagePart",
        "MessagesListData",
        "MessagesListResponse",
        "Originator",
        "Recipients",
        "SendMessageRequest",
        "SendMessageResponse",
        "SendMessageResponseData",
        "SendMimeMessageRequest",
        "V4MessagesGetEvent",
    ),
}

ALIASES = {"SMTPcomError": ("._runtime.errors", "ClientError")}
