"""Fixtures for the contract tests: one Prism validating mock per spec, for the whole session.

``prism_fleet`` installs Prism if needed (``npm ci``), then launches the four ``prism mock`` processes
at once (each takes a few seconds to start, so they start in parallel); ``prism_paubox``,
``prism_smtpcom``, ``prism_poweremail`` and ``prism_sendclean`` each wait (at most 30 s) until their
own server accepts connections and return its origin URL. Every process runs in its own process
group, which is killed at the end of the session, also when a test or a start-up fails.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from prism_support import PrismServer, ensure_prism
from spec_tools import VENDORS


class PrismFleet:
    def __init__(self, servers: dict[str, PrismServer]) -> None:
        self.servers = servers

    def url(self, vendor: str) -> str:
        """Prism's origin for ``vendor`` (``http://127.0.0.1:<port>``), once it accepts connections."""
        return self.servers[vendor].wait_ready()


@pytest.fixture(scope="session")
def prism_fleet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrismFleet]:
    ensure_prism()
    logs = tmp_path_factory.mktemp("prism-logs")
    servers = {vendor: PrismServer(vendor, logs / f"{vendor}.log") for vendor in VENDORS}
    try:
        for server in servers.values():
            server.start()
        yield PrismFleet(servers)
    finally:
        for server in servers.values():
            server.stop()


@pytest.fixture(scope="session")
def prism_paubox(prism_fleet: PrismFleet) -> str:
    return prism_fleet.url("paubox")


@pytest.fixture(scope="session")
def prism_smtpcom(prism_fleet: PrismFleet) -> str:
    return prism_fleet.url("smtpcom")


@pytest.fixture(scope="session")
def prism_poweremail(prism_fleet: PrismFleet) -> str:
    return prism_fleet.url("poweremail")


@pytest.fixture(scope="session")
def prism_sendclean(prism_fleet: PrismFleet) -> str:
    return prism_fleet.url("sendclean")


@pytest.fixture
def prism_url(request: pytest.FixtureRequest) -> Callable[[str], str]:
    """``prism_url(vendor)``: the origin of that vendor's Prism (through its per-spec fixture)."""
    return lambda vendor: str(request.getfixturevalue(f"prism_{vendor}"))
