"""``delivery_status`` end to end, against the sandbox on 127.0.0.1.

Each vendor sends one message to two recipients: one the sandbox delivers, and one whose address
starts with ``bounce``, which the sandbox ends as a hard bounce (Paubox ``hard bounced``, SMTP.com
``failed``, SendClean/PowerEmail ``hard_bounce``). ``delivery_status(sent.id)`` then gives one row
per recipient with our state, the vendor's own word and a timezone-aware time: Paubox as RFC 2822
text, SMTP.com as RFC 2822 text, the platform as epoch milliseconds. The sandbox's first Paubox
receipt read still shows ``processing``.

Every vendor runs with the sync client; the async client runs once per implementation (Paubox,
SMTP.com, and the platform's, which SendClean and PowerEmail share).
"""

from __future__ import annotations

import importlib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from paubox_client import Paubox
from support.clients import make_client, paubox_message, platform_message, resolve, smtpcom_message

from sandbox import config as sb
from sandbox.testing import SandboxHandle

GOOD = "jane@example.com"
BOUNCING = f"{sb.BOUNCE_PREFIX}-jack@example.com"
# (recipient, state, the vendor's state) once the sandbox has settled the message
SETTLED = {
    "paubox": [(GOOD, "delivered", "delivered"), (BOUNCING, "bounced", "hard bounced")],
    "smtpcom": [(GOOD, "delivered", "delivered"), (BOUNCING, "bounced", "failed")],
    "sendclean": [(GOOD, "delivered", "delivered"), (BOUNCING, "bounced", "hard_bounce")],
    "poweremail": [(GOOD, "delivered", "delivered"), (BOUNCING, "bounced", "hard_bounce")],
}


def send(vendor: str, client: Any) -> Any:
    """The send call (its result, or the awaitable of it) of one message to ``GOOD`` and ``BOUNCING``."""
    if vendor == "paubox":
        return client.send_message(paubox_message(recipients=[f"Jane <{GOOD}>", BOUNCING]))
    if vendor == "smtpcom":
        from smtpcom_client import EmailAddress, Recipients

        to = [EmailAddress(address=GOOD, name="Jane"), EmailAddress(address=BOUNCING)]
        return client.send_message(smtpcom_message(recipients=Recipients(to=to)))
    recipient = importlib.import_module(f"{vendor}_client.models").Recipient
    return client.send_mail(
        platform_message(vendor, to=[recipient(email=GOOD, name="Jane"), recipient(email=BOUNCING)])
    )


def delivery_status(vendor: str, client: Any, message_id: str) -> Any:
    if vendor == "smtpcom":
        return client.delivery_status(message_id, channel=sb.SMTPCOM_CHANNEL)
    return client.delivery_status(message_id)


async def check_delivery_status(sandbox: SandboxHandle, vendor: str, async_: bool) -> None:
    client = make_client(vendor, async_=async_, base_url=sandbox.base_url(vendor))
    try:
        before = datetime.now(UTC)
        sent = await resolve(send(vendor, client))
        if vendor == "paubox":  # the sandbox's first receipt read: nothing delivered yet, no times
            first = await resolve(delivery_status(vendor, client, sent.id))
            assert [(s.recipient, s.state, s.vendor_state, s.at) for s in first] == [
                (GOOD, "accepted", "processing", None),
                (BOUNCING, "accepted", "processing", None),
            ]
        statuses = await resolve(delivery_status(vendor, client, sent.id))
        after = datetime.now(UTC)
    finally:
        await resolve(client.aclose() if async_ else client.close())
    assert [(s.recipient, s.state, s.vendor_state) for s in statuses] == SETTLED[vendor]
    for status in statuses:
        # the vendor's time, read in its own format (whole seconds for RFC 2822)
        assert status.at is not None and status.at.utcoffset() is not None
        assert before - timedelta(seconds=1) <= status.at <= after, (status.at, before, after)


@pytest.mark.parametrize("vendor", ["paubox", "smtpcom", "sendclean", "poweremail"])
async def test_delivery_status(sandbox: SandboxHandle, vendor: str) -> None:
    await check_delivery_status(sandbox, vendor, async_=False)


@pytest.mark.parametrize("vendor", ["paubox", "smtpcom", "sendclean"])
async def test_delivery_status_async(sandbox: SandboxHandle, vendor: str) -> None:
    await check_delivery_status(sandbox, vendor, async_=True)


@pytest.mark.parametrize(("style", "delivery_time"), [("null", None), ("empty", ""), ("absent", "left out")])
def test_paubox_time_not_known_yet(sandbox: SandboxHandle, style: str, delivery_time: str | None) -> None:
    """While Paubox has no delivery time it sends ``null``, ``""`` or leaves the key out; each is
    ``at=None``."""
    sandbox.configure(paubox_unset_style=style, paubox_processing_reads=2)
    with Paubox(sb.PAUBOX_API_KEY, api_username=sb.PAUBOX_USERNAME, base_url=sandbox.base_url("paubox")) as paubox:
        sent = paubox.send_message(paubox_message(recipients=[GOOD]))
        receipt = paubox.with_raw_response.get_message_receipt(sent.id).http_response.json()
        status = receipt["data"]["message"]["message_deliveries"][0]["status"]
        assert status.get("deliveryTime", "left out") == delivery_time  # the form under test
        statuses = paubox.delivery_status(sent.id)
    assert [(s.recipient, s.state, s.vendor_state, s.at) for s in statuses] == [(GOOD, "accepted", "processing", None)]
