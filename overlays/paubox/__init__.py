"""Typed client for the Paubox Email API v1.

    from paubox_client import Paubox, Message, MessageContent, MessageHeaders

    with Paubox() as paubox:  # PAUBOX_API_USERNAME, PAUBOX_API_KEY
        sent = paubox.send_message(Message(...))

Names load on first use, so importing the package costs little more than importing httpx.
"""

from typing import TYPE_CHECKING

from ._runtime.lazy import lazy_exports

if TYPE_CHECKING:  # real imports for type checkers and IDEs; at run time names load on first use
    from ._client import AsyncPaubox as AsyncPaubox
    from ._client import Paubox as Paubox
    from ._runtime.base import DEFAULT_TIMEOUT as DEFAULT_TIMEOUT
    from ._runtime.errors import APIConnectionError as APIConnectionError
    from ._runtime.errors import APIStatusError as APIStatusError
    from ._runtime.errors import APITimeoutError as APITimeoutError
    from ._runtime.errors import AuthenticationError as AuthenticationError
    from ._runtime.errors import BadRequestError as BadRequestError
    from ._runtime.errors import ClientError as ClientError
    from ._runtime.errors import ConfigurationError as ConfigurationError
    from ._runtime.errors import InvalidRequestError as InvalidRequestError
    from ._runtime.errors import NotFoundError as NotFoundError
    from ._runtime.errors import RateLimitError as RateLimitError
    from ._runtime.errors import ResponseParseError as ResponseParseError
    from ._runtime.errors import ServerError as ServerError
    from ._runtime.retry import RetryPolicy as RetryPolicy
    from .bulk import BulkChunkFailure as BulkChunkFailure
    from .bulk import BulkSendError as BulkSendError
    from .bulk import BulkSendResult as BulkSendResult
    from .client import AuthenticatedClient as AuthenticatedClient
    from .client import Client as Client
    from .models import Attachment as Attachment
    from .models import BulkSendResponse as BulkSendResponse
    from .models import ErrorResponse as ErrorResponse
    from .models import Message as Message
    from .models import MessageContent as MessageContent
    from .models import MessageHeaders as MessageHeaders
    from .models import MessageReceiptErrorResponse as MessageReceiptErrorResponse
    from .models import MessageReceiptResponse as MessageReceiptResponse
    from .models import SingleSendResponse as SingleSendResponse

    PauboxError = ClientError

# Where each public name lives; it is imported from there on first access.
_SOURCES = {
    "._client": ("AsyncPaubox", "Paubox"),
    "._runtime.base": ("DEFAULT_TIMEOUT",),
    "._runtime.errors": (
        "APIConnectionError",
        "APIStatusError",
        "APITimeoutError",
        "AuthenticationError",
        "BadRequestError",
        "ClientError",
        "ConfigurationError",
        "InvalidRequestError",
        "NotFoundError",
        "RateLimitError",
        "ResponseParseError",
        "ServerError",
    ),
    "._runtime.retry": ("RetryPolicy",),
    ".bulk": ("BulkChunkFailure", "BulkSendError", "BulkSendResult"),
    ".client": ("AuthenticatedClient", "Client"),
    ".models": (
        "Attachment",
        "BulkSendResponse",
        "ErrorResponse",
        "Message",
        "MessageContent",
        "MessageHeaders",
        "MessageReceiptErrorResponse",
        "MessageReceiptResponse",
        "SingleSendResponse",
    ),
}
_ALIASES = {"PauboxError": ("._runtime.errors", "ClientError")}
__getattr__, __dir__ = lazy_exports(__name__, _SOURCES, _ALIASES)

__all__ = [
    "DEFAULT_TIMEOUT",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncPaubox",
    "Attachment",
    "AuthenticatedClient",
    "AuthenticationError",
    "BadRequestError",
    "BulkChunkFailure",
    "BulkSendError",
    "BulkSendResponse",
    "BulkSendResult",
    "Client",
    "ClientError",
    "ConfigurationError",
    "ErrorResponse",
    "InvalidRequestError",
    "Message",
    "MessageContent",
    "MessageHeaders",
    "MessageReceiptErrorResponse",
    "MessageReceiptResponse",
    "NotFoundError",
    "Paubox",
    "PauboxError",
    "RateLimitError",
    "ResponseParseError",
    "RetryPolicy",
    "ServerError",
    "SingleSendResponse",
]
