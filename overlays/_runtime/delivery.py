"""One delivery status across vendors: a small fixed vocabulary, the vendor's own words, a time.

Each vendor module maps its states onto ``DeliveryState`` with a table; a state it does not know
maps to ``"unknown"`` and keeps the raw value. Dates are parsed with python-dateutil (RFC 2822,
ISO 8601, epoch seconds; ``parse_millis`` for SendClean's epoch milliseconds); ``""`` and absent
values are ``None``. Nothing here raises on what a vendor sends.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Final, Literal

from attrs import define

DeliveryState = Literal["accepted", "deferred", "delivered", "bounced", "failed", "opened", "clicked", "unknown"]

#: How far along each state is: when one recipient has several events, the furthest one wins, and
#: among equals the latest (``opened`` implies ``delivered``; ``clicked`` implies ``opened``).
PROGRESS: Final[Mapping[DeliveryState, int]] = {
    "unknown": 0,
    "accepted": 1,
    "deferred": 2,
    "delivered": 3,
    "bounced": 3,
    "failed": 3,
    "opened": 4,
    "clicked": 5,
}


@define(frozen=True)
class RecipientStatus:
    """Where one recipient's copy of a message stands.

    ``state`` is one of ``DeliveryState``; ``vendor_state`` is the vendor's own delivery state for
    the recipient, kept as received (an open or a click raises ``state`` above it, and a state the
    table does not know is ``unknown``); ``at`` is when it happened (timezone-aware), or None when
    the vendor gave no time.
    """

    recipient: str
    state: DeliveryState
    vendor_state: str
    at: datetime | None = None


# Epoch seconds written as text: "1608037665", "-1", "1608037665.25".
_EPOCH_TEXT: Final = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
# Zone names RFC 2822 allows (its obsolete zones, section 4.3) and ISO 8601's "Z". Any other name
# makes the text unreadable rather than silently wrong: dateutil would otherwise return a naive time
# (or, for a name that matches this machine's local zone, a local one).
_ZONES: Final[Mapping[str, timezone]] = {
    name: timezone(timedelta(hours=hours))
    for name, hours in {
        "Z": 0,
        "UT": 0,
        "UTC": 0,
        "GMT": 0,
        "EST": -5,
        "EDT": -4,
        "CST": -6,
        "CDT": -5,
        "MST": -7,
        "MDT": -6,
        "PST": -8,
        "PDT": -7,
    }.items()
}
# Two fill-in dates that differ in every date field: text that leaves one of them out parses to two
# different results and is refused ("May 3" is not a point in time).
_DEFAULTS: Final = (datetime(2001, 1, 1), datetime(2002, 2, 2))  # naive: zone-less text stays naive


class _UnknownZone(ValueError):
    """A zone name that is not in ``_ZONES`` (and came without a numeric offset)."""


def _zone(name: str | None, offset: int | None) -> tzinfo | None:
    """dateutil's ``tzinfos`` callback: the zone of a parsed ``name``/``offset``; None when the
    text had neither (the result is naive and read as UTC)."""
    if name is not None and name.upper() in _ZONES:
        return _ZONES[name.upper()]
    if offset is not None:
        return timezone(timedelta(seconds=offset))
    if name is not None:
        raise _UnknownZone(name)
    return None


def _from_epoch(seconds: float) -> datetime | None:
    if not math.isfinite(seconds):
        return None
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):  # out of datetime's (or the platform's) range
        return None


def _from_text(text: str) -> datetime | None:
    from dateutil import parser  # only status reads pay for importing the parser

    try:
        first, second = (parser.parse(text, default=default, tzinfos=_zone) for default in _DEFAULTS)
    except (ValueError, OverflowError):  # dateutil's ParserError is a ValueError; so is _UnknownZone
        return None
    if first != second:  # a date field came from the fill-in, not from the text
        return None
    return first if first.utcoffset() is not None else first.replace(tzinfo=UTC)


def parse_when(value: object) -> datetime | None:
    """A vendor's timestamp as an aware datetime (naive ones are UTC); None for ``""``/absent/unreadable.

    Reads RFC 2822 (``Mon, 23 Apr 2018 13:27:34 -0700``), ISO 8601 (``2018-04-23T20:27:34Z``, with
    an offset, or naive), and epoch seconds as an int, a float or a string of digits. ``None``,
    ``""``, a model's ``UNSET``, a bool and text without a complete date are None. Never raises.
    """
    if isinstance(value, datetime):
        return value if value.utcoffset() is not None else value.replace(tzinfo=UTC)
    if isinstance(value, bool):  # an int, but never a time
        return None
    if isinstance(value, int | float):
        return _from_epoch(value)
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text:
        return None
    if _EPOCH_TEXT.fullmatch(text):
        return _from_epoch(float(text))
    return _from_text(text)


def parse_millis(value: object) -> datetime | None:
    """Epoch milliseconds (an int, a float or a string of digits, as SendClean's ``time`` fields
    are) as an aware UTC datetime; None for anything else. Never raises."""
    if isinstance(value, str):
        text = value.strip()
        if not _EPOCH_TEXT.fullmatch(text):
            return None
        value = float(text)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return parse_when(value / 1000)
    except OverflowError:  # an int too large to become a float
        return None


def state_of(vendor_state: str, table: Mapping[str, DeliveryState]) -> DeliveryState:
    """``vendor_state`` looked up case-insensitively in ``table``; ``"unknown"`` when it is not there.

    ``table``'s keys are lower case; surrounding whitespace in ``vendor_state`` is ignored.
    """
    return table.get(vendor_state.strip().lower(), "unknown")


def furthest_per_recipient(events: Iterable[RecipientStatus]) -> list[RecipientStatus]:
    """One row per recipient (compared case-insensitively, in order of first appearance) from
    every event seen for it: the furthest state (``PROGRESS``) wins, and among equals the latest
    ``at`` (an event without a time counts as the earliest; on a tie the later event wins)."""
    best: dict[str, RecipientStatus] = {}
    for event in events:
        key = event.recipient.strip().lower()
        current = best.get(key)
        if current is None or _rank(event) >= _rank(current):
            best[key] = event
    return list(best.values())


_EARLIEST: Final = datetime.min.replace(tzinfo=UTC)


def _rank(event: RecipientStatus) -> tuple[int, datetime]:
    return PROGRESS[event.state], event.at or _EARLIEST
