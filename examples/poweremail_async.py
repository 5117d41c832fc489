"""PowerEmail, async: send several messages concurrently with an attachment each.

    POWEREMAIL_OWNER_ID=... POWEREMAIL_TOKEN=... POWEREMAIL_APP_DOMAIN=... POWEREMAIL_SMTP_USER_NAME=... \\
        python examples/poweremail_async.py
(POWEREMAIL_BASE_URL=http://127.0.0.1:8025/poweremail/v1.0 instead of the app domain for the local sandbox)
"""

from __future__ import annotations

import asyncio
import base64

from poweremail_client import (
    AsyncPowerEmail,
    Attachment,
    ClientError,
    Message,
    Recipient,
    RetryPolicy,
)


def invoice(to: str, number: int) -> Message:
    content = base64.b64encode(f"Invoice {number}\n".encode()).decode("ascii")
    return Message(
        subject=f"Invoice {number}",
        from_email="billing@example.com",
        to=[Recipient(email=to)],
        text=f"Invoice {number} is attached.",
        attachments=[Attachment(type_="text/plain", name=f"invoice-{number}.txt", content=content)],
    )


async def send_all(recipients: list[str]) -> dict[str, str]:
    """recipient -> the X-Unique-Id of its message, or why it was not sent."""
    # 3 retries instead of 2; sends are still never repeated once they may have been delivered.
    async with AsyncPowerEmail(retry=RetryPolicy(max_retries=3)) as poweremail:

        async def one(number: int, to: str) -> str:
            try:
                sent = await poweremail.send_mail(invoice(to, number), timeout=10)
            except ClientError as error:
                return f"not sent: {error}"
            return sent.id

        outcomes = await asyncio.gather(*(one(n, to) for n, to in enumerate(recipients, 1)))
        return dict(zip(recipients, outcomes, strict=True))


if __name__ == "__main__":
    for recipient, outcome in asyncio.run(send_all(["a@example.com", "b@example.com"])).items():
        print(recipient, outcome)
