"""Public names of paubox_client (read by scripts/generate.py, which writes the package ``__init__``).
A name from an ``_async`` module brings its derived sync twin along."""

PACKAGE_DOC = """Typed client for the Paubox Email API v1.

    from paubox_client import Paubox

    with Paubox() as paubox:  # PAUBOX_API_KEY
        sent = paubox.send_message(message)
        receipt = paubox.get_message_receipt(sent.id)

Names load on first use, so importing the package costs little more than importing httpx.
"""

PUBLIC = {
    "._async.client": ("AsyncPaubox", "AsyncPauboxWithRawResponse"),
    ".attachments": ("MAX_ATTACHMENT_BYTES", "attachment_from_bytes", "attachment_from_path"),
    ".bulk": ("BulkChunkFailure", "BulkSendError", "BulkSendResult"),
    ".models": (
        "Attachment",
        "BulkSendResponse",
        "ErrorResponse",
        "Message",
        "MessageContent",
        "MessageHeaders",
        "MessageReceiptErrorResponse",
        "MessageReceiptResponse",
        "SingleSendResponse",
    ),
}

ALIASES = {"PauboxError": ("._runtime.errors", "ClientError")}
