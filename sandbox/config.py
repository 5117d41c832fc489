"""Sandbox configuration: default credentials, channels, templates and behaviour knobs.

Everything a test, the demo or a benchmark needs to talk to the sandbox is an importable constant
here, so callers never hard-code a key. `SandboxConfig` is immutable; build a variant with
`DEFAULT_CONFIG.replace(...)` or pass keyword overrides to `sandbox.testing.running_sandbox(...)`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

Vendor = Literal["paubox", "smtpcom", "poweremail", "sendclean"]
VENDORS: Final[tuple[Vendor, ...]] = ("paubox", "smtpcom", "poweremail", "sendclean")

DEFAULT_HOST: Final = "127.0.0.1"
DEFAULT_PORT: Final = 8025

# --------------------------------------------------------------------------------------- Paubox
#: API username that goes into the legacy base URL (`/paubox/v1/<username>`); the gateway
#: (`/paubox/v1/email`) needs only the key.
PAUBOX_USERNAME: Final = "sandbox"
#: API key of `PAUBOX_USERNAME`; send it as `Authorization: Token token=<key>` (or `Bearer <key>`).
PAUBOX_API_KEY: Final = "sandbox-paubox-key"
#: A second account, so that "valid key, wrong username" can be exercised.
PAUBOX_OTHER_USERNAME: Final = "sandbox-other"
PAUBOX_OTHER_API_KEY: Final = "sandbox-other-paubox-key"

# ------------------------------------------------------------------------------------- SMTP.com
#: Accepted as `?api_key=`, `X-SMTPCOM-API:`, Basic `api:<key>` or `Bearer <key>`.
SMTPCOM_API_KEY: Final = "sandbox-smtpcom-key"
#: The default channel (sender label) for sends and `GET /v4/messages`.
SMTPCOM_CHANNEL: Final = "sandbox"
SMTPCOM_CHANNELS: Final[tuple[str, ...]] = (SMTPCOM_CHANNEL, "transactional", "marketing")

# --------------------------------------------------------------------------- SendClean/PowerEmail
SENDCLEAN_OWNER_ID: Final = "sandbox-sendclean-owner"
SENDCLEAN_TOKEN: Final = "sandbox-sendclean-token"
SENDCLEAN_SMTP_USER: Final = "sandbox-sendclean-smtp"

POWEREMAIL_OWNER_ID: Final = "sandbox-poweremail-owner"
POWEREMAIL_TOKEN: Final = "sandbox-poweremail-token"
POWEREMAIL_SMTP_USER: Final = "sandbox-poweremail-smtp"

#: Recipients whose local part starts with this prefix "bounce": Paubox reports `hard bounced`,
#: SMTP.com `failed`, SendClean/PowerEmail `hard_bounce`. Everyone else is delivered.
BOUNCE_PREFIX: Final = "bounce"


@dataclass(frozen=True, slots=True)
class Template:
    """A SendClean/PowerEmail template. Placeholders are `{{NAME}}` (case-sensitive, spaces allowed
    inside the braces) and are replaced by `message.dynamic_value[NAME]` in subject, html and text.
    Placeholders without a value are left as they are."""

    subject: str
    html: str | None = None
    text: str | None = None


@dataclass(frozen=True, slots=True)
class BrandAccount:
    """One SendClean or PowerEmail account: body credentials plus the SMTP users it owns."""

    owner_id: str
    token: str
    smtp_user_names: tuple[str, ...]


WELCOME_TEMPLATE_ID: Final = "welcome"
RESET_TEMPLATE_ID: Final = "password-reset"

DEFAULT_TEMPLATES: Final[Mapping[str, Template]] = {
    WELCOME_TEMPLATE_ID: Template(
        subject="Welcome, {{NAME}}!",
        html="<html><body><h1>Welcome, {{NAME}}!</h1><p>Your account {{Email}} is ready.</p></body></html>",
        text="Welcome, {{NAME}}!\n\nYour account {{Email}} is ready.\n",
    ),
    RESET_TEMPLATE_ID: Template(
        subject="Reset your password",
        html='<p>Hi {{NAME}}, <a href="{{LINK}}">reset your password</a>.</p>',
        text="Hi {{NAME}}, reset your password: {{LINK}}\n",
    ),
}

SmtpcomResponseStyle = Literal["observed", "documented", "both"]
PauboxUnsetStyle = Literal["null", "empty", "absent"]
PlatformErrorStyle = Literal["name", "type"]


@dataclass(frozen=True)
class SandboxConfig:
    """All sandbox settings. Immutable; `replace(**changes)` returns a modified copy."""

    #: Paubox API username -> API key. The key must belong to the username in the path.
    paubox_accounts: Mapping[str, str] = field(
        default_factory=lambda: {PAUBOX_USERNAME: PAUBOX_API_KEY, PAUBOX_OTHER_USERNAME: PAUBOX_OTHER_API_KEY}
    )
    #: When set, `headers.from` must be on one of these domains (otherwise 400), like a real account.
    paubox_verified_domains: tuple[str, ...] | None = None
    #: Number of `GET /message_receipt` reads that still show `processing` before `delivered`.
    paubox_processing_reads: int = 1
    #: If set, delivery is time-based instead: `processing` until this many ms after the send.
    paubox_delivery_delay_ms: int | None = None
    #: How a receipt shows a time or open status with no value yet: `null` (the docs), `""`
    #: ("empty": what paubox-rust and paubox-perl-sdk read) or left out ("absent").
    paubox_unset_style: PauboxUnsetStyle = "null"
    #: Echo `customHeaders: null` instead of `{}` for a message without custom headers (paubox-node's test).
    paubox_null_custom_headers: bool = False

    smtpcom_api_keys: tuple[str, ...] = (SMTPCOM_API_KEY,)
    smtpcom_channels: tuple[str, ...] = SMTPCOM_CHANNELS
    #: Messages show delivery event `queued` for this long after the send, then `delivered`/`failed`.
    smtpcom_delivery_delay_ms: int = 0
    #: Send success body: "observed" `data.message = "accepted, msg_id: <id>"` (what the live service
    #: returns), "documented" `data.msg_id`, or "both".
    smtpcom_response_style: SmtpcomResponseStyle = "observed"

    #: How SendClean/PowerEmail error bodies name the error: `name` (the doc examples, the official
    #: clients) or `type` (the doc's return-value table), and whether `code` is the string `"-1"`.
    platform_error_style: PlatformErrorStyle = "name"
    platform_error_code_as_string: bool = False

    sendclean: BrandAccount = BrandAccount(SENDCLEAN_OWNER_ID, SENDCLEAN_TOKEN, (SENDCLEAN_SMTP_USER,))
    poweremail: BrandAccount = BrandAccount(POWEREMAIL_OWNER_ID, POWEREMAIL_TOKEN, (POWEREMAIL_SMTP_USER,))
    #: template_id -> Template, shared by both brands.
    templates: Mapping[str, Template] = field(default_factory=lambda: dict(DEFAULT_TEMPLATES))

    bounce_prefix: str = BOUNCE_PREFIX
    #: The request log keeps at most this many entries (oldest dropped first).
    max_request_log: int = 50_000
    #: The message store keeps at most this many messages (oldest dropped first).
    max_messages: int = 100_000
    #: Request bodies larger than this get HTTP 413.
    max_body_bytes: int = 32 * 1024 * 1024
    #: Call `gc.freeze()` after every N stored messages (None: never). Stored messages are
    #: long-lived; freezing keeps the garbage collector's full passes short, which keeps tail
    #: latency flat in long benchmarks. Process-wide, like every `gc` setting; `reset()` unfreezes.
    gc_freeze_every: int | None = 2000

    def replace(self, **changes: Any) -> SandboxConfig:
        """A copy with `changes` applied; unknown names raise `TypeError`."""
        unknown = set(changes) - {f.name for f in dataclasses.fields(self)}
        if unknown:
            raise TypeError(f"unknown sandbox config option(s): {', '.join(sorted(unknown))}")
        return dataclasses.replace(self, **changes)

    def brand(self, vendor: str) -> BrandAccount:
        """The account of a SendClean-platform brand (`sendclean` or `poweremail`)."""
        if vendor == "sendclean":
            return self.sendclean
        if vendor == "poweremail":
            return self.poweremail
        raise KeyError(vendor)


DEFAULT_CONFIG: Final = SandboxConfig()


def base_url(root: str, vendor: str, *, username: str = PAUBOX_USERNAME) -> str:
    """The base_url a vendor client should use against a sandbox at `root` (`http://127.0.0.1:8025`).

    paubox -> `<root>/paubox/v1/<username>` (the legacy path; `<root>/paubox/v1/email` is the
    key-only gateway), smtpcom -> `<root>/smtpcom`,
    sendclean -> `<root>/sendclean/v1.0`, poweremail -> `<root>/poweremail/v1.0`.
    """
    root = root.rstrip("/")
    if vendor == "paubox":
        return f"{root}/paubox/v1/{username}"
    if vendor == "smtpcom":
        return f"{root}/smtpcom"
    if vendor in ("sendclean", "poweremail"):
        return f"{root}/{vendor}/v1.0"
    raise ValueError(f"unknown vendor {vendor!r}; expected one of {', '.join(VENDORS)}")
