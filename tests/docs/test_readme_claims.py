"""Promises of the package READMEs about the client's life cycle and ``.client``, checked against the sandbox."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from paubox_client import AsyncPaubox, ConfigurationError, Message, MessageContent, MessageHeaders, Paubox
from paubox_client.api.messages import get_message_receipt

from sandbox.config import PAUBOX_API_KEY
from sandbox.testing import SandboxHandle


def _message() -> Message:
    return Message(
        recipients=["jane@example.com"],
        headers=MessageHeaders(subject="Hello", from_="clinic@verified.example.com"),
        content=MessageContent(textplain="Hi"),
    )


def test_an_async_client_used_on_several_loops_closes_from_a_new_one(sandbox: SandboxHandle) -> None:
    paubox = AsyncPaubox(PAUBOX_API_KEY, base_url=f"{sandbox.url}/paubox/v1/email")

    async def send() -> str:
        return (await paubox.send_message(_message())).id

    asyncio.run(send())
    asyncio.run(send())
    asyncio.run(paubox.aclose())  # the README's "close it" advice, from yet another loop


def test_client_dot_client_needs_a_base_url_on_a_callers_http_client(sandbox: SandboxHandle) -> None:
    url = f"{sandbox.url}/paubox/v1/email"
    with httpx.Client() as bare:
        paubox = Paubox(PAUBOX_API_KEY, base_url=url, http_client=bare)
        with pytest.raises(ConfigurationError, match="base_url"):
            paubox.client  # noqa: B018
    auth = {"Authorization": f"Token token={PAUBOX_API_KEY}"}
    with httpx.Client(base_url=url, headers=auth) as ready:
        paubox = Paubox(PAUBOX_API_KEY, base_url=url, http_client=ready)
        sent = paubox.send_message(_message())
        detailed = get_message_receipt.sync_detailed(client=paubox.client, source_tracking_id=sent.id)
    assert detailed.status_code == 200
