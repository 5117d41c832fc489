"""SendClean: a template send, the legacy GET, and the delivery data by X-Unique-Id.

SENDCLEAN_OWNER_ID=... SENDCLEAN_TOKEN=... SENDCLEAN_SMTP_USER_NAME=... python examples/sendclean_template.py
(SENDCLEAN_BASE_URL=http://127.0.0.1:8025/sendclean/v1.0 for the local sandbox)
"""

from __future__ import annotations

from sendclean_client import (
    AuthenticationError,
    Recipient,
    SendClean,
    SendResult,
    TemplateMessage,
    TemplateMessageDynamicValue,
)


def welcome(sendclean: SendClean, email: str, name: str) -> str:
    sent = sendclean.send_template(
        TemplateMessage(
            template_id="welcome",
            subject=f"Welcome, {name}",
            from_email="team@example.com",
            to=[Recipient(email=email, name=name)],
            dynamic_value=TemplateMessageDynamicValue.from_dict({"NAME": name, "Email": email}),
        )
    )
    # The message's X-Unique-Id: yours if headers=MessageHeaders(x_unique_id=...) set one,
    # otherwise a random one the client added. get_message_info finds the message by it.
    return sent.id


def password_reset(sendclean: SendClean, email: str, link: str) -> SendResult:
    # The vendor's sendTemplateHTTPGet: every argument, the token too, travels in the URL.
    return sendclean.send_template_http_get(
        template_id="password-reset",
        to=email,
        subject="Reset your password",
        from_email="team@example.com",
        dynamic_value={"NAME": email.split("@")[0], "LINK": link},
    )


def main() -> None:
    try:
        with SendClean() as sendclean:
            unique_id = welcome(sendclean, "ann@example.com", "Ann")
            password_reset(sendclean, "ann@example.com", "https://example.com/reset/abc")
            for item in sendclean.get_message_info(unique_id).message_data:
                print(item.email, item.status)
    except AuthenticationError as error:  # arrives with HTTP 200 and status "error"
        print("check SENDCLEAN_OWNER_ID / SENDCLEAN_TOKEN:", error)


if __name__ == "__main__":
    main()
