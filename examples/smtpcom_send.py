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
)


def send_order_mail(smtp: SMTPcom, channel: str) -> str:
    sent = smtp.send_message(
        SendMessageRequest(
            channel=channel,
            recipients=Recipients(to=[EmailAddress(address="jane@example.com", name="Jane")]),
            originator=Originator(from_=EmailAddress(address="shop@example.com", name="Shop")),
            subject="Your order",
            body=MessageBody(parts=[MessagePart(type_="text/plain", content="Thanks for your order.")]),
        )
    )
    return sent.id  # the msg_id, a plain str


def send_stdlib_message(smtp: SMTPcom, channel: str) -> str:
    msg = EmailMessage()
    msg["From"] = "Shop <shop@example.com>"
    msg["To"] = "jane@example.com"
    msg["Bcc"] = "audit@example.com"  # delivered, but stripped from the MIME that is sent
    msg["Subject"] = "Hello"
    msg.set_content("Hi Jane")
    return smtp.send_email_message(msg, channel=channel).id


def recent(smtp: SMTPcom, channel: str, msg_id: str) -> MessagesListResponse | None:
    start = datetime.now(UTC) - timedelta(hours=1)
    try:
        # with_raw_response: the same call, plus the HTTP status and headers of the answer
        raw = smtp.with_raw_response.list_messages(channel, start=start, limit=10, msg_id=msg_id)
    except NotFoundError:
        return None  # unknown channel
    print("HTTP", raw.status_code, raw.headers.get("content-type"))
    return raw.parse()


def main() -> None:
    with SMTPcom() as smtp:  # Authorization: Bearer <key>; or auth="header" / "query" / "basic"
        msg_id = send_order_mail(smtp, "sandbox")
        print("sent", msg_id, "and", send_stdlib_message(smtp, "sandbox"))
        listed = recent(smtp, "sandbox", msg_id)
        items = listed.data.items if listed is not None else None
        print(f"{len(items or [])} log entries for {msg_id}")


if __name__ == "__main__":
    main()
