"""``delivery_status`` as pure functions: every vendor state and date form the specs and the vendor
notes show, each vendor's rules for opens, clicks and several events, and odd bodies.

The runtime (``parse_when``, ``parse_millis``, ``state_of``, ``furthest_per_recipient``) is copied
into every package unchanged, so it is tested once, through ``paubox_client._runtime``. The
platform converter is one source for SendClean and PowerEmail; it is tested through
``sendclean_client`` (the specs' examples of both brands run through their own package).

Sources of the values (``shared/notes/`` is the vendor research the specs were written from):
Paubox ``deliveryStatus``/``openedStatus`` and RFC 2822 times: specs/paubox.yaml ``DeliveryStatus``
and its receipt examples (notes vendor-paubox.md section 3.3, vendor-realworld.md). SMTP.com
delivery events, ``msg_time`` (RFC 2822 or epoch seconds) and event names: specs/smtpcom.yaml
``DeliveryInfo``/``MessageSentTime`` and its list examples (notes vendor-smtpcom.md sections 4.3,
5, 6). SendClean/PowerEmail ``status`` and millisecond times: specs/sendclean.yaml,
specs/poweremail.yaml ``MessageInfoItem`` (notes vendor-sendclean.md sections 2 and 4).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Protocol

import pytest
import yaml
from paubox_client._delivery import PAUBOX_STATES, statuses_from_receipt
from paubox_client._runtime.delivery import (
    DeliveryState,
    RecipientStatus,
    furthest_per_recipient,
    parse_millis,
    parse_when,
    state_of,
)
from paubox_client.models import MessageReceiptResponse
from paubox_client.types import UNSET
from sendclean_client._delivery import PLATFORM_STATES, statuses_from_rows
from sendclean_client.models import MessageInfoItem, MessageInfoResult
from smtpcom_client._delivery import SMTPCOM_STATES, statuses_from_items
from smtpcom_client.models import MessageInfo, MessagesListResponse

ROOT = Path(__file__).resolve().parents[2]
ANN = "ann@example.com"

# Each package has its own copy of the runtime, so a row is compared as a tuple, not as one
# package's RecipientStatus.
Row = tuple[str, DeliveryState, str, datetime | None]


class Status(Protocol):
    @property
    def recipient(self) -> str: ...
    @property
    def state(self) -> DeliveryState: ...
    @property
    def vendor_state(self) -> str: ...
    @property
    def at(self) -> datetime | None: ...


def row(recipient: str, state: DeliveryState, vendor_state: str, at: datetime | None) -> Row:
    return (recipient, state, vendor_state, at)


def rows(statuses: Sequence[Status]) -> list[Row]:
    return [(s.recipient, s.state, s.vendor_state, s.at) for s in statuses]


def zone(hours: int) -> timezone:
    return timezone(timedelta(hours=hours))


# ----------------------------------------------------------------------------- parse_when

PDT = zone(-7)
# (value, expected): the expected datetime carries the offset the text gave (naive text is UTC).
DATE_FORMS: list[tuple[object, datetime | None]] = [
    # RFC 2822: Paubox deliveryTime/openedTime (specs/paubox.yaml examples, notes section 3.3)
    ("Mon, 23 Apr 2018 13:27:34 -0700", datetime(2018, 4, 23, 13, 27, 34, tzinfo=PDT)),
    ("Mon, 23 Apr 2018 13:27:51 -0700", datetime(2018, 4, 23, 13, 27, 51, tzinfo=PDT)),
    ("Mon, 23 Apr 2018 13:27:36 -0700", datetime(2018, 4, 23, 13, 27, 36, tzinfo=PDT)),
    # RFC 2822 with "-0000": SMTP.com msg_time and delivery.finished (PHP SDK fixture)
    ("Fri, 13 Aug 2021 10:22:49 -0000", datetime(2021, 8, 13, 10, 22, 49, tzinfo=UTC)),
    ("Fri, 13 Aug 2021 10:24:49 -0000", datetime(2021, 8, 13, 10, 24, 49, tzinfo=UTC)),
    ("Mon, 09 Aug 2021 10:22:49 -0000", datetime(2021, 8, 9, 10, 22, 49, tzinfo=UTC)),
    ("Mon, 09 Aug 2021 10:24:49 -0000", datetime(2021, 8, 9, 10, 24, 49, tzinfo=UTC)),
    # RFC 2822's zone names and comments; surrounding whitespace
    ("Mon, 23 Apr 2018 13:27:34 PDT", datetime(2018, 4, 23, 13, 27, 34, tzinfo=PDT)),
    ("Mon, 23 Apr 2018 13:27:34 EST", datetime(2018, 4, 23, 13, 27, 34, tzinfo=zone(-5))),
    ("Mon, 23 Apr 2018 20:27:34 GMT", datetime(2018, 4, 23, 20, 27, 34, tzinfo=UTC)),
    ("Mon, 23 Apr 2018 13:27:34 -0700 (PDT)", datetime(2018, 4, 23, 13, 27, 34, tzinfo=PDT)),
    ("23 Apr 2018 13:27 +0200", datetime(2018, 4, 23, 13, 27, tzinfo=zone(2))),
    ("  Mon, 23 Apr 2018 13:27:34 -0700\n", datetime(2018, 4, 23, 13, 27, 34, tzinfo=PDT)),
    # ISO 8601: Z, offsets, fractions, naive (read as UTC), a date alone
    ("2018-04-23T20:27:34Z", datetime(2018, 4, 23, 20, 27, 34, tzinfo=UTC)),
    ("2018-04-23T22:27:34+02:00", datetime(2018, 4, 23, 22, 27, 34, tzinfo=zone(2))),
    ("2018-04-23T20:27:34.250-05:00", datetime(2018, 4, 23, 20, 27, 34, 250000, tzinfo=zone(-5))),
    ("20180423T202734Z", datetime(2018, 4, 23, 20, 27, 34, tzinfo=UTC)),
    ("2018-04-23T20:27:34", datetime(2018, 4, 23, 20, 27, 34, tzinfo=UTC)),
    ("2018-04-23 20:27:34", datetime(2018, 4, 23, 20, 27, 34, tzinfo=UTC)),
    ("2018-04-23", datetime(2018, 4, 23, tzinfo=UTC)),
    # epoch seconds: SMTP.com msg_time (an integer in the vendor's spec, 0 in its placeholder
    # example), its callbacks' time_started/time_finished, and the same as text and floats
    (0, datetime(1970, 1, 1, tzinfo=UTC)),
    (1608037665, datetime(2020, 12, 15, 13, 7, 45, tzinfo=UTC)),
    (1608037668, datetime(2020, 12, 15, 13, 7, 48, tzinfo=UTC)),
    ("1608037665", datetime(2020, 12, 15, 13, 7, 45, tzinfo=UTC)),
    (1608037665.5, datetime(2020, 12, 15, 13, 7, 45, 500000, tzinfo=UTC)),
    ("1608037665.25", datetime(2020, 12, 15, 13, 7, 45, 250000, tzinfo=UTC)),
    # an aware datetime stays; a naive one is UTC
    (datetime(2018, 4, 23, 13, 27, tzinfo=PDT), datetime(2018, 4, 23, 13, 27, tzinfo=PDT)),
    (datetime(2018, 4, 23, 13, 27), datetime(2018, 4, 23, 13, 27, tzinfo=UTC)),
    # absent and empty: null, "" (paubox-rust: "empty strings instead of null"), left out (UNSET)
    (None, None),
    ("", None),
    ("   ", None),
    (UNSET, None),
    # unreadable: the placeholder texts of SMTP.com's examples, and words
    ("finished", None),
    ("open_time", None),
    ("click_time", None),
    ("Timestamp of when the message was opened", None),
    ("Timestamp of when message links were clicked", None),
    ("not yet", None),
    # not a complete, real point in time
    ("May 3", None),
    ("13:27", None),
    ("2018-02-30", None),
    ("Mon, 23 Apr 2018 25:27:34 -0700", None),
    ("Mon, 23 Apr 2018 13:27:34 CEST", None),  # a zone name RFC 2822 does not define
    (1458034022169, None),  # SendClean's milliseconds read as seconds: beyond the year 9999
    (float("nan"), None),
    (float("inf"), None),
    (True, None),
    (["2018-04-23"], None),
]


@pytest.mark.parametrize(("value", "expected"), DATE_FORMS, ids=[repr(v) for v, _ in DATE_FORMS])
def test_parse_when(value: object, expected: datetime | None) -> None:
    parsed = parse_when(value)
    assert parsed == expected
    if expected is not None:
        assert parsed is not None and parsed.utcoffset() == expected.utcoffset()


MILLIS_FORMS: list[tuple[object, datetime | None]] = [
    # SendClean/PowerEmail ``time`` (an int) and openData/clickData times (ints or digit strings)
    (1458034022169, datetime(2016, 3, 15, 9, 27, 2, 169000, tzinfo=UTC)),
    ("1458039067963", datetime(2016, 3, 15, 10, 51, 7, 963000, tzinfo=UTC)),
    (1458039067978, datetime(2016, 3, 15, 10, 51, 7, 978000, tzinfo=UTC)),
    (" 1458039069999 ", datetime(2016, 3, 15, 10, 51, 9, 999000, tzinfo=UTC)),
    (0, datetime(1970, 1, 1, tzinfo=UTC)),
    (None, None),
    ("", None),
    (UNSET, None),
    ("Mon, 23 Apr 2018 13:27:34 -0700", None),  # milliseconds only
    (True, None),
    (10**400, None),  # too large for a float
]


@pytest.mark.parametrize(("value", "expected"), MILLIS_FORMS, ids=[repr(v)[:20] for v, _ in MILLIS_FORMS])
def test_parse_millis(value: object, expected: datetime | None) -> None:
    assert parse_millis(value) == expected


def test_state_of_ignores_case_and_surrounding_space_and_maps_the_rest_to_unknown() -> None:
    table: Mapping[str, DeliveryState] = {"soft bounced": "deferred"}
    assert [state_of(raw, table) for raw in ("soft bounced", "Soft Bounced", " SOFT BOUNCED ")] == ["deferred"] * 3
    assert [state_of(raw, table) for raw in ("soft  bounced", "bounced", "")] == ["unknown"] * 3


# ------------------------------------------------------------------------ vendor state tables


def paubox_rows(raw: str) -> list[Row]:
    status = {"deliveryStatus": raw}
    body = {
        "sourceTrackingId": "t",
        "data": {"message": {"id": "<m@x>", "message_deliveries": [{"recipient": ANN, "status": status}]}},
    }
    return rows(statuses_from_receipt(MessageReceiptResponse.from_dict(body)))


def smtpcom_rows(raw: str) -> list[Row]:
    item = {"msg_id": "m", "msg_data": {"rcpt_to": ANN}, "details": {"delivery": {"event": raw}}}
    return rows(statuses_from_items([MessageInfo.from_dict(item)]))


def platform_rows(raw: str) -> list[Row]:
    return rows(statuses_from_rows([MessageInfoItem.from_dict({"email": ANN, "status": raw})]))


CONVERTERS: dict[str, Callable[[str], list[Row]]] = {
    "paubox": paubox_rows,
    "smtpcom": smtpcom_rows,
    "platform": platform_rows,
}
TABLES: dict[str, Mapping[str, DeliveryState]] = {
    "paubox": PAUBOX_STATES,
    "smtpcom": SMTPCOM_STATES,
    "platform": PLATFORM_STATES,
}

# (vendor, the vendor's state as received, our state)
VENDOR_STATES: list[tuple[str, str, DeliveryState]] = [
    # Paubox deliveryStatus: the spec's eight known values (exact strings) ...
    ("paubox", "processing", "accepted"),
    ("paubox", "TLS not offered, sending via Secure Portal", "accepted"),
    ("paubox", "soft bounced", "deferred"),
    ("paubox", "soft bounced - mailbox full", "deferred"),
    ("paubox", "hard bounced", "bounced"),
    ("paubox", "Internal error. Please check back later.", "failed"),
    ("paubox", "delivered", "delivered"),
    ("paubox", "delivered via secure portal", "delivered"),
    # ... "pending" from paubox-rust's mocked receipt (the spec's emptyStringTimestamps example) ...
    ("paubox", "pending", "accepted"),
    # ... in other cases, and states Paubox does not have
    ("paubox", "Delivered Via Secure Portal", "delivered"),
    ("paubox", "HARD BOUNCED", "bounced"),
    ("paubox", "queued", "unknown"),
    ("paubox", "quarantined by the recipient", "unknown"),
    ("paubox", "", "unknown"),
    # SMTP.com details.delivery.event: the spec's known values (vendor: delivered, failed, queued;
    # WP Mail SMTP: bounced) ...
    ("smtpcom", "delivered", "delivered"),
    ("smtpcom", "failed", "bounced"),
    ("smtpcom", "queued", "deferred"),
    ("smtpcom", "bounced", "bounced"),
    # ... the `event` filter's, the statistics' and the callbacks' event names (notes 5 and 6) ...
    ("smtpcom", "accepted", "accepted"),
    ("smtpcom", "received", "accepted"),
    ("smtpcom", "hard", "bounced"),
    ("smtpcom", "hard_bounced", "bounced"),
    ("smtpcom", "bounceback", "bounced"),
    ("smtpcom", "complained", "delivered"),
    ("smtpcom", "unsubscribed", "delivered"),
    ("smtpcom", "opened", "opened"),
    ("smtpcom", "clicked", "clicked"),
    # ... no event yet (the item is listed, so SMTP.com has the message), other cases, unknowns
    ("smtpcom", "", "accepted"),
    ("smtpcom", "Delivered", "delivered"),
    ("smtpcom", "event", "unknown"),  # the vendor spec's placeholder example
    ("smtpcom", "deferred", "unknown"),
    # SendClean/PowerEmail status: the specs' known values ...
    ("platform", "delivered", "delivered"),
    ("platform", "send", "accepted"),
    ("platform", "soft_bounce", "deferred"),
    ("platform", "hard_bounce", "bounced"),
    ("platform", "spam", "delivered"),
    ("platform", "open", "opened"),
    ("platform", "click", "clicked"),
    # ... "queued" (the return-value tables) and Mandrill's "sent" and "rejected" ...
    ("platform", "queued", "accepted"),
    ("platform", "sent", "accepted"),
    ("platform", "rejected", "failed"),
    # ... other cases and unknowns
    ("platform", "HARD_BOUNCE", "bounced"),
    ("platform", "soft-bounced", "unknown"),
    ("platform", "", "unknown"),
]


@pytest.mark.parametrize(("vendor", "raw", "expected"), VENDOR_STATES, ids=[f"{v}:{r!r}" for v, r, _ in VENDOR_STATES])
def test_vendor_state(vendor: str, raw: str, expected: DeliveryState) -> None:
    """Each vendor state maps to its state, the raw value is kept as received, and an unknown one is
    ``unknown`` (no time was given, so ``at`` is None)."""
    assert CONVERTERS[vendor](raw) == [row(ANN, expected, raw, None)]


@pytest.mark.parametrize("vendor", sorted(TABLES))
def test_every_table_entry_is_in_the_state_table_above(vendor: str) -> None:
    tested = {raw.lower() for v, raw, _ in VENDOR_STATES if v == vendor}
    assert set(TABLES[vendor]) <= tested


def known_values(spec: str, *keys: str) -> list[str]:
    """The backticked values of the "Known values" sentence in the description at ``keys`` of
    ``specs/<spec>.yaml`` (up to the first full stop outside backticks)."""
    node: Any = yaml.safe_load((ROOT / "specs" / f"{spec}.yaml").read_text(encoding="utf-8"))
    for key in keys:
        node = node[key]
    description: str = node["description"]
    values: list[str] = []
    for token in re.findall(r"`[^`]+`|\.(?:\s|$)", description[description.index("Known values") :]):
        if not token.startswith("`"):
            break
        values.append(token.strip("`"))
    return values


SPEC_STATES = [
    ("paubox", "paubox", ("components", "schemas", "DeliveryStatus", "properties", "deliveryStatus")),
    ("smtpcom", "smtpcom", ("components", "schemas", "DeliveryInfo", "properties", "event")),
    ("platform", "sendclean", ("components", "schemas", "MessageInfoItem", "properties", "status")),
    ("platform", "poweremail", ("components", "schemas", "MessageInfoItem", "properties", "status")),
]


@pytest.mark.parametrize(("vendor", "spec", "keys"), SPEC_STATES, ids=[spec for _, spec, _ in SPEC_STATES])
def test_every_state_the_spec_names_is_in_the_vendor_table(vendor: str, spec: str, keys: tuple[str, ...]) -> None:
    named = known_values(spec, *keys)
    assert len(named) >= 4, named  # the description still lists the values
    assert [value for value in named if value.lower() not in TABLES[vendor]] == []


# ------------------------------------------------------------------------ the specs' examples


def spec_examples(spec: str, path: str, method: str) -> dict[str, Any]:
    document: Any = yaml.safe_load((ROOT / "specs" / f"{spec}.yaml").read_text(encoding="utf-8"))
    examples = document["paths"][path][method]["responses"]["200"]["content"]["application/json"]["examples"]
    return {name: example["value"] for name, example in examples.items()}


def receipt_statuses(body: Any) -> list[Row]:
    return rows(statuses_from_receipt(MessageReceiptResponse.from_dict(body)))


def list_statuses(body: Any) -> list[Row]:
    items = MessagesListResponse.from_dict(body).data.items
    return rows(statuses_from_items(items if isinstance(items, list) else []))


def info_statuses(body: Any) -> list[Row]:
    return rows(statuses_from_rows(MessageInfoResult.from_dict(body).message_data))


OPENED = datetime(2018, 4, 23, 13, 27, 51, tzinfo=PDT)
DELIVERED = datetime(2018, 4, 23, 13, 27, 34, tzinfo=PDT)
LAST_CLICK = datetime(2016, 3, 15, 10, 51, 9, 999000, tzinfo=UTC)
# spec -> example name -> the rows delivery_status gives for that answer
EXPECTED: dict[str, dict[str, list[Row]]] = {
    "paubox": {
        # opened, and clicked (single recipient, total_click_count 2); Paubox gives no click time
        "openedWithClicks": [row("recipient@host.com", "clicked", "delivered", OPENED)],
        "stillProcessing": [],
        "multiRecipientNoOpenData": [
            row("first@host.com", "delivered", "delivered", DELIVERED),
            row(
                "second@host.com",
                "deferred",
                "soft bounced - mailbox full",
                datetime(2018, 4, 23, 13, 27, 36, tzinfo=PDT),
            ),
        ],
        "unopenedNulls": [row("recipient@host.com", "delivered", "delivered via secure portal", DELIVERED)],
        "emptyStringTimestamps": [row("pending@example.com", "accepted", "pending", None)],
        "emptyOpenedStatus": [row("recipient@host.com", "delivered", "delivered", DELIVERED)],
    },
    "smtpcom": {
        "php_sdk_fixture": [
            row("vlad@ukr.net", "delivered", "delivered", datetime(2021, 8, 13, 10, 24, 49, tzinfo=UTC)),
            # opens and clicks inside `details`, with placeholder texts for times
            row("vlad2@ukr.net", "clicked", "delivered", None),
        ],
        # events beside `details`; every value a placeholder ("event", "click_time", msg_time 0)
        "vendor_spec_placeholder": [row("rcpt_to", "clicked", "event", None)],
        "nothing_yet": [],
    },
    "sendclean": {
        "success": [row("abc@SendClean.com", "clicked", "delivered", LAST_CLICK)],
        "success_in_example_call": [row("abc@SendClean.com", "clicked", "delivered", LAST_CLICK)],
    },
    "poweremail": {
        "success": [row("abc@example.com", "clicked", "delivered", LAST_CLICK)],
        "success_in_example_call": [row("abc@example.com", "clicked", "delivered", LAST_CLICK)],
    },
}
EXAMPLE_SOURCES: dict[str, tuple[str, str, Callable[[Any], list[Row]]]] = {
    "paubox": ("/message_receipt", "get", receipt_statuses),
    "smtpcom": ("/v4/messages", "get", list_statuses),
    "sendclean": ("/messages/getMessageInfo", "post", info_statuses),
    "poweremail": ("/messages/getMessageInfo", "post", info_statuses),
}
EXAMPLE_CASES = [(spec, name) for spec, rows in EXPECTED.items() for name in rows]


@pytest.mark.parametrize(("spec", "name"), EXAMPLE_CASES, ids=[f"{s}:{n}" for s, n in EXAMPLE_CASES])
def test_spec_example(spec: str, name: str) -> None:
    path, method, convert = EXAMPLE_SOURCES[spec]
    assert convert(spec_examples(spec, path, method)[name]) == EXPECTED[spec][name]


@pytest.mark.parametrize("spec", sorted(EXAMPLE_SOURCES))
def test_every_success_example_of_the_spec_is_in_the_table_above(spec: str) -> None:
    path, method, _ = EXAMPLE_SOURCES[spec]
    successes = {name for name, body in spec_examples(spec, path, method).items() if body.get("status") != "error"}
    assert successes == set(EXPECTED[spec])


# ---------------------------------------------------------------------- Paubox: opens and clicks


def receipt(*deliveries: dict[str, Any], **totals: Any) -> MessageReceiptResponse:
    message = {"id": "<m@x>", "message_deliveries": list(deliveries), **totals}
    return MessageReceiptResponse.from_dict({"sourceTrackingId": "t", "data": {"message": message}})


def delivered(recipient: str = ANN, **status: Any) -> dict[str, Any]:
    return {
        "recipient": recipient,
        "status": {"deliveryStatus": "delivered", "deliveryTime": "Mon, 23 Apr 2018 13:27:34 -0700", **status},
    }


OPENED_STATUSES: list[tuple[dict[str, Any], DeliveryState, datetime | None]] = [
    ({"openedStatus": "opened", "openedTime": "Mon, 23 Apr 2018 13:27:51 -0700"}, "opened", OPENED),
    ({"openedStatus": "Opened", "openedTime": "Mon, 23 Apr 2018 13:27:51 -0700"}, "opened", OPENED),
    ({"openedStatus": "opened", "openedTime": ""}, "opened", DELIVERED),  # no open time: the delivery time
    ({"openedStatus": "opened"}, "opened", DELIVERED),
    ({"openedStatus": "not opened", "openedTime": None}, "delivered", DELIVERED),
    ({"openedStatus": "unopened", "openedTime": ""}, "delivered", DELIVERED),
    ({"openedStatus": "", "openedTime": ""}, "delivered", DELIVERED),
    ({"openedStatus": None, "openedTime": None}, "delivered", DELIVERED),
    ({}, "delivered", DELIVERED),
]


@pytest.mark.parametrize(("status", "state", "at"), OPENED_STATUSES, ids=[repr(s) for s, _, _ in OPENED_STATUSES])
def test_paubox_opened_status(status: dict[str, Any], state: DeliveryState, at: datetime | None) -> None:
    """``openedStatus`` ``opened`` raises the state to ``opened`` at ``openedTime``; every other
    value (``not opened``, ``unopened``, ``""``, null, absent) leaves the delivery state."""
    assert rows(statuses_from_receipt(receipt(delivered(**status)))) == [row(ANN, state, "delivered", at)]


@pytest.mark.parametrize(
    ("deliveries", "total_click_count", "states"),
    [
        ([delivered()], 1, ["clicked"]),
        ([delivered()], 0, ["delivered"]),
        ([delivered()], None, ["delivered"]),
        ([delivered()], UNSET, ["delivered"]),
        # a total over several recipients says nothing about any one of them
        ([delivered(), delivered("bob@example.com")], 3, ["delivered", "delivered"]),
    ],
    ids=["one-recipient", "zero", "null", "absent", "two-recipients"],
)
def test_paubox_clicks_count_for_single_recipient_receipts_only(
    deliveries: list[dict[str, Any]], total_click_count: object, states: list[DeliveryState]
) -> None:
    totals = {} if total_click_count is UNSET else {"total_click_count": total_click_count}
    assert [row.state for row in statuses_from_receipt(receipt(*deliveries, **totals))] == states


# ------------------------------------------------------------ several events for one recipient

FIRST = datetime(2021, 8, 13, 10, 0, tzinfo=UTC)
LATER = FIRST + timedelta(minutes=5)


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        # the furthest state wins, whatever the order or the times
        (
            [RecipientStatus(ANN, "delivered", "delivered", LATER), RecipientStatus(ANN, "opened", "delivered", FIRST)],
            [RecipientStatus(ANN, "opened", "delivered", FIRST)],
        ),
        (
            [RecipientStatus(ANN, "clicked", "x", None), RecipientStatus(ANN, "opened", "x", LATER)],
            [RecipientStatus(ANN, "clicked", "x", None)],
        ),
        # among equals the latest; an event without a time counts as the earliest
        (
            [RecipientStatus(ANN, "bounced", "failed", LATER), RecipientStatus(ANN, "delivered", "delivered", FIRST)],
            [RecipientStatus(ANN, "bounced", "failed", LATER)],
        ),
        (
            [RecipientStatus(ANN, "opened", "x", FIRST), RecipientStatus(ANN, "opened", "x", None)],
            [RecipientStatus(ANN, "opened", "x", FIRST)],
        ),
        # on a full tie the later event wins; an unknown state is behind every known one
        (
            [RecipientStatus(ANN, "delivered", "a", FIRST), RecipientStatus(ANN, "delivered", "b", FIRST)],
            [RecipientStatus(ANN, "delivered", "b", FIRST)],
        ),
        (
            [RecipientStatus(ANN, "accepted", "", FIRST), RecipientStatus(ANN, "unknown", "new", LATER)],
            [RecipientStatus(ANN, "accepted", "", FIRST)],
        ),
        # recipients compare case-insensitively and keep the order they first appear in
        (
            [
                RecipientStatus("Bob@Example.com", "accepted", "", FIRST),
                RecipientStatus(ANN, "delivered", "delivered", FIRST),
                RecipientStatus("bob@example.com", "delivered", "delivered", LATER),
            ],
            [
                RecipientStatus("bob@example.com", "delivered", "delivered", LATER),
                RecipientStatus(ANN, "delivered", "delivered", FIRST),
            ],
        ),
        ([], []),
    ],
    ids=[
        "opened-beats-later-delivery",
        "clicked-beats-opened",
        "latest-result",
        "untimed-is-earliest",
        "tie",
        "unknown-last",
        "recipients",
        "none",
    ],
)
def test_furthest_per_recipient(events: list[RecipientStatus], expected: list[RecipientStatus]) -> None:
    assert furthest_per_recipient(events) == expected


def test_smtpcom_items_give_one_row_per_recipient_from_every_event() -> None:
    """A queued item and a later delivered one for the same recipient give ``delivered`` at
    ``finished``; ``msg_time`` is the time while there is no ``finished``; opens and clicks count
    in both places SMTP.com puts them (beside ``details`` and inside it)."""
    items: list[dict[str, Any]] = [
        {
            "msg_time": 1628850169,
            "msg_data": {"rcpt_to": ANN},
            "details": {"delivery": {"event": "queued", "retries": 1}},
        },
        {
            "msg_time": 1628850169,
            "msg_data": {"rcpt_to": "ANN@example.com"},
            "details": {"delivery": {"event": "delivered", "finished": "Fri, 13 Aug 2021 10:24:49 -0000"}},
        },
        {
            "msg_time": "Fri, 13 Aug 2021 10:22:49 -0000",
            "msg_data": {"rcpt_to": "bob@example.com"},
            "details": {"delivery": {"event": "delivered"}},
            "opens": {"items": [{"open_time": "Fri, 13 Aug 2021 11:00:00 -0000"}]},
        },
        {
            "msg_time": "Fri, 13 Aug 2021 10:22:49 -0000",
            "msg_data": {"rcpt_to": "cy@example.com"},
            "details": {
                "delivery": {"event": "delivered"},
                "opens": {"items": [{"open_time": "Fri, 13 Aug 2021 11:00:00 -0000"}]},
                "clicks": {"items": [{"click_time": "2021-08-13T11:05:00Z"}, {"click_time": "2021-08-13T11:01:00Z"}]},
            },
        },
        {"msg_time": "Fri, 13 Aug 2021 10:22:49 -0000", "msg_data": {"rcpt_to": "dee@example.com"}},
    ]
    assert rows(statuses_from_items([MessageInfo.from_dict(item) for item in items])) == [
        row("ANN@example.com", "delivered", "delivered", datetime(2021, 8, 13, 10, 24, 49, tzinfo=UTC)),
        row("bob@example.com", "opened", "delivered", datetime(2021, 8, 13, 11, 0, tzinfo=UTC)),
        row("cy@example.com", "clicked", "delivered", datetime(2021, 8, 13, 11, 5, tzinfo=UTC)),
        row("dee@example.com", "accepted", "", datetime(2021, 8, 13, 10, 22, 49, tzinfo=UTC)),
    ]


def test_platform_rows_give_one_row_per_recipient_with_opens_and_clicks() -> None:
    """Opens and clicks count from their times (ints or digit strings, milliseconds), or from the
    ``open``/``click`` counts when no times are listed; two messages with one ``X-Unique-Id`` and
    the same recipient give one row."""
    sent_at = 1458034022169
    infos: list[dict[str, Any]] = [
        {"email": ANN, "status": "send", "time": sent_at},
        {"email": ANN, "status": "delivered", "time": sent_at + 1000},
        {
            "email": "bob@example.com",
            "status": "delivered",
            "time": sent_at,
            "open": 2,
            "openData": {"time": ["1458039067963", 1458039067978]},
        },
        {"email": "cy@example.com", "status": "delivered", "time": sent_at, "open": 1, "click": 1},
        {
            "email": "dee@example.com",
            "status": "hard_bounce",
            "time": sent_at,
            "open": 0,
            "openData": {"ip": [], "ua": [], "time": []},
        },
    ]
    assert rows(statuses_from_rows([MessageInfoItem.from_dict(info) for info in infos])) == [
        row(ANN, "delivered", "delivered", datetime(2016, 3, 15, 9, 27, 3, 169000, tzinfo=UTC)),
        row("bob@example.com", "opened", "delivered", datetime(2016, 3, 15, 10, 51, 7, 978000, tzinfo=UTC)),
        row("cy@example.com", "clicked", "delivered", None),
        row("dee@example.com", "bounced", "hard_bounce", datetime(2016, 3, 15, 9, 27, 2, 169000, tzinfo=UTC)),
    ]


# --------------------------------------------------------------- odd bodies: never an exception


def test_odd_paubox_receipt_gives_unknown_rows() -> None:
    body = receipt(
        {
            "recipient": None,
            "status": {"deliveryStatus": None, "deliveryTime": "soon", "openedStatus": 7, "openedTime": []},
        },
        total_click_count="3",
    )
    assert rows(statuses_from_receipt(body)) == [row("", "unknown", "", None)]


def test_odd_smtpcom_items_give_rows() -> None:
    items: list[dict[str, Any]] = [
        {},
        {
            "msg_time": "yesterday",
            "msg_data": {"rcpt_to": ANN},
            "details": {"delivery": {"event": None, "finished": 5}},
        },
        {"msg_data": {}, "details": {"delivery": {"event": "teleported"}}, "opens": {}, "clicks": {"items": [{}]}},
    ]
    assert rows(statuses_from_items([MessageInfo.from_dict(item) for item in items])) == [
        row("", "clicked", "teleported", None),
        row(ANN, "accepted", "", datetime(1970, 1, 1, 0, 0, 5, tzinfo=UTC)),
    ]


def test_odd_platform_rows_give_rows() -> None:
    infos: list[dict[str, Any]] = [
        {},
        {
            "email": ANN,
            "status": None,
            "time": "later",
            "open": "1",
            "openData": {"time": ["x", None, 1458039067963.0]},
        },
    ]
    assert rows(statuses_from_rows([MessageInfoItem.from_dict(info) for info in infos])) == [
        row("", "unknown", "", None),
        row(ANN, "opened", "", datetime(2016, 3, 15, 10, 51, 7, 963000, tzinfo=UTC)),
    ]
