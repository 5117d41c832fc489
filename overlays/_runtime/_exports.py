"""Public names every package exports from the shared runtime (read by scripts/generate.py, which
writes each package's ``__init__.py``; module paths are relative to the package)."""

PUBLIC = {
    "._runtime.calls": ("SentMessage",),
    "._runtime.delivery": ("DeliveryState", "RecipientStatus"),
    "._runtime.errors": (
        "APIConnectionError",
        "APIStatusError",
        "APITimeoutError",
        "AuthenticationError",
        "BadRequestError",
        "ClientError",
        "ConfigurationError",
        "EventLoopError",
        "InvalidRequestError",
        "NotFoundError",
        "RateLimitError",
        "ResponseParseError",
        "ServerError",
    ),
    "._runtime.raw": ("RawResponse",),
    "._runtime.retry": ("RetryPolicy",),
    "._runtime.settings": ("DEFAULT_TIMEOUT", "USER_AGENT"),
    ".client": ("AuthenticatedClient", "Client"),
}
