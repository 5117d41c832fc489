"""sendclean_client.testing / poweremail_client.testing FakeAPI: what it records and how it answers.

The two brands share one fake (written once for the platform); SendClean stands for both, except
where the brands answer differently.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import poweremail_client
import poweremail_client.testing
import pytest
from sendclean_client import Message, MessageHeaders, Recipient, SendClean, TemplateMessage
from sendclean_client.testing import FakeAPI


def welcome(*to: str, unique_id: str | None = None) -> Message:
    message = Message(
        subject="Welcome",
        from_email="hello@example.com",
        to=[Recipient(email=address) for address in to],
        html="<p>Welcome aboard.</p>",
        text="Welcome aboard.",
    )
    if unique_id is not None:
        message.headers = MessageHeaders(x_unique_id=unique_id)
    return message


@pytest.fixture
def fake() -> FakeAPI:
    return FakeAPI()


@pytest.fixture
def sendclean(fake: FakeAPI) -> Iterator[SendClean]:
    with SendClean("any-owner", "any-token", smtp_user_name="smtp-user", transport=fake.transport) as client:
        yield client


def test_a_send_is_recorded_as_the_parsed_message_and_answered_like_the_platform(
    sendclean: SendClean, fake: FakeAPI
) -> None:
    sent = sendclean.send_mail(welcome("jane@example.com"))

    message = fake.sent[0]
    assert isinstance(message, Message)
    assert message.subject == "Welcome"
    assert isinstance(message.headers, MessageHeaders)
    assert message.headers.x_unique_id == sent.id  # the id the client added to the request
    assert (sent.response.status, sent.response.message) == ("success", "message have been Queued ... ")


def test_message_info_has_a_row_per_recipient_of_the_messages_with_that_unique_id(sendclean: SendClean) -> None:
    sent = sendclean.send_mail(welcome("jane@example.com", "john@example.com"))
    sendclean.send_mail(welcome("other@example.com"))

    rows = sendclean.get_message_info(sent.id).message_data
    unknown = sendclean.get_message_info("never-sent").message_data

    assert [(row.email, row.status, row.subject) for row in rows] == [
        ("jane@example.com", "delivered", "Welcome"),
        ("john@example.com", "delivered", "Welcome"),
    ]
    assert unknown == []
    assert [s.state for s in sendclean.delivery_status(sent.id)] == ["delivered", "delivered"]


def test_message_info_comes_in_pages_of_100(sendclean: SendClean) -> None:
    recipients = [f"member{n}@example.com" for n in range(150)]
    sendclean.send_mail(welcome(*recipients[:70], unique_id="newsletter-7"))
    sendclean.send_mail(welcome(*recipients[70:], unique_id="newsletter-7"))

    pages = [sendclean.get_message_info("newsletter-7", skip_page=page).message_data for page in range(3)]
    walked = [row.email for row in sendclean.iter_message_info("newsletter-7")]

    assert [len(page) for page in pages] == [100, 50, 0]
    assert walked == recipients


def test_template_sends_are_recorded_as_template_messages(sendclean: SendClean, fake: FakeAPI) -> None:
    sendclean.send_template(TemplateMessage(template_id="welcome-v2", to=[Recipient(email="jane@example.com")]))
    sendclean.send_template_http_get(
        template_id="welcome-v2",
        to="john@example.com",
        subject="Welcome",
        from_email="hello@example.com",
        dynamic_value={"NAME": "John"},
    )

    assert all(isinstance(m, TemplateMessage) for m in fake.sent)
    assert [m.to_dict()["to"][0]["email"] for m in fake.sent] == ["jane@example.com", "john@example.com"]
    assert fake.sent[1].to_dict()["dynamic_value"] == {"NAME": "John"}


def _sendclean_template() -> str:
    fake = FakeAPI()
    with SendClean("o", "t", smtp_user_name="u", transport=fake.transport) as client:
        message = TemplateMessage(template_id="t", to=[Recipient(email="jane@example.com")])
        return client.send_template(message).response.message


def _poweremail_template() -> str:
    fake = poweremail_client.testing.FakeAPI()
    with poweremail_client.PowerEmail("o", "t", smtp_user_name="u", transport=fake.transport) as client:
        message = poweremail_client.TemplateMessage(
            template_id="t", to=[poweremail_client.Recipient(email="jane@example.com")]
        )
        return client.send_template(message).response.message


@pytest.mark.parametrize(
    ("send", "said"),
    [(_sendclean_template, "message have been Queued ... "), (_poweremail_template, "250 Message Queued...")],
    ids=["sendclean", "poweremail"],
)
def test_a_template_send_answers_with_the_brand_s_own_words(send: Callable[[], str], said: str) -> None:
    assert send() == said


@pytest.mark.parametrize(
    ("path", "options", "said"),
    [
        ("/messages/sendMail", {"content": b"{"}, "body is not valid JSON"),
        ("/messages/sendMail", {"json": {"owner_id": "o", "token": "t"}}, "smtp_user_name is required"),
        (
            "/messages/sendMail",
            {"json": {"owner_id": "o", "token": "t", "smtp_user_name": "u", "message": {"to": []}}},
            "message.html message.html or message.text content is required",
        ),
    ],
    ids=["not-json", "no-smtp-user", "no-content"],
)
def test_a_request_the_platform_would_refuse_gets_its_validation_error_with_http_200(
    fake: FakeAPI, path: str, options: dict[str, Any], said: str
) -> None:
    with httpx.Client(transport=fake.transport, base_url="https://api.us1-mta1.sendclean.net/v1.0") as http:
        response = http.post(path, **options)

    assert response.status_code == 200
    assert response.json() == {"status": "error", "code": -1, "name": "ValidationError", "message": said}
    assert fake.sent == []
