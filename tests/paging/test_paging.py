"""The paging iterators at the page boundaries, against the sandbox on 127.0.0.1, sync and async.

SMTP.com ``iter_messages`` walks ``list_messages`` by ``offset`` (run here with ``page_size=5``);
the platform's ``iter_message_info`` (SendClean, PowerEmail) walks ``get_message_info`` by
``skip_page``, 100 rows a page, one row per recipient per message with the same ``X-Unique-Id``.
Both stop after the first page that comes back short. Pages are seeded through the clients; the
sandbox's request log shows which pages each iterator asked for, counted as the position of the
page's first item (SMTP.com ``offset``, the platform's ``skip_page * 100``), faulted requests
included.

The iterator is one piece of code for both platform brands, so the boundaries run on SendClean;
PowerEmail, whose API insists on ``skip_page``, walks two pages once. A ``page_size`` SMTP.com
cannot serve is refused under that name before any request.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

import pytest
from support.clients import VENDORS, Recorder, make_client, mock_client, platform_message, smtpcom_message

from sandbox import config as sb
from sandbox.store import RequestRecord
from sandbox.testing import SandboxHandle

FLAVOURS = pytest.mark.parametrize("async_", [False, True], ids=["sync", "async"])
SMTPCOM_PAGE_SIZE = 5
PLATFORM_PAGE_SIZE = 100  # fixed by the platform
UNIQUE_ID = "paging-order-42"


@dataclass(frozen=True)
class Pager:
    """One vendor's iterator, how to seed its pages and how to read the sandbox's log of them."""

    vendor: str
    page_size: int
    #: The listing call's method and path relative to the vendor's API (what a fault rule matches).
    method: str
    path: str
    #: ``(sandbox, count)`` -> the key of every item the listing will hold, in listing order.
    seed: Callable[[SandboxHandle, int], list[str]]
    #: ``client`` -> the iterator under test (sync or async, as the client is).
    iterate: Callable[[Any], Any]
    #: An item -> its key.
    key: Callable[[Any], str]
    #: A listing request -> the position of the first item of the page it asked for.
    first_item: Callable[[RequestRecord], int]

    def listings(self, sandbox: SandboxHandle) -> list[RequestRecord]:
        """Every listing request the sandbox received (faulted ones included), oldest first."""
        return [r for r in sandbox.requests(self.vendor) if r.method == self.method and r.path.endswith(self.path)]

    def pages_requested(self, sandbox: SandboxHandle) -> list[int]:
        """The first-item position of the page each listing request asked for, in order."""
        return [self.first_item(record) for record in self.listings(sandbox)]


# -------------------------------------------------------------------------------- SMTP.com


def seed_smtpcom(sandbox: SandboxHandle, count: int) -> list[str]:
    """``count`` one-recipient messages on the sandbox channel; their ids, oldest first."""
    with make_client("smtpcom", base_url=sandbox.base_url("smtpcom")) as client:
        return [str(client.send_message(smtpcom_message()).id) for _ in range(count)]


def smtpcom_items(client: Any) -> Any:
    start = int(time.time()) - 60  # the seeded messages are seconds old
    return client.iter_messages(sb.SMTPCOM_CHANNEL, start=start, page_size=SMTPCOM_PAGE_SIZE)


def smtpcom_offset(record: RequestRecord) -> int:
    query = parse_qs(record.query)
    assert query["limit"] == [str(SMTPCOM_PAGE_SIZE)], record.query
    return int(query["offset"][0])


SMTPCOM = Pager(
    vendor="smtpcom",
    page_size=SMTPCOM_PAGE_SIZE,
    method="GET",
    path="/v4/messages",
    seed=seed_smtpcom,
    iterate=smtpcom_items,
    key=lambda item: str(item.msg_id),
    first_item=smtpcom_offset,
)

# -------------------------------------------------------------------------- SendClean, PowerEmail


def platform_seeder(brand: str) -> Callable[[SandboxHandle, int], list[str]]:
    def seed(sandbox: SandboxHandle, count: int) -> list[str]:
        """Messages with ``X-Unique-Id`` ``UNIQUE_ID`` and ``count`` recipients in all (at most 100
        a message); the recipients, in row order."""
        models = importlib.import_module(f"{brand}_client.models")
        emails = [f"r{number:03d}@example.com" for number in range(count)]
        with make_client(brand, base_url=sandbox.base_url(brand)) as client:
            for first in range(0, count, PLATFORM_PAGE_SIZE):
                chunk = emails[first : first + PLATFORM_PAGE_SIZE]
                message = platform_message(
                    brand,
                    to=[models.Recipient(email=email) for email in chunk],
                    headers=models.MessageHeaders(x_unique_id=UNIQUE_ID),
                )
                assert client.send_mail(message).id == UNIQUE_ID
        return emails

    return seed


def platform_rows(client: Any) -> Any:
    return client.iter_message_info(UNIQUE_ID)


def platform_first_row(record: RequestRecord) -> int:
    body = json.loads(record.body)
    assert body["x_unique_id"] == UNIQUE_ID, body
    return int(body["skip_page"]) * PLATFORM_PAGE_SIZE


def platform_pager(brand: str) -> Pager:
    return Pager(
        vendor=brand,
        page_size=PLATFORM_PAGE_SIZE,
        method="POST",
        path="/v1.0/messages/getMessageInfo",
        seed=platform_seeder(brand),
        iterate=platform_rows,
        key=lambda row: str(row.email),
        first_item=platform_first_row,
    )


SENDCLEAN = platform_pager("sendclean")
POWEREMAIL = platform_pager("poweremail")
PAGERS = pytest.mark.parametrize("pager", [SMTPCOM, SENDCLEAN], ids=lambda pager: pager.vendor)


# ------------------------------------------------------------------------------------ walking


@dataclass
class Walk:
    """The key of every item an iterator yielded, in order, and the package error that ended it."""

    keys: list[str]
    error: Exception | None = None


def walk(pager: Pager, sandbox: SandboxHandle, *, async_: bool, fault_after: int | None = None) -> Walk:
    """Run ``pager``'s iterator to its end on a client without retries. With ``fault_after``, take
    that many items by hand (``next``/``anext``), then make the vendor's next listing request fail
    with HTTP 500, then go on. The package's errors end the walk and are returned."""
    module = VENDORS[pager.vendor].module
    options = {"base_url": sandbox.base_url(pager.vendor), "retry": module.RetryPolicy(max_retries=0)}
    client_error: type[Exception] = module.ClientError

    def fail_next_page() -> None:
        sandbox.set_fault("status", vendor=pager.vendor, method=pager.method, path=pager.path, status=500, times=1)

    if not async_:
        keys: list[str] = []
        with make_client(pager.vendor, **options) as client:
            items = pager.iterate(client)
            try:
                if fault_after is not None:
                    for _ in range(fault_after):
                        keys.append(pager.key(next(items)))
                    fail_next_page()
                for item in items:
                    keys.append(pager.key(item))
            except client_error as error:
                return Walk(keys, error)
        return Walk(keys)

    async def main() -> Walk:
        keys: list[str] = []
        async with make_client(pager.vendor, async_=True, **options) as client:
            items = pager.iterate(client)
            try:
                if fault_after is not None:
                    for _ in range(fault_after):
                        keys.append(pager.key(await anext(items)))
                    fail_next_page()
                async for item in items:
                    keys.append(pager.key(item))
            except client_error as error:
                return Walk(keys, error)
        return Walk(keys)

    return asyncio.run(main())


# -------------------------------------------------------------------------------------- tests


@PAGERS
@FLAVOURS
def test_an_empty_first_page_yields_nothing_after_one_request(
    pager: Pager, async_: bool, sandbox: SandboxHandle
) -> None:
    assert walk(pager, sandbox, async_=async_) == Walk([])
    assert pager.pages_requested(sandbox) == [0]


@PAGERS
@FLAVOURS
def test_exactly_one_full_page_is_yielded_and_the_empty_page_after_it_ends_the_walk(
    pager: Pager, async_: bool, sandbox: SandboxHandle
) -> None:
    seeded = pager.seed(sandbox, pager.page_size)

    assert walk(pager, sandbox, async_=async_) == Walk(seeded)
    assert pager.pages_requested(sandbox) == [0, pager.page_size]


@pytest.mark.parametrize("pager", [SMTPCOM, SENDCLEAN, POWEREMAIL], ids=lambda pager: pager.vendor)
@FLAVOURS
def test_one_item_past_a_full_page_comes_from_a_second_page(pager: Pager, async_: bool, sandbox: SandboxHandle) -> None:
    seeded = pager.seed(sandbox, pager.page_size + 1)

    assert walk(pager, sandbox, async_=async_) == Walk(seeded)
    assert pager.pages_requested(sandbox) == [0, pager.page_size]


@PAGERS
@FLAVOURS
def test_an_error_on_page_3_raises_the_typed_error_after_every_item_of_pages_1_and_2(
    pager: Pager, async_: bool, sandbox: SandboxHandle
) -> None:
    two_pages = 2 * pager.page_size
    seeded = pager.seed(sandbox, two_pages + 1)

    walked = walk(pager, sandbox, async_=async_, fault_after=two_pages)

    module = VENDORS[pager.vendor].module
    assert isinstance(walked.error, module.ServerError), walked.error
    assert walked.error.status_code == 500
    assert walked.keys == seeded[:two_pages]
    assert pager.pages_requested(sandbox) == [0, pager.page_size, two_pages]
    assert [record.fault for record in pager.listings(sandbox)] == [None, None, "status"]


@pytest.mark.parametrize("page_size", [0, 1001])
def test_a_page_size_smtpcom_cannot_serve_is_refused_by_name_before_any_request(page_size: int) -> None:
    from smtpcom_client import InvalidRequestError

    recorder = Recorder()
    with mock_client("smtpcom", recorder) as client:
        items = client.iter_messages(sb.SMTPCOM_CHANNEL, start=0, page_size=page_size)
        with pytest.raises(InvalidRequestError) as raised:
            next(items)

    assert raised.value.field == "page_size"
    assert recorder.requests == []
