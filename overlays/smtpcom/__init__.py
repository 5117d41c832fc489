"""Typed client for the SMTP.com API v4 (messages).

    from smtpcom_client import EmailAddress, MessageBody, MessagePart, Originator, Recipients
    from smtpcom_client import SMTPcom, SendMessageRequest, message_id

    with SMTPcom() as smtp:  # SMTPCOM_API_KEY; auth="header" (default), "query" or "basic"
        sent = smtp.send_message(SendMessageRequest(channel=..., recipients=..., originator=..., body=...))
        print(message_id(sent))

Names load on first use, so importing the package costs little more than importing httpx.
"""

from typing import TYPE_CHECKING

from ._runtime.lazy import lazy_exports

if TYPE_CHECKING:  # real imports for type checkers and IDEs; at run time names load on first use
    from ._client import AsyncSMTPcom as AsyncSMTPcom
    from ._client import SMTPcom as SMTPcom
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
    from .client import AuthenticatedClient as AuthenticatedClient
    from .client import Client as Client
    from .helpers import MAX_MESSAGE_BYTES as MAX_MESSAGE_BYTES
    from .helpers import MAX_RECIPIENTS as MAX_RECIPIENTS
    from .helpers import AuthMode as AuthMode
    from .helpers import TimeArg as TimeArg
    from .helpers import message_id as message_id
    from .models import CustomHeaders as CustomHeaders
    from .models import EmailAddress as EmailAddress
    from .models import ErrorData as ErrorData
    from .models import ErrorEnvelope as ErrorEnvelope
    from .models import ErrorFieldMessages as ErrorFieldMessages
    from .models import MessageAttachment as MessageAttachment
    from .models import MessageBody as MessageBody
    from .models import MessageInfo as MessageInfo
    from .models import MessagePart as MessagePart
    from .models import MessagesListData as MessagesListData
    from .models import MessagesListResponse as MessagesListResponse
    from .models import Originator as Originator
    from .models import Recipients as Recipients
    from .models import SendMessageRequest as SendMessageRequest
    from .models import SendMessageResponse as SendMessageResponse
    from .models import SendMessageResponseData as SendMessageResponseData
    from .models import SendMimeMessageRequest as SendMimeMessageRequest
    from .models import V4MessagesGetEvent as V4MessagesGetEvent

    SMTPcomError = ClientError

# Where each public name lives; it is imported from there on first access.
_SOURCES = {
    "._client": (
        "AsyncSMTPcom",
        "SMTPcom",
    ),
    ".helpers": (
        "MAX_MESSAGE_BYTES",
        "MAX_RECIPIENTS",
        "AuthMode",
        "TimeArg",
        "message_id",
    ),
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
    ".client": (
        "AuthenticatedClient",
        "Client",
    ),
    ".models": (
        "CustomHeaders",
        "EmailAddress",
        "ErrorData",
        "ErrorEnvelope",
        "ErrorFieldMessages",
        "MessageAttachment",
        "MessageBody",
        "MessageInfo",
        "MessagePart",
        "MessagesListData",
        "MessagesListResponse",
        "Originator",
        "Recipients",
        "SendMessageRequest",
        "SendMessageResponse",
        "SendMessageResponseData",
        "SendMimeMessageRequest",
        "V4MessagesGetEvent",
    ),
}
_ALIASES = {"SMTPcomError": ("._runtime.errors", "ClientError")}
__getattr__, __dir__ = lazy_exports(__name__, _SOURCES, _ALIASES)

__all__ = [
    "DEFAULT_TIMEOUT",
    "MAX_MESSAGE_BYTES",
    "MAX_RECIPIENTS",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncSMTPcom",
    "AuthMode",
    "AuthenticatedClient",
    "AuthenticationError",
    "BadRequestError",
    "Client",
    "ClientError",
    "ConfigurationError",
    "CustomHeaders",
    "EmailAddress",
    "ErrorData",
    "ErrorEnvelope",
    "ErrorFieldMessages",
    "InvalidRequestError",
    "MessageAttachment",
    "MessageBody",
    "MessageInfo",
    "MessagePart",
    "MessagesListData",
    "MessagesListResponse",
    "NotFoundError",
    "Originator",
    "RateLimitError",
    "Recipients",
    "ResponseParseError",
    "RetryPolicy",
    "SMTPcom",
    "SMTPcomError",
    "SendMessageRequest",
    "SendMessageResponse",
    "SendMessageResponseData",
    "SendMimeMessageRequest",
    "ServerError",
    "TimeArg",
    "V4MessagesGetEvent",
    "message_id",
]
