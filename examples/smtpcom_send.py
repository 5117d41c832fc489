"""Send through SMTP.com (JSON message, then a stdlib EmailMessage) and find it in the message log.

SMTPCOM_API_KEY=... python examples/smtpcom_send.py
(SMTPCOM_BASE_URL=http://127.0.0.1:8025/smtpcom for the local sandbox, channel "sandbox")
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

from smtpcom_client import (
    EmailAddress,
    MessageBody,
    MessagePart,
    MessagesListResponse,
    NotFoundError,
    Originator,
    Recipients,
    SendMessageRequest,
    SMTPcom,
    message_id,
)


def send_order_mail(smtp: SMTPcom, channel: str) -> str | None:
    sent = smtp.send_message(
        SendMessageRequest(
            channel=channel,
            recipients=Recipients(to=[EmailAddress(address="jane@example.com", name="Jane")]),
            originator=Originator(from_=EmailAddress(address="shop@example.com", name="Shop")),
            subject="Your order",
            body=MessageBody(parts=[MessagePart(type_="text/plain", content="Thanks for your order.")]),
        )
    )
    return message_id(sent)


def send_stdlib_message(smtp: SMTPcom, channel: str) -> str | None:
    msg = EmailMessage()
    msg["From"] = "Shop <shop@example.com>"
    msg["To"] = "jane@example.com"
    msg["Bcc"] = "audit@example.com"  # delivered, but stripped from the MIME that is sent
    msg["Subject"] = "Hello"
    msg.set_content("Hi Jane")
    return message_id(smtp.send_email_message(msg, channel=channel))


def recent(smtp: SMTPcom, channel: str, msg_id: str) -> MessagesListResponse | None:
    try:
        return smtp.list_messages(channel, start=datetime.now(UTC) - timedelta(hours=1), limit=10, msg_id=msg_id)
    except NotFoundError:
        return None  # unknown channel


def main() -> None:
    with SMTPcom(auth="header") as smtp:  # or auth="query" / auth="basic"
        msg_id = send_order_mail(smtp, "sandbox")
        send_stdlib_message(smtp, "sandbox")
        print(recent(smtp, "sandbox", msg_id) if msg_id else "no msg_id in the reply")


if __name__ == "__main__":
    main()
