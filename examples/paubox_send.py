"""Send a message with an attachment through Paubox and read its receipt.

PAUBOX_API_KEY=... python examples/paubox_send.py
(with PAUBOX_API_USERNAME=... too, the legacy host https://api.paubox.net/v1/<username>;
PAUBOX_BASE_URL=http://127.0.0.1:8025/paubox/v1/{api_username} for the local sandbox)
"""

from __future__ import annotations

import base64

from paubox_client import (
    Attachment,
    Message,
    MessageContent,
    MessageHeaders,
    MessageReceiptResponse,
    NotFoundError,
    Paubox,
)


def build_message(to: str, sender: str) -> Message:
    headers = MessageHeaders(subject="Your lab results", from_=sender)
    headers["X-Campaign-Id"] = "results-2026"  # any X- header travels in message.headers
    return Message(
        recipients=[to],
        headers=headers,
        content=MessageContent(textplain="Your results are ready.", texthtml="<p>Your results are ready.</p>"),
        attachments=[
            Attachment(
                file_name="results.txt",
                content_type="text/plain",
                content=base64.b64encode(b"all clear").decode("ascii"),
            )
        ],
    )


def send_and_check(paubox: Paubox, to: str, sender: str) -> MessageReceiptResponse | None:
    sent = paubox.send_message(build_message(to, sender), override_open_tracking=True)
    print("sent, sourceTrackingId", sent.id)  # a plain str
    try:
        return paubox.get_message_receipt(sent.id)
    except NotFoundError:
        return None  # receipts can lag a moment behind the send


def main() -> None:
    with Paubox() as paubox:  # PAUBOX_API_KEY (and PAUBOX_API_USERNAME, PAUBOX_BASE_URL if set)
        receipt = send_and_check(paubox, "patient@example.com", "clinic@verified.example.com")
        if receipt is None:
            print("no receipt yet")
            return
        for delivery in receipt.data.message.message_deliveries:
            print(delivery.recipient, delivery.status.delivery_status)


if __name__ == "__main__":
    main()
