"""``<package>.django.EmailBackend`` sends Django mail through the vendor client, against the sandbox.

Django is configured from ``django_settings.py`` (conftest.py); each test runs once per vendor
where the vendors differ (settings, client, JSON or MIME on the wire).
"""

from __future__ import annotations

import importlib
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from email.mime.image import MIMEImage
from typing import Any

import httpx
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection, send_mail, send_mass_mail
from django.test.utils import override_settings
from django.utils.module_loading import import_string
from django_support import DJANGO_VENDORS, DjangoVendor, vendor_settings

from sandbox import config as sb
from sandbox.store import StoredMessage
from sandbox.testing import SandboxHandle

PDF = b"%PDF-1.4\n% a tiny report\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(16)


def errors_of(vendor: DjangoVendor) -> Any:
    """The vendor package, whose error classes the backend raises."""
    return importlib.import_module(vendor.package)


def stored(sandbox: SandboxHandle, vendor: DjangoVendor) -> list[StoredMessage]:
    return sandbox.messages(vendor.name)


@dataclass
class ClientLog:
    """The clients the backend built, and those it closed."""

    built: list[Any] = field(default_factory=lambda: list[Any]())
    closed: list[Any] = field(default_factory=lambda: list[Any]())


@pytest.fixture
def clients(configured: DjangoVendor, monkeypatch: pytest.MonkeyPatch) -> ClientLog:
    """Records every client the vendor's backend builds and every ``close()`` of one."""
    log = ClientLog()
    backend = import_string(configured.backend)
    build = backend.build_client

    def recording_build(self: Any, options: dict[str, Any]) -> Any:
        client = build(self, options)
        close: Callable[[], None] = client.close

        def recording_close() -> None:
            log.closed.append(client)
            close()

        monkeypatch.setattr(client, "close", recording_close)
        log.built.append(client)
        return client

    monkeypatch.setattr(backend, "build_client", recording_build)
    return log


# ------------------------------------------------------------------------------ sending


def test_send_mail_sends_one_message(configured: DjangoVendor, sandbox: SandboxHandle) -> None:
    sent = send_mail("Lab results", "Your results are ready.", None, ["Jane Doe <jane@example.com>"])

    assert sent == 1
    (message,) = stored(sandbox, configured)
    summary = message.summary()
    assert summary["headers"]["Subject"] == "Lab results"
    assert summary["headers"]["From"] == "Clinic <clinic@sandbox.example.com>"
    assert summary["headers"]["To"] == "Jane Doe <jane@example.com>"
    assert summary["text"].strip() == "Your results are ready."
    assert [r.address for r in message.recipients] == ["jane@example.com"]


def test_multi_alternatives_with_attachments(configured: DjangoVendor, sandbox: SandboxHandle) -> None:
    message = EmailMultiAlternatives(
        subject="Your report",
        body="The report is attached.",
        from_email="Reports <reports@sandbox.example.com>",
        to=["jane@example.com"],
        cc=["Bob <bob@example.com>"],
        bcc=["audit@example.com"],
        reply_to=["help@sandbox.example.com"],
        headers={"X-Campaign": "spring"},
    )
    message.attach_alternative("<p>The report is <b>attached</b>.</p>", "text/html")
    message.attach("report.pdf", PDF, "application/pdf")
    message.attach("data.csv", "a,b\n1,2\n", "text/csv")

    assert message.send() == 1

    (kept,) = stored(sandbox, configured)
    mime = kept.mime
    assert mime["Subject"] == "Your report"
    assert mime["From"] == "Reports <reports@sandbox.example.com>"
    assert mime["To"] == "jane@example.com"
    assert mime["Cc"] == "Bob <bob@example.com>"
    assert mime["Reply-To"] == "help@sandbox.example.com"
    assert mime["X-Campaign"] == "spring"
    assert "Bcc" not in mime, "the Bcc header must never be sent"
    assert {(r.address, r.kind) for r in kept.recipients} == {
        ("jane@example.com", "to"),
        ("bob@example.com", "cc"),
        ("audit@example.com", "bcc"),
    }
    summary = kept.summary()
    assert summary["text"].strip() == "The report is attached."
    assert summary["html"].strip() == "<p>The report is <b>attached</b>.</p>"
    attachments = {str(part.get_filename()): part for part in mime.iter_attachments()}
    assert sorted(attachments) == ["data.csv", "report.pdf"]
    assert attachments["report.pdf"].get_content_type() == "application/pdf"
    assert attachments["report.pdf"].get_content() == PDF
    assert attachments["data.csv"].get_content_type() == "text/csv"
    assert attachments["data.csv"].get_content().replace("\r\n", "\n") == "a,b\n1,2\n"


def test_an_inline_image_is_carried_or_refused_by_name(configured: DjangoVendor, sandbox: SandboxHandle) -> None:
    """SMTP.com (MIME) and the platform (``images``) carry an inline image; Paubox has none, so it
    refuses the message, naming the part, before anything is sent."""
    message = EmailMultiAlternatives("Logo", "See the logo.", None, ["jane@example.com"])
    message.attach_alternative('<p><img src="cid:logo"></p>', "text/html")
    image = MIMEImage(PNG, "png")
    image.add_header("Content-ID", "<logo>")
    image.add_header("Content-Disposition", "inline", filename="logo.png")
    message.attach(image)

    if configured.name == "paubox":
        with pytest.raises(errors_of(configured).InvalidRequestError, match="Content-ID <logo>"):
            message.send()
        assert sandbox.requests(configured.name) == []
        return
    assert message.send() == 1
    (kept,) = stored(sandbox, configured)
    (inline,) = kept.summary()["inline_images"]
    assert (inline["content_id"], inline["content_type"]) == ("logo", "image/png")


def test_send_mass_mail_sends_each_over_one_client(
    configured: DjangoVendor, sandbox: SandboxHandle, clients: ClientLog
) -> None:
    datatuples = [
        (f"Reminder {n}", f"Appointment {n} is tomorrow.", None, [f"patient{n}@example.com"]) for n in range(3)
    ]

    assert send_mass_mail(datatuples) == 3

    assert [m.summary()["headers"]["Subject"] for m in stored(sandbox, configured)] == [
        "Reminder 0",
        "Reminder 1",
        "Reminder 2",
    ]
    assert len(clients.built) == 1
    assert clients.closed == clients.built


def test_a_message_without_recipients_is_skipped(configured: DjangoVendor, sandbox: SandboxHandle) -> None:
    nobody = EmailMessage("Nobody", "No one to send to.", None, [])
    somebody = EmailMessage("Somebody", "Hello.", None, ["jane@example.com"])

    assert get_connection().send_messages([nobody, somebody]) == 1
    assert [m.summary()["headers"]["Subject"] for m in stored(sandbox, configured)] == ["Somebody"]


# ------------------------------------------------------------------------ one client per connection


def test_an_open_connection_reuses_one_client(
    configured: DjangoVendor, sandbox: SandboxHandle, clients: ClientLog
) -> None:
    with get_connection() as connection:
        send_mail("First", "1", None, ["jane@example.com"], connection=connection)
        send_mass_mail([("Second", "2", None, ["jane@example.com"])], connection=connection)
        EmailMultiAlternatives("Third", "3", None, ["jane@example.com"], connection=connection).send()
        assert clients.closed == []

    assert len(stored(sandbox, configured)) == 3
    assert len(clients.built) == 1
    assert clients.closed == clients.built


def test_each_batch_outside_open_close_opens_and_closes_a_client(
    configured: DjangoVendor, sandbox: SandboxHandle, clients: ClientLog
) -> None:
    connection = get_connection()
    first = connection.send_messages([EmailMessage("First", "1", None, ["jane@example.com"])])
    second = connection.send_messages([EmailMessage("Second", "2", None, ["jane@example.com"])] * 2)

    assert (first, second) == (1, 2)
    assert len(stored(sandbox, configured)) == 3
    assert len(clients.built) == 2
    assert clients.closed == clients.built


# ------------------------------------------------------------------------ failures, fail_silently


def test_a_failed_send_raises_the_vendor_error(configured: DjangoVendor, sandbox: SandboxHandle) -> None:
    # 500 to a send: it may have reached the vendor, so the client never repeats it (no retry sleep).
    sandbox.set_fault("status", vendor=configured.name, status=500)

    with pytest.raises(errors_of(configured).ServerError):
        send_mail("Lab results", "Ready.", None, ["jane@example.com"])
    assert stored(sandbox, configured) == []


def test_fail_silently_counts_a_failed_send_as_not_sent_and_goes_on(
    configured: DjangoVendor, sandbox: SandboxHandle
) -> None:
    sandbox.set_fault("status", vendor=configured.name, status=500)  # the first send only
    messages = [EmailMessage(f"Message {n}", "Hi.", None, ["jane@example.com"]) for n in range(3)]

    assert get_connection(fail_silently=True).send_messages(messages) == 2
    assert [m.summary()["headers"]["Subject"] for m in stored(sandbox, configured)] == ["Message 1", "Message 2"]


def test_wrong_credentials_raise_authentication_error(vendor: DjangoVendor, sandbox: SandboxHandle) -> None:
    wrong = vendor_settings(vendor, sandbox, **vendor.wrong_credentials)
    with (
        override_settings(EMAIL_BACKEND=vendor.backend, **{vendor.setting: wrong}),
        pytest.raises(errors_of(vendor).AuthenticationError),
    ):
        send_mail("Lab results", "Ready.", None, ["jane@example.com"])
    assert stored(sandbox, vendor) == []


def test_wrong_credentials_with_fail_silently_send_nothing(vendor: DjangoVendor, sandbox: SandboxHandle) -> None:
    wrong = vendor_settings(vendor, sandbox, **vendor.wrong_credentials)
    with override_settings(EMAIL_BACKEND=vendor.backend, **{vendor.setting: wrong}):
        assert send_mail("Lab results", "Ready.", None, ["jane@example.com"], fail_silently=True) == 0
    assert stored(sandbox, vendor) == []


def test_missing_credentials_raise_configuration_error_unless_silent(
    vendor: DjangoVendor, sandbox: SandboxHandle
) -> None:
    bare = vendor_settings(vendor, sandbox, **dict.fromkeys(vendor.credentials))
    with override_settings(EMAIL_BACKEND=vendor.backend, **{vendor.setting: bare}):
        with pytest.raises(errors_of(vendor).ConfigurationError):
            send_mail("Lab results", "Ready.", None, ["jane@example.com"])
        assert send_mail("Lab results", "Ready.", None, ["jane@example.com"], fail_silently=True) == 0
    assert sandbox.requests(vendor.name) == []


# ------------------------------------------------------------------------------ configuration


def test_credentials_come_from_the_environment(
    vendor: DjangoVendor, sandbox: SandboxHandle, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in vendor.credentials.items():
        monkeypatch.setenv(f"{vendor.setting}_{key}", value)
    bare = vendor_settings(vendor, sandbox, **dict.fromkeys(vendor.credentials))

    with override_settings(EMAIL_BACKEND=vendor.backend, **{vendor.setting: bare}):
        assert send_mail("Lab results", "Ready.", None, ["jane@example.com"]) == 1
    assert len(stored(sandbox, vendor)) == 1


def test_get_connection_arguments_override_the_settings(sandbox: SandboxHandle) -> None:
    smtpcom = DJANGO_VENDORS["smtpcom"]
    with override_settings(SMTPCOM=vendor_settings(smtpcom, sandbox, BASE_URL="http://127.0.0.1:9/nowhere")):
        connection = get_connection(smtpcom.backend, base_url=sandbox.base_url("smtpcom"), channel="marketing")
        assert send_mail("Offer", "10% off.", None, ["jane@example.com"], connection=connection) == 1
    (message,) = stored(sandbox, smtpcom)
    assert message.meta["channel"] == "marketing"


def test_smtpcom_needs_a_channel(sandbox: SandboxHandle) -> None:
    smtpcom = DJANGO_VENDORS["smtpcom"]
    with (
        override_settings(SMTPCOM=vendor_settings(smtpcom, sandbox, CHANNEL=None)),
        pytest.raises(ImproperlyConfigured, match="CHANNEL"),
    ):
        get_connection(smtpcom.backend)


def test_an_unknown_settings_key_is_improperly_configured(sandbox: SandboxHandle) -> None:
    paubox = DJANGO_VENDORS["paubox"]
    with (
        override_settings(PAUBOX=vendor_settings(paubox, sandbox, APIKEY="typo")),
        pytest.raises(ImproperlyConfigured, match="'APIKEY'"),
    ):
        get_connection(paubox.backend)


def test_smtp_login_arguments_are_refused() -> None:
    """``send_mail(auth_user=...)`` reaches the backend as ``username=``: an SMTP login, not a credential."""
    with pytest.raises(ImproperlyConfigured, match="username"):
        get_connection(DJANGO_VENDORS["smtpcom"].backend, username="me", password="secret")


def test_email_timeout_is_the_client_timeout(configured: DjangoVendor) -> None:
    with override_settings(EMAIL_TIMEOUT=7), get_connection() as connection:
        client: Any = getattr(connection, "client", None)
        assert client is not None
        assert client.timeout == httpx.Timeout(7)


def test_the_packages_import_without_django() -> None:
    """The base install does not pull Django in: with Django unimportable, every package and its
    public names import, and only ``<package>.django`` asks for the extra."""
    packages = [vendor.package for vendor in DJANGO_VENDORS.values()]
    probe = "\n".join(
        [
            "import importlib, sys",
            "sys.modules['django'] = None  # import django raises ImportError",
            f"for name in {packages!r}:",
            "    package = importlib.import_module(name)",
            "    [getattr(package, public) for public in package.__all__]",
            "    try:",
            "        importlib.import_module(name + '.django')",
            "    except ImportError as error:",
            "        print(error)",
        ]
    )
    ran = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr
    hints = [line.split(" (", 1)[0] for line in ran.stdout.splitlines()]
    assert hints == [
        f"{package}.django needs Django: pip install '{package.replace('_', '-')}[django]'" for package in packages
    ]


def test_smtpcom_sends_djangos_own_mime_object(sandbox: SandboxHandle) -> None:
    """``send_email_message`` takes any ``email.message.Message``, Django's ``message()`` included
    (Paubox, SendClean and PowerEmail do)."""
    from smtpcom_client import SMTPcom

    django_mime = EmailMessage("Lab results", "Ready.", "clinic@sandbox.example.com", ["jane@example.com"]).message()
    with SMTPcom(sb.SMTPCOM_API_KEY, base_url=sandbox.base_url("smtpcom")) as client:
        client.send_email_message(django_mime, channel=sb.SMTPCOM_CHANNEL)
    assert len(sandbox.messages("smtpcom")) == 1
