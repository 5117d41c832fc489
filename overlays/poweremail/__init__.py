"""Typed client for the PowerEmail API v1.0 (messages).

    from poweremail_client import Message, PowerEmail, Recipient

    with PowerEmail() as poweremail:  # POWEREMAIL_OWNER_ID, POWEREMAIL_TOKEN, POWEREMAIL_SMTP_USER_NAME
        sent = poweremail.send_mail(Message(text="Hi", to=[Recipient(email="ann@example.com")]))

Names load on first use, so importing the package costs little more than importing httpx.
"""

from typing import TYPE_CHECKING

from ._runtime.lazy import lazy_exports

if TYPE_CHECKING:  # real imports for type checkers and IDEs; at run time names load on first use
    from ._client import AsyncPowerEmail as AsyncPowerEmail
    from ._client import PowerEmail as PowerEmail
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
    from .models import Attachment as Attachment
    from .models import ErrorEnvelope as ErrorEnvelope
    from .models import InlineImage as InlineImage
    from .models import Message as Message
    from .models import MessageHeaders as MessageHeaders
    from .models import MessageInfoItem as MessageInfoItem
    from .models import MessageInfoResult as MessageInfoResult
    from .models import Recipient as Recipient
    from .models import RecipientType as RecipientType
    from .models import SendResult as SendResult
    from .models import TemplateMessage as TemplateMessage
    from .models import TemplateMessageDynamicValue as TemplateMessageDynamicValue
    from .models import TrackingEvents as TrackingEvents

    PowerEmailError = ClientError

# Where each public name lives; it is imported from there on first access.
_SOURCES = {
    "._client": ("AsyncPowerEmail", "PowerEmail"),
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
    ".client": ("AuthenticatedClient", "Client"),
    ".models": (
        "Attachment",
        "ErrorEnvelope",
        "InlineImage",
        "Message",
        "MessageHeaders",
        "MessageInfoItem",
        "MessageInfoResult",
        "Recipient",
        "RecipientType",
        "SendResult",
        "TemplateMessage",
        "TemplateMessageDynamicValue",
        "TrackingEvents",
    ),
}
_ALIASES = {"PowerEmailError": ("._runtime.errors", "ClientError")}
__getattr__, __dir__ = lazy_exports(__name__, _SOURCES, _ALIASES)

__all__ = [
    "DEFAULT_TIMEOUT",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncPowerEmail",
    "Attachment",
    "AuthenticatedClient",
    "AuthenticationError",
    "BadRequestError",
    "Client",
    "ClientError",
    "ConfigurationError",
    "ErrorEnvelope",
    "InlineImage",
    "InvalidRequestError",
    "Message",
    "MessageHeaders",
    "MessageInfoItem",
    "MessageInfoResult",
    "NotFoundError",
    "PowerEmail",
    "PowerEmailError",
    "RateLimitError",
    "Recipient",
    "RecipientType",
    "ResponseParseError",
    "RetryPolicy",
    "SendResult",
    "ServerError",
    "TemplateMessage",
    "TemplateMessageDynamicValue",
    "TrackingEvents",
]
