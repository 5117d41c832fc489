"""The User-Agent the sandbox receives: each package's own product token, the caller's in front."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from support.clients import VENDORS, make_client

from sandbox.testing import SandboxHandle


@pytest.mark.parametrize("vendor", list(VENDORS))
def test_each_package_sends_its_own_user_agent(sandbox: SandboxHandle, vendor: str) -> None:
    spec = VENDORS[vendor]
    with make_client(vendor, base_url=sandbox.base_url(vendor)) as client:
        getattr(client, spec.send)(spec.message())
    (request,) = sandbox.requests(vendor)
    assert request.headers["user-agent"] == spec.module.USER_AGENT
    assert spec.module.USER_AGENT.startswith(f"{vendor}-client/")


@pytest.mark.parametrize("async_", [False, True], ids=["sync", "async"])
def test_the_callers_user_agent_is_put_in_front(sandbox: SandboxHandle, async_: bool) -> None:
    spec = VENDORS["smtpcom"]
    options: dict[str, Any] = {"base_url": sandbox.base_url("smtpcom"), "user_agent": "myapp/1.2"}
    if async_:

        async def main() -> None:
            async with make_client("smtpcom", async_=True, **options) as client:
                await client.send_message(spec.message())

        asyncio.run(main())
    else:
        with make_client("smtpcom", **options) as client:
            client.send_message(spec.message())
    (request,) = sandbox.requests("smtpcom")
    assert request.headers["user-agent"] == f"myapp/1.2 {spec.module.USER_AGENT}"
