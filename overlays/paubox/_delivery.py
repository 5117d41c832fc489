"""Paubox receipts as ``RecipientStatus`` rows (see ``_runtime/delivery.py``).

A receipt (``GET /message_receipt``) has one ``message_deliveries`` entry per recipient, with the
``deliveryStatus`` string and RFC 2822 times. ``vendor_state`` is always ``deliveryStatus`` as
received. Open and click data (single-recipient messages only) raise ``state`` above it: an
``openedStatus`` of ``opened`` gives ``opened`` at ``openedTime``, and a ``total_click_count`` above
zero on a single-recipient receipt gives ``clicked`` (Paubox reports no click time, so ``at`` stays
the open or delivery time).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from ._runtime.delivery import DeliveryState, RecipientStatus, parse_when, state_of
from ._runtime.validate import as_text
from .models import MessageReceiptResponse

#: ``deliveryStatus`` (lower case) -> state. The spec's known values (specs/paubox.yaml
#: ``DeliveryStatus.deliveryStatus``, exact strings from Paubox's SDKs), plus ``pending``, which
#: paubox-rust's mocked receipt shows.
PAUBOX_STATES: Final[Mapping[str, DeliveryState]] = {
    "processing": "accepted",
    "pending": "accepted",
    # The recipient's server did not offer TLS, so Paubox is delivering the message as a Secure
    # Portal message instead (what ``allowNonTLS: false`` asks for). Nothing failed and nothing will
    # be retried; the next state is "delivered via secure portal". Still on its way: accepted.
    "tls not offered, sending via secure portal": "accepted",
    "soft bounced": "deferred",
    "soft bounced - mailbox full": "deferred",
    "hard bounced": "bounced",
    "internal error. please check back later.": "failed",
    "delivered": "delivered",
    "delivered via secure portal": "delivered",
}


def statuses_from_receipt(receipt: MessageReceiptResponse) -> list[RecipientStatus]:
    """One row per recipient of the receipt (none while ``message_deliveries`` is still empty)."""
    message = receipt.data.message
    deliveries = message.message_deliveries
    clicked = len(deliveries) == 1 and isinstance(message.total_click_count, int) and message.total_click_count > 0
    rows: list[RecipientStatus] = []
    for delivery in deliveries:
        status = delivery.status
        vendor_state = as_text(status.delivery_status) or ""
        state = state_of(vendor_state, PAUBOX_STATES)
        at = parse_when(status.delivery_time)
        if (as_text(status.opened_status) or "").strip().lower() == "opened":
            state = "opened"
            at = parse_when(status.opened_time) or at
        if clicked:
            state = "clicked"
        rows.append(RecipientStatus(as_text(delivery.recipient) or "", state, vendor_state, at))
    return rows
