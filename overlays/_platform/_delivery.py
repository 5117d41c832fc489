"""SendClean/PowerEmail ``getMessageInfo`` rows as ``RecipientStatus`` rows (see ``_runtime/delivery.py``).

``getMessageInfo`` answers one row per recipient (``email``) of each message sent with an
``X-Unique-Id``; several messages may share the id. A row contributes its ``status`` at ``time``
(when the message was sent: the platform reports no separate delivery time), each open in
``openData`` and each click in ``clickData`` (``open``/``click`` counts without times count as one
event with no time). Every time is in milliseconds since the epoch, as an int or a string of
digits. Per recipient the furthest event wins (clicked, then opened, then a delivery result), and
among equals the latest. ``vendor_state`` is the row's ``status`` as received.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Final

from ._runtime.delivery import DeliveryState, RecipientStatus, furthest_per_recipient, parse_millis, state_of
from ._runtime.validate import as_text
from .models import MessageInfoItem, TrackingEvents
from .types import Unset

#: ``status`` (lower case) -> state: the known values in specs/sendclean.yaml and
#: specs/poweremail.yaml (``MessageInfoItem.status``), the webhook event names
#: (shared/notes/vendor-sendclean.md section 4), ``queued`` (the status the platform's return-value
#: tables give a send), and ``sent`` and ``rejected``, message states of the Mandrill API whose
#: clients the platform's own clients are (notes section 3).
PLATFORM_STATES: Final[Mapping[str, DeliveryState]] = {
    "send": "accepted",
    "sent": "accepted",
    "queued": "accepted",
    "delivered": "delivered",
    "soft_bounce": "deferred",
    "hard_bounce": "bounced",
    "rejected": "failed",
    # A spam complaint comes from a recipient who got the message (Mandrill's "spam" state).
    "spam": "delivered",
    "open": "opened",
    "click": "clicked",
}


def statuses_from_rows(rows: Sequence[MessageInfoItem]) -> list[RecipientStatus]:
    """One row per recipient found in the message's info rows."""
    return furthest_per_recipient(event for row in rows for event in _events(row))


def _events(row: MessageInfoItem) -> Iterator[RecipientStatus]:
    recipient = as_text(row.email) or ""
    status = as_text(row.status) or ""
    yield RecipientStatus(recipient, state_of(status, PLATFORM_STATES), status, parse_millis(row.time))
    for at in _event_times(row.open_data, row.open_):
        yield RecipientStatus(recipient, "opened", status, at)
    for at in _event_times(row.click_data, row.click):
        yield RecipientStatus(recipient, "clicked", status, at)


def _event_times(events: TrackingEvents | Unset, count: int | Unset) -> list[datetime | None]:
    """The time of each tracked open or click; a positive count with no times listed is one
    event with no time."""
    times = [] if isinstance(events, Unset) or isinstance(events.time, Unset) else events.time
    if times:
        return [parse_millis(value) for value in times]
    return [None] if isinstance(count, int) and count > 0 else []
