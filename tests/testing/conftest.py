"""The ``<package>.testing`` fakes, used the way a user's own test suite would use them.

Nothing here starts a server: the fakes answer in-process through ``httpx.MockTransport``. Each
test builds its own fake and client (fixtures in each module), sends through the real client, and
asserts on ``fake.sent`` / ``fake.requests`` and on what the client returned or raised. Retry
delays are made zero through the public API (``fail_next(..., retry_after=0)``), never slept.
"""

from __future__ import annotations
