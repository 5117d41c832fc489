"""The Django email backend every vendor package ships as ``<package>.django.EmailBackend``.

This is the only module that imports Django; it is imported only by ``<package>.django`` (the
``django`` extra), so the base install never needs Django.

Configuration, the same for every vendor: a settings dict named after the vendor's environment
prefix (``PAUBOX``, ``SMTPCOM``, ``SENDCLEAN``, ``POWEREMAIL``) whose keys are the names of the
vendor's environment variables without that prefix (``PAUBOX["API_KEY"]`` is ``PAUBOX_API_KEY``),
plus ``TIMEOUT`` (default: Django's ``EMAIL_TIMEOUT``), ``RETRY`` and ``USER_AGENT``. Keyword
arguments of ``get_connection()`` (the key in lower case: ``api_key=...``) override the dict; a
credential in neither comes from the environment, as for the client itself.

One backend connection is one client: ``open()`` builds it and ``close()`` closes it, so
``with get_connection() as connection:`` sends every message over the same client and its
connection pool; a ``send_messages()`` outside ``open()``/``close()`` opens and closes around its
batch, as Django's SMTP backend does. With ``fail_silently=True`` a ``ClientError`` of this
package (missing credentials, a refused or failed send) is logged, not raised, and the message
counts as not sent.
"""

from __future__ import annotations

import email.message
import email.policy
import logging
import threading
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Generic, Protocol, TypeVar, cast

from .._version import DISTRIBUTION
from .errors import ClientError

try:
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.mail.backends.base import BaseEmailBackend
    from django.core.mail.message import EmailMessage as DjangoMessage
except ImportError as error:  # the extra is not installed: say which one
    raise ImportError(
        f"{__name__.split('.')[0]}.django needs Django: pip install '{DISTRIBUTION}[django]' ({error})"
    ) from error

logger = logging.getLogger(__name__.split(".")[0])

#: Settings keys every vendor accepts, after its own: the client's ``timeout``, ``retry`` and ``user_agent``.
COMMON_KEYS: tuple[str, ...] = ("TIMEOUT", "RETRY", "USER_AGENT")
#: ``get_connection()`` always passes these (from ``send_mail(auth_user=, auth_password=)``); they
#: are SMTP login settings that mean nothing to an HTTP API, so only ``None`` is accepted.
_SMTP_LOGIN = ("username", "password")


class Closable(Protocol):
    def close(self) -> None: ...


C = TypeVar("C", bound=Closable)


class ClientEmailBackend(BaseEmailBackend, Generic[C]):
    """A Django email backend that sends through one vendor client per backend connection.

    A vendor's backend names its settings dict (``setting``), the keys it takes (``client_keys``
    go to the client's constructor, ``send_keys`` to every ``send_email_message`` call and must be
    set), and implements ``build_client`` and ``send``.
    """

    setting: ClassVar[str]
    client_keys: ClassVar[tuple[str, ...]]
    send_keys: ClassVar[tuple[str, ...]] = ()

    def __init__(self, fail_silently: bool = False, **kwargs: Any) -> None:
        super().__init__(fail_silently=fail_silently)
        for name in _SMTP_LOGIN:
            if kwargs.pop(name, None) is not None:
                raise ImproperlyConfigured(
                    f"{type(self).__module__}.{type(self).__name__} takes no {name}= (auth_user/auth_password "
                    f"of send_mail): put the vendor's credentials in settings.{self.setting}"
                )
        keys = (*self.client_keys, *COMMON_KEYS, *self.send_keys)
        unknown = sorted(set(kwargs) - {key.lower() for key in keys})
        if unknown:
            raise TypeError(f"{type(self).__name__}() got unexpected keyword argument(s): {', '.join(unknown)}")
        configured = {**self._settings_dict(keys), **{key.upper(): value for key, value in kwargs.items()}}
        if "TIMEOUT" not in configured and getattr(settings, "EMAIL_TIMEOUT", None) is not None:
            configured["TIMEOUT"] = settings.EMAIL_TIMEOUT
        missing = [key for key in self.send_keys if configured.get(key) is None]
        if missing:
            raise ImproperlyConfigured(
                f"settings.{self.setting} needs {', '.join(repr(key) for key in missing)} "
                f"(or get_connection({', '.join(f'{key.lower()}=...' for key in missing)}))"
            )
        #: Keyword arguments of the client's constructor (``None`` values left out: the client then
        #: reads its environment variable or uses its default).
        self.client_options: dict[str, Any] = {
            key.lower(): value for key, value in configured.items() if key not in self.send_keys and value is not None
        }
        #: Keyword arguments of every ``send_email_message`` call.
        self.send_options: dict[str, Any] = {key.lower(): configured[key] for key in self.send_keys}
        #: The open connection's client; ``None`` when the backend is closed.
        self.client: C | None = None
        self._lock = threading.RLock()

    def _settings_dict(self, keys: Sequence[str]) -> dict[str, Any]:
        value: object = getattr(settings, self.setting, None)
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            raise ImproperlyConfigured(f"settings.{self.setting} must be a dict, got {type(value).__name__}")
        entries = cast("Mapping[object, Any]", value)
        unknown = sorted(str(key) for key in entries if key not in keys)
        if unknown:
            raise ImproperlyConfigured(
                f"settings.{self.setting} has unknown key(s) {', '.join(map(repr, unknown))}; "
                f"known keys: {', '.join(keys)}"
            )
        return {str(key): item for key, item in entries.items()}

    # ------------------------------------------------------------------------- per vendor

    def build_client(self, options: dict[str, Any]) -> C:
        """A new client from ``options`` (``client_options``)."""
        raise NotImplementedError

    def send(self, client: C, msg: email.message.EmailMessage, options: dict[str, Any]) -> None:
        """Send ``msg`` through ``client`` (``options`` are ``send_options``)."""
        raise NotImplementedError

    # ------------------------------------------------------------------------- Django's API

    def open(self) -> bool | None:
        """Build the client. True if this call built it, False if it was open already, None if it
        could not be built and ``fail_silently`` is set."""
        with self._lock:
            if self.client is not None:
                return False
            try:
                self.client = self.build_client(dict(self.client_options))
            except ClientError as error:
                if not self.fail_silently:
                    raise
                logger.warning("%s: no client (%s: %s)", type(self).__name__, type(error).__name__, error)
                return None
            return True

    def close(self) -> None:
        """Close the client and its connection pool; ``open()`` builds a new one."""
        with self._lock:
            client, self.client = self.client, None
            if client is not None:
                client.close()

    def send_messages(self, email_messages: Sequence[DjangoMessage]) -> int:
        """Send each message; return how many the vendor accepted. A message without recipients is
        skipped (not counted), as by Django's SMTP backend."""
        if not email_messages:
            return 0
        with self._lock:
            opened = self.open()
            client = self.client
            if client is None or opened is None:
                return 0
            try:
                return sum(self._send(client, message) for message in email_messages)
            finally:
                if opened:
                    self.close()

    def _send(self, client: C, message: DjangoMessage) -> bool:
        if not message.recipients():
            return False
        try:
            self.send(client, mime_of(message), dict(self.send_options))
        except ClientError as error:
            if not self.fail_silently:
                raise
            logger.warning("%s: message not sent (%s: %s)", type(self).__name__, type(error).__name__, error)
            return False
        return True


def mime_of(message: DjangoMessage) -> email.message.EmailMessage:
    """The MIME of a Django message as the stdlib ``EmailMessage`` the clients take, with the
    message's ``bcc`` list as a Bcc header.

    Django leaves Bcc out of ``message()`` (an SMTP server gets it in the envelope); the client
    reads the recipients from the headers and never sends the Bcc header on. Django before 6.0
    builds compat32 ``SafeMIME`` objects, whose ``as_string()``/``as_bytes()`` take no ``policy``:
    those are serialised once and parsed back as an ``EmailMessage``.
    """
    mime: email.message.Message = message.message()
    if message.bcc:
        mime["Bcc"] = ", ".join(message.bcc)
    if isinstance(mime, email.message.EmailMessage):
        return mime
    return email.message_from_bytes(mime.as_bytes(), policy=email.policy.default)
