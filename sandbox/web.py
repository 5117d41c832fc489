"""Response helpers shared by the vendor modules and the control API."""

from __future__ import annotations

import email.utils
from collections.abc import Mapping
from typing import Any

from starlette.responses import Response

from .checks import dumps


def json_response(data: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    """`application/json` response with a compact body (what the vendors send)."""
    return Response(dumps(data), status_code=status, media_type="application/json", headers=headers)


def rfc2822(timestamp: float) -> str:
    """`Mon, 23 Apr 2018 20:27:34 -0000`-style date (UTC), as Paubox and SMTP.com print them."""
    return email.utils.formatdate(timestamp, localtime=False)
