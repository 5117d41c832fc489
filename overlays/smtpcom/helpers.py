"""SMTP.com's limits, the overlay's argument types, and reading the id of an accepted message."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Literal

from .models import SendMessageResponse

DEFAULT_BASE_URL = "https://api.smtp.com"
#: At most this many addresses in ``to`` + ``cc`` + ``bcc`` of one request (vendor limit).
MAX_RECIPIENTS = 1000
#: Messages of this many bytes or more are refused: the JSON body of ``v4_messages_post``, the
#: MIME document of ``v4_messages_mime_post`` (the vendor's "10Mb", read conservatively as 10**7).
MAX_MESSAGE_BYTES = 10_000_000
#: RFC 5322: a subject line may be at most 998 characters.
MAX_SUBJECT_LENGTH = 998
#: ``limit`` of ``v4_messages_get``.
MAX_LIST_LIMIT = 1000

AUTH_HEADER = "X-SMTPCOM-API"
AUTH_QUERY_PARAM = "api_key"
BASIC_USER = "api"

#: How the API key travels: ``Authorization: Bearer <key>`` (the default: SMTP.com's own Python
#: library and WP Mail SMTP send it), ``X-SMTPCOM-API: <key>``, ``?api_key=<key>``, or HTTP Basic.
AuthMode = Literal["bearer", "header", "query", "basic"]
AUTH_MODES: tuple[AuthMode, ...] = ("bearer", "header", "query", "basic")
DEFAULT_AUTH: AuthMode = "bearer"

#: A point in time for ``v4_messages_get``: RFC 2822 text, UNIX epoch seconds, or an aware datetime.
TimeArg = str | int | datetime

_MSG_ID = re.compile(r"msg_id:\s*(\S+)")


def message_id(response: SendMessageResponse) -> str | None:
    """The id of an accepted message: ``data.msg_id`` (documented shape) or the id in
    ``data.message`` = ``"accepted, msg_id: <id>"`` (what the service answers in practice)."""
    data = response.data
    if isinstance(data.msg_id, str) and data.msg_id:
        return data.msg_id
    if isinstance(data.message, str):
        match = _MSG_ID.search(data.message)
        if match:
            return match.group(1).rstrip(",;.")
    return None
