"""Send email from Celery workers through one module-level client.

    CELERY_BROKER_URL=redis://127.0.0.1:6379/0 PAUBOX_API_KEY=... \
        celery -A examples.celery.tasks worker --pool=prefork --concurrency=2

The client below is created when the worker imports this module, in its main process, before the
prefork pool forks its children: the way Celery apps are usually written. Nothing needs to be done
about the fork: a client notices that it runs in a new process and opens that process's own
connections, so two processes never share a socket (or read each other's responses).

Enqueue from anywhere that can reach the broker:

    send_notification.delay("patient@example.com", "Your results", "Your results are ready.")
"""

from __future__ import annotations

import os
from typing import Any, TypedDict

# Celery ships no type hints (the celery-types package has them), so mypy sees its names as Any.
from celery import Celery, Task  # type: ignore[attr-defined, import-untyped, unused-ignore]
from paubox_client import (
    APIConnectionError,
    ClientError,
    Message,
    MessageContent,
    MessageHeaders,
    Paubox,
    RateLimitError,
    ResponseParseError,
    ServerError,
)

app = Celery("examples.celery.tasks", config_source="examples.celery.celeryconfig")

#: The one client of this worker: PAUBOX_API_KEY (and PAUBOX_BASE_URL) from the environment.
paubox = Paubox()

SENDER = os.environ.get("NOTIFICATION_SENDER", "Clinic <clinic@example.com>")
#: Every message carries the id of the task that sent it, so a message can be traced to its task
#: (and a task redelivered after a crash to the message it may already have sent).
TASK_ID_HEADER = "X-Celery-Task-Id"
#: Statuses a vendor answers without having processed the request: sending again cannot duplicate.
NOT_PROCESSED = frozenset({502, 503, 504})


class Sent(TypedDict):
    """What `send_notification` returns (as JSON, through the result backend)."""

    message_id: str  # Paubox's sourceTrackingId
    task_id: str  # the Celery task id, as sent in the X-Celery-Task-Id header
    pid: int  # the worker process that sent the message


def safe_to_retry(error: ClientError) -> bool:
    """Whether the message certainly did not go out, so that sending it again cannot deliver it twice.

    The client has already retried these a few times within seconds; a Celery retry tries again later.
    """
    if isinstance(error, APIConnectionError | ResponseParseError):
        return not error.may_have_been_sent  # False after a read timeout, a dropped connection, a 2xx
    if isinstance(error, RateLimitError):
        return True
    return isinstance(error, ServerError) and error.status_code in NOT_PROCESSED  # not a 500


@app.task(bind=True, acks_late=True, max_retries=5, default_retry_delay=30)  # type: ignore[untyped-decorator, unused-ignore]
def send_notification(self: Task[Any, Any], to: str, subject: str, text: str) -> Sent:
    """Send one message; retry later, through the broker, only when it cannot have gone out."""
    task_id = str(self.request.id)  # the same id again when the broker redelivers the task
    headers = MessageHeaders(subject=subject, from_=SENDER)
    headers[TASK_ID_HEADER] = task_id
    message = Message(recipients=[to], headers=headers, content=MessageContent(textplain=text))
    try:
        sent = paubox.send_message(message)
    except ClientError as error:
        if not safe_to_retry(error):
            raise  # it may have been delivered (or can never be): fail the task, do not resend
        countdown = error.retry_after if isinstance(error, RateLimitError) else None
        raise self.retry(exc=error, countdown=countdown) from error  # pyright: ignore[reportUnknownMemberType]
    return {"message_id": sent.id, "task_id": task_id, "pid": os.getpid()}
