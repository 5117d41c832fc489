"""SMTP.com message items as ``RecipientStatus`` rows (see ``_runtime/delivery.py``).

``GET /v4/messages`` lists one item per recipient (``msg_data.rcpt_to``). Each item contributes
its delivery event (``details.delivery.event``, at ``details.delivery.finished``, or at the send
time ``msg_time`` while there is none) and every open and click (``open_time``, ``click_time``;
found beside ``details`` as the vendor documents them, or inside it as its PHP SDK's fixtures
have them). Per recipient the furthest event wins (clicked, then opened, then a delivery result),
and among equals the latest. ``vendor_state`` is the delivery event as received.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Final

from ._runtime.delivery import DeliveryState, RecipientStatus, furthest_per_recipient, parse_when, state_of
from ._runtime.validate import as_text
from .models import ClickEvents, MessageInfo, OpenEvents
from .types import Unset

#: Event names (lower case) -> state: the delivery events of ``DeliveryInfo.event`` in
#: specs/smtpcom.yaml (``delivered``, ``failed``, ``queued``, and ``bounced``, which WP Mail SMTP
#: checks), and the event names of SMTP.com's ``event`` filter, statistics and callbacks
#: (shared/notes/vendor-smtpcom.md sections 5 and 6).
SMTPCOM_STATES: Final[Mapping[str, DeliveryState]] = {
    # A listed item without a delivery event: SMTP.com has the message (its ``event=accepted``
    # filter matches every listed message) and reports no delivery result yet.
    "": "accepted",
    "accepted": "accepted",
    "received": "accepted",  # callback: "accepted by SMTP.com"
    "queued": "deferred",  # callback: "transient"; waiting for another delivery attempt
    "delivered": "delivered",
    "failed": "bounced",  # callback: "failed (bounced)"; the peer's permanent 5xx reply
    "bounced": "bounced",
    "hard": "bounced",  # statistics
    "hard_bounced": "bounced",  # callback
    "bounceback": "bounced",  # callback: a bounce message returned after the peer accepted it
    # A complaint or an unsubscribe comes from a recipient who got the message.
    "complained": "delivered",
    "unsubscribed": "delivered",
    "opened": "opened",
    "clicked": "clicked",
}


def statuses_from_items(items: Sequence[MessageInfo]) -> list[RecipientStatus]:
    """One row per recipient found in the listed items of one message."""
    return furthest_per_recipient(event for item in items for event in _events(item))


def _events(item: MessageInfo) -> Iterator[RecipientStatus]:
    recipient = "" if isinstance(item.msg_data, Unset) else as_text(item.msg_data.rcpt_to) or ""
    details = None if isinstance(item.details, Unset) else item.details
    delivery = None if details is None or isinstance(details.delivery, Unset) else details.delivery
    event = "" if delivery is None else as_text(delivery.event) or ""
    finished = None if delivery is None else parse_when(delivery.finished)
    yield RecipientStatus(recipient, state_of(event, SMTPCOM_STATES), event, finished or parse_when(item.msg_time))
    for opens in (item.opens, None if details is None else details.opens):
        if isinstance(opens, OpenEvents) and not isinstance(opens.items, Unset):
            for opened in opens.items:
                yield RecipientStatus(recipient, "opened", event, parse_when(opened.open_time))
    for clicks in (item.clicks, None if details is None else details.clicks):
        if isinstance(clicks, ClickEvents) and not isinstance(clicks.items, Unset):
            for clicked in clicks.items:
                yield RecipientStatus(recipient, "clicked", event, parse_when(clicked.click_time))
